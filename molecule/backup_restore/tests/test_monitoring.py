"""The monitoring profile on the first host: its servers run healthy, Prometheus scrapes the
backend, the edge, Alertmanager and the edge's certificate, every panel of the Grafana dashboard
(monitoring/grafana/control-plane.json) has data in the running Prometheus, and a stopped backend
reaches the operators' channel (the TEST-ONLY receiver) as a BackendDown alert, then as resolved."""

import json
import shlex
from datetime import UTC, datetime

from host_checks import APP_ROOT, container_id, notifications, poll, ready

testinfra_hosts = ["delta-molecule-backup_restore"]

PROFILE = ["prometheus", "alertmanager", "blackbox", "alert-relay"]
COMPOSE = f"{APP_ROOT}/scripts/compose.sh"


def query(host, expr):
    """An instant query to the running Prometheus, asked inside its own container: the result vector."""
    command = (
        f"docker exec {container_id(host, 'prometheus')} promtool query instant -o json"
        f" http://127.0.0.1:9090 {shlex.quote(expr)}"
    )
    return json.loads(host.check_output(command))


def test_the_profiles_servers_run_healthy(host):
    for service in PROFILE:
        inspect = f"docker inspect -f '{{{{.State.Health.Status}}}}' {container_id(host, service)}"
        state = host.check_output(inspect)
        assert state == "healthy", service


def test_prometheus_scrapes_the_backend_the_edge_alertmanager_and_the_certificate(host):
    def targets():
        return {sample["metric"]["job"]: sample["value"][1] for sample in query(host, "up")}

    up = poll(lambda: targets(), lambda found: len(found) == 4 and set(found.values()) == {"1"}, timeout=60)
    assert up == {"backend": "1", "edge": "1", "alertmanager": "1", "edge-tls": "1"}
    (expiry,) = query(host, 'probe_ssl_earliest_cert_expiry{job="edge-tls"} - time()')
    assert float(expiry["value"][1]) > 0
    assert expiry["metric"]["instance"] == host.backend.get_hostname()


# Series each job may put in Prometheus: bounded labels keep them far below (the note of issue 18
# gives the figures this prints).
SERIES_BUDGET = {"backend": 2000, "edge": 1500, "alertmanager": 1500, "edge-tls": 100}


def test_each_jobs_series_stay_within_budget(host):
    counted = {
        sample["metric"]["job"]: int(sample["value"][1])
        for sample in query(host, 'count by (job) ({__name__=~".+", job!=""})')
    }
    print(f"series by job: {counted}")
    assert set(counted) == set(SERIES_BUDGET)
    for job, budget in SERIES_BUDGET.items():
        assert 0 < counted[job] <= budget, (job, counted[job])


def test_every_dashboard_panel_has_data(host):
    dashboard = json.loads(host.file(f"{APP_ROOT}/monitoring/grafana/control-plane.json").content_string)
    targets = [target for panel in dashboard["panels"] for target in panel["targets"]]
    # The dashboard's Host variable, at "All".
    exprs = [target["expr"].replace("$instance", ".*") for target in targets]
    assert len(exprs) == len(dashboard["panels"]) >= 10

    def empty():
        return [expr for expr in exprs if not query(host, expr)]

    assert poll(empty, lambda found: not found, timeout=60, interval=5) == []


def backend_down_alerts(host, event, since):
    """The receiver's messages of `event` for BackendDown that started at or after `since`."""

    def started(message):
        line = next(line for line in message["message"].splitlines() if line.startswith("started_at: "))
        return datetime.fromisoformat(line.removeprefix("started_at: "))

    def mine():
        found = notifications(host, event, at_least=0, timeout=0)
        return [
            m for m in found if "alertname: BackendDown" in m["message"].splitlines() and started(m) >= since
        ]

    return poll(mine, bool, timeout=240, interval=5)


def test_a_stopped_backend_reaches_the_operators_as_an_alert_then_as_resolved(host):
    # Whole seconds: the rule's alert starts at an evaluation after the stop.
    stopped_at = datetime.now(UTC).replace(microsecond=0)
    host.check_output(f"{COMPOSE} stop backend")
    try:
        firing = backend_down_alerts(host, "alert_firing", stopped_at)
        assert firing, "no BackendDown alert reached the receiver"
        message = firing[0]
        assert message["title"] == f"Alert firing on {host.backend.get_hostname()}"
        assert message["message"].splitlines()[0].startswith("BackendDown: The backend on ")
        assert "severity: critical" in message["message"].splitlines()
    finally:
        host.check_output(f"{COMPOSE} start backend")
    poll(lambda: host.run(f"{COMPOSE} ps --status running -q backend").stdout.strip(), bool, timeout=60)
    poll(lambda: _ready(host), bool, timeout=120, interval=2)
    assert backend_down_alerts(host, "alert_resolved", stopped_at), "BackendDown was not resolved"


def _ready(host):
    try:
        return ready(host)
    except AssertionError:
        return None
