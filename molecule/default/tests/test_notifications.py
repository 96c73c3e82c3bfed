"""Notifications received by the TEST-ONLY receiver beside the host (molecule/shared/prepare.yml)
for the deploy and for each app event class, and the stack brought back after a `docker kill`
of the backend by the host's recovery unit, with the release's own images."""

import json
import shlex
from datetime import UTC, datetime, timedelta

from host_checks import APP_ROOT, DB, SQLITE3, container_id, http, notifications, poll, ready
from test_deploy import deployed_sha, sign_in

EVENT_LINK = "log viewer: https://{host}/logs?event={event}&start="


def lines_of(message):
    return message["message"].splitlines()


def strategy(host, headers, name):
    now = datetime.now(UTC)
    body = {
        "name": name,
        "underlying": "BTC",
        "expiry_rule": (now + timedelta(days=3)).date().isoformat(),
        "strike_selection": {"kind": "delta", "low": 0.10, "high": 0.15},
        "quantity": 1,
        "entry_time": (now + timedelta(hours=6)).strftime("%H:%M"),
        "exit_time": (now + timedelta(hours=7)).strftime("%H:%M"),
        "timezone": "UTC",
        "max_loss_pct": 1000,
        "max_profit_pct": 100,
        "trailing_stops": [],
        "active": False,
    }
    made = http(
        host, "POST", "/api/strategies", {**headers, "Content-Type": "application/json"}, json.dumps(body)
    )
    assert made["status"] == 201, made
    return json.loads(made["body"])["id"]


def start_session(host, headers, strategy_id, mode):
    return http(
        host,
        "POST",
        f"/api/strategies/{strategy_id}/sessions",
        {**headers, "Content-Type": "application/json"},
        json.dumps({"mode": mode}),
    )


def test_the_deploy_was_notified_with_host_release_and_log_viewer_link(host):
    sha = deployed_sha(host)
    message = notifications(host, "deploy_succeeded")[0]
    name = host.backend.get_hostname()
    assert message["title"] == f"Release deployed on {name}"
    assert message["type"] == "success"
    lines = lines_of(message)
    assert f"release: {sha}" in lines
    assert f"to_sha: {sha}" in lines
    assert any(line.startswith(EVENT_LINK.format(host=name, event="deploy_succeeded")) for line in lines)
    # The link's filter finds the event: the notification command logged it for the Log Viewer.
    found = poll(
        lambda: json.loads(http(host, "GET", "/api/logs?event=deploy_succeeded", sign_in(host))["body"])[
            "items"
        ],
        bool,
    )
    assert found


def test_a_refused_live_session_and_a_tripped_kill_switch_are_notified(host):
    headers = sign_in(host)
    strategy_id = strategy(host, headers, "notify refusal")
    assert start_session(host, headers, strategy_id, "live")["status"] == 409
    refusal = notifications(host, "live_trading_refused")[0]
    assert "actor: admin" in lines_of(refusal)
    assert f"target: strategy:{strategy_id}" in lines_of(refusal)

    json_headers = {**headers, "Content-Type": "application/json"}
    tripped = http(
        host, "POST", "/api/kill-switch/trip", json_headers, json.dumps({"reason": "molecule drill"})
    )
    assert tripped["status"] == 200, tripped
    try:
        message = notifications(host, "kill_switch_tripped")[0]
        assert lines_of(message)[0] == "kill switch tripped: molecule drill (by admin)"
        assert message["type"] == "failure"
    finally:
        assert http(host, "POST", "/api/kill-switch/rearm", json_headers, "{}")["status"] == 200


def test_a_data_volume_below_the_readiness_threshold_is_notified(host):
    # The backend's own check, with a threshold above any disk's free space.
    backend = container_id(host, "backend")
    check = host.run(f"docker exec -e READY_MIN_FREE_BYTES={2**62} {backend} control-plane disk check")
    assert check.rc == 1, check.stderr
    message = notifications(host, "disk_low")[0]
    assert f"min_free_bytes: {2**62}" in lines_of(message)


