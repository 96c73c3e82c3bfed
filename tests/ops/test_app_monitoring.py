"""app_monitoring on this machine: the rendered configuration is what Debian's own servers accept
(`promtool check config` with the repository's rules, `amtool check-config`, the blackbox
exporter's --config.check, in the image the profile runs), the certificate probe follows the
edge's TLS mode, the compose environment changes when the configuration does, and a host without
the profile gets no profile and its containers taken away."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from repo_ansible import ROOT, run_local_play

PROMETHEUS_IMAGE = os.environ.get("PROMETHEUS_BASE_IMAGE", "delta-strangle/prometheus:trixie")
PLAY = """
- name: Render the monitoring profile as a deploy does
  hosts: all
  gather_facts: false
  roles:
    - role: app_monitoring
  tasks:
    - name: Write down what the stack is handed
      ansible.builtin.copy:
        content: "{{ {'env': app_monitoring_compose_env, 'images': app_monitoring_image_inputs} | to_json }}"
        dest: "{{ handed_file }}"
        mode: "0600"
"""


def run_role(tmp_path: Path, settings: dict, rules_suffix: str = "") -> dict:
    """The role run on this machine; what it hands the stack (compose environment, images)."""
    app_root = tmp_path / "app"
    (app_root / "monitoring").mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "monitoring/prometheus", app_root / "monitoring/prometheus", dirs_exist_ok=True)
    rules = app_root / "monitoring/prometheus/alerts.yml"
    rules.write_text(rules.read_text() + rules_suffix)
    variables = {
        "delta_app_root": str(app_root),
        "delta_app_uid": os.getuid(),
        "delta_app_gid": os.getgid(),
        "delta_app_https_port": 443,
        "app_edge_tls": "internal",
        "app_edge_domains": ["control.example.org"],
        "app_edge_own_metrics_port": 2020,
        "app_monitoring_config_dir": str(tmp_path / "config"),
        "handed_file": str(tmp_path / "handed.json"),
        **settings,
    }
    result = run_local_play(tmp_path, PLAY, variables)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((tmp_path / "handed.json").read_text())


def check(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess:
    """A check in the profile's image, with the configuration and the rules where compose mounts them."""
    token = tmp_path / "token"
    token.write_text("TEST-ONLY-token")
    return subprocess.run(
        ["docker", "run", "--rm", "--read-only",
         "-v", f"{tmp_path / 'config'}:/etc/monitoring:ro",
         "-v", f"{tmp_path / 'app/monitoring/prometheus'}:/etc/prometheus/rules:ro",
         "-v", f"{token}:/run/secrets/ALERT_RELAY_TOKEN:ro",
         PROMETHEUS_IMAGE, *argv],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("tls", ["internal", "off"])
def test_the_rendered_configuration_is_accepted_by_the_servers_it_is_for(tmp_path, tls):
    handed = run_role(tmp_path, {"app_monitoring_enabled": True, "app_edge_tls": tls})
    for argv in (
        ["promtool", "check", "config", "/etc/monitoring/prometheus.yml"],
        ["amtool", "check-config", "/etc/monitoring/alertmanager.yml"],
        ["prometheus-blackbox-exporter", "--config.check", "--config.file=/etc/monitoring/blackbox.yml"],
    ):
        checked = check(tmp_path, *argv)
        assert checked.returncode == 0, (argv, checked.stdout[-2000:], checked.stderr[-2000:])
    prometheus = (tmp_path / "config/prometheus.yml").read_text()
    assert ("job_name: edge-tls" in prometheus) is (tls != "off")
    assert 'targets: ["edge:2020"]' in prometheus
    assert handed["env"]["COMPOSE_PROFILES"] == "monitoring"
    assert handed["images"] == {"prometheus": ["docker/base-images/prometheus"]}
    data = tmp_path / "app/data/monitoring"
    assert {p.name for p in data.iterdir()} == {"prometheus", "alertmanager"}


def test_a_changed_setting_or_rule_changes_the_configuration_digest(tmp_path):
    first = run_role(tmp_path, {"app_monitoring_enabled": True})["env"]
    assert run_role(tmp_path, {"app_monitoring_enabled": True})["env"] == first
    setting = run_role(tmp_path, {"app_monitoring_enabled": True, "app_monitoring_group_wait": "10s"})
    assert setting["env"]["MONITORING_CONFIG_SHA1"] != first["MONITORING_CONFIG_SHA1"]
    rule = run_role(tmp_path, {"app_monitoring_enabled": True}, rules_suffix="\n# changed\n")
    assert rule["env"]["MONITORING_CONFIG_SHA1"] not in (
        first["MONITORING_CONFIG_SHA1"],
        setting["env"]["MONITORING_CONFIG_SHA1"],
    )


def test_without_the_profile_the_stack_gets_none_and_its_containers_go(tmp_path):
    # A container carrying the profile's label, as one left from when the profile was on.
    name = f"delta-monitoring-test-{os.getpid()}"
    subprocess.run(
        ["docker", "run", "-d", "--name", name, "--label", "delta-strangle.monitoring-config-sha1=old",
         PROMETHEUS_IMAGE, "sleep", "600"],
        capture_output=True, check=True,
    )  # fmt: skip
    try:
        handed = run_role(tmp_path, {"app_monitoring_enabled": False})
        assert handed == {"env": {"COMPOSE_PROFILES": ""}, "images": {}}
        left = subprocess.run(
            ["docker", "ps", "-a", "-q", "--filter", f"name={name}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert left.stdout.strip() == ""
        assert not (tmp_path / "config").exists()
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