def test_a_killed_backend_is_brought_back_and_its_damaged_session_notified(host):
    headers = sign_in(host)
    session = start_session(host, headers, strategy(host, headers, "notify interruption"), "paper")
    assert session["status"] == 201, session
    session_id = json.loads(session["body"])["id"]
    before = container_id(host, "backend")
    image = host.check_output(f"docker inspect -f '{{{{.Config.Image}}}}' {before}")

    # The timer is held while the session's stored state is damaged with the backend down, so the
    # recovery cannot start it in between; then it runs as it does on its own.
    host.run_expect([0], "systemctl stop delta-stack-recover.timer")
    try:
        host.run_expect([0], f"docker kill {before}")
        damage = f"UPDATE trading_sessions SET engine_state = '{{\"version\": 99}}' WHERE id = {session_id}"
        host.run_expect([0], f"runuser -u delta -- {SQLITE3} {DB} {shlex.quote(damage)}")
        # Docker does not bring a killed container back by itself.
        assert host.check_output(f"docker inspect -f '{{{{.State.Status}}}}' {before}") == "exited"
    finally:
        host.run_expect([0], "systemctl start delta-stack-recover.timer")

    def health():
        return host.check_output(f"docker inspect -f '{{{{.State.Health.Status}}}}' {before}")

    assert poll(health, lambda status: status == "healthy", timeout=180, interval=2) == "healthy"
    # The same container started again on the release's image: nothing built, pulled or recreated.
    assert container_id(host, "backend") == before
    assert host.check_output(f"docker inspect -f '{{{{.Config.Image}}}}' {before}") == image
    assert ready(host)["version"] == deployed_sha(host)
    recovered = notifications(host, "stack_recovered")[0]
    assert "services: backend" in lines_of(recovered)
    journal = host.check_output("journalctl -u delta-stack-recover.service --no-pager -o cat")
    assert "left down by a kill or a failed start: backend" in journal

    interrupted = notifications(host, "session_interrupted")
    assert [m for m in interrupted if f"session_id: {session_id}" in lines_of(m)]


def test_a_service_stopped_on_purpose_stays_stopped(host):
    frontend = container_id(host, "frontend")
    host.run_expect([0], f"{APP_ROOT}/scripts/compose.sh stop frontend")
    try:
        host.run_expect([0], "systemctl start delta-stack-recover.service")
        assert host.check_output(f"docker inspect -f '{{{{.State.Status}}}}' {frontend}") == "exited"
    finally:
        host.run_expect([0], f"{APP_ROOT}/scripts/compose.sh start frontend")


def test_no_message_holds_a_secret(host):
    secrets = [
        host.file(f"{APP_ROOT}/secrets/{name}").content_string
        for name in host.file(f"{APP_ROOT}/secrets").listdir()
    ]
    secrets = [value for value in secrets if len(value) >= 6]
    assert any(value.startswith("json://") for value in secrets)
    token = next(value for value in secrets if value.startswith("json://")).rsplit("/", 1)[1]
    messages = [
        message
        for event in ("deploy_succeeded", "live_trading_refused", "kill_switch_tripped", "stack_recovered")
        for message in notifications(host, event)
    ]
    text = json.dumps(messages)
    for value in [*secrets, token]:
        assert value not in text


def test_logrotate_runs_hourly_and_the_recovery_timer_is_active(host):
    assert "OnCalendar=hourly" in host.check_output("systemctl cat logrotate.timer")
    assert host.service("logrotate.timer").is_running
    assert host.service("delta-stack-recover.timer").is_enabled
    assert host.service("delta-stack-recover.timer").is_running
    unit = host.check_output("systemctl cat delta-stack-recover.service")
    assert "ExecStart=/usr/local/sbin/delta-stack-recover" in unit
    command = host.file("/usr/local/sbin/delta-stack-recover").content_string
    assert f"{APP_ROOT}/scripts/compose.sh" in command
    assert '"--no-build", "--pull", "never", "--no-recreate"' in command
