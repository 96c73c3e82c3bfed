"""app_edge on this machine: each TLS mode renders a configuration the edge's own Caddy accepts
(`caddy validate` in the kit's caddy image), the provided key is written 0600 and never printed,
and unusable settings are refused with a message naming the variable."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from repo_ansible import ROOT, run_local_play

CADDY_IMAGE = os.environ.get("CADDY_BASE_IMAGE", "caddy:2.11")
PLAY = """
- name: Render the edge's files as a deploy does
  hosts: all
  gather_facts: false
  roles:
    - role: app_edge
  tasks:
    - name: Show whether the configuration changed
      ansible.builtin.debug:
        msg: "config changed: {{ app_edge_config_changed }}"
"""


def run_role(tmp_path: Path, settings: dict) -> subprocess.CompletedProcess:
    app_root = tmp_path / "app"
    app_root.mkdir(exist_ok=True)
    variables = {
        "delta_app_root": str(app_root),
        "delta_app_uid": os.getuid(),
        "delta_app_gid": os.getgid(),
        "delta_app_http_port": 80,
        "delta_app_https_port": 443,
        **settings,
    }
    return run_local_play(tmp_path, PLAY, variables, "-v")


def caddy_validate(config_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        # /var/log/edge: the access log's directory (logs/edge/ in the stack), opened on validation.
        ["docker", "run", "--rm", "--read-only", "--tmpfs", "/data", "--tmpfs", "/config",
         "--tmpfs", "/var/log/edge", "-e", "XDG_DATA_HOME=/data", "-e", "XDG_CONFIG_HOME=/config",
         "-v", f"{config_dir}:/etc/caddy:ro", CADDY_IMAGE,
         "caddy", "validate", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> dict[str, str]:
    """TEST-ONLY: a throwaway self-signed certificate and key for mode provided (and as a CA root)."""
    work = tmp_path_factory.mktemp("cert")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-subj", "/CN=edge.test", "-addext", "subjectAltName=DNS:edge.test", "-days", "2",
         "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")],
        capture_output=True, check=True,
    )  # fmt: skip
    return {"cert": (work / "cert.pem").read_text(), "key": (work / "key.pem").read_text()}


def mode_settings(mode: str, certificate: dict[str, str]) -> dict:
    settings = {"app_edge_tls": mode, "app_edge_domains": ["edge.test", "www.edge.test"]}
    if mode == "provided":
        settings |= {
            "app_edge_certificate": certificate["cert"],
            "app_edge_certificate_key": certificate["key"],
        }
    if mode == "acme":
        settings |= {
            "app_edge_acme_directory": "https://pebble.test:14000/dir",
            "app_edge_acme_email": "ops@edge.test",
            "app_edge_acme_ca_root": certificate["cert"],
            "app_edge_acme_renew_interval": "30s",
        }
    return settings


@pytest.mark.parametrize("mode", ["off", "internal", "provided", "acme"])
def test_each_tls_mode_renders_a_configuration_caddy_accepts(tmp_path, certificate, mode):
    result = run_role(tmp_path, mode_settings(mode, certificate))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "config changed: True" in result.stdout
    config = tmp_path / "app/edge/config"
    validated = caddy_validate(config)
    assert validated.returncode == 0, validated.stderr[-3000:]
    caddyfile = (config / "Caddyfile").read_text()
    assert ("Strict-Transport-Security" in caddyfile) is (mode != "off")
    assert ("edge.test, www.edge.test {" in caddyfile) is (mode != "off")
    assert (config / "tls/key.pem").exists() is (mode == "provided")
    assert (config / "acme-ca-root.pem").exists() is (mode == "acme")
    assert ((tmp_path / "app/edge/data").stat().st_mode & 0o777) == 0o700
    again = run_role(tmp_path, mode_settings(mode, certificate))
    assert "config changed: False" in again.stdout, again.stdout[-3000:]
    # Nothing differs, so no file task ran (one read of the host decided it) ...
    assert re.search(r"skipping: \[localhost\] => \(item=Caddyfile\)", again.stdout), again.stdout[-3000:]
    assert not re.search(r"(ok|changed): \[localhost\] => \(item=(Caddyfile|config|data)\)", again.stdout)
    # ... and a hand edit or a loosened mode is put right by the next run.
    (config / "Caddyfile").write_text(caddyfile + "# edited by hand\n")
    (tmp_path / "app/edge/data").chmod(0o755)
    repaired = run_role(tmp_path, mode_settings(mode, certificate))
    assert "config changed: True" in repaired.stdout, repaired.stdout[-3000:]
    assert (config / "Caddyfile").read_text() == caddyfile
    assert ((tmp_path / "app/edge/data").stat().st_mode & 0o777) == 0o700


def test_the_provided_key_is_private_and_never_printed(tmp_path, certificate):
    result = run_role(tmp_path, mode_settings("provided", certificate))
    assert result.returncode == 0, result.stdout[-3000:]
    key = tmp_path / "app/edge/config/tls/key.pem"
    assert key.read_text() == certificate["key"]
    assert key.stat().st_mode & 0o777 == 0o600
    secret_line = certificate["key"].splitlines()[1]
    assert secret_line not in result.stdout + result.stderr


def test_acme_settings_reach_the_issuer_and_no_hsts_at_max_age_0(tmp_path, certificate):
    result = run_role(tmp_path, mode_settings("acme", certificate) | {"app_edge_hsts_max_age": 0})
    assert result.returncode == 0, result.stdout[-3000:]
    caddyfile = (tmp_path / "app/edge/config/Caddyfile").read_text()
    assert "dir https://pebble.test:14000/dir" in caddyfile
    assert "email ops@edge.test" in caddyfile
    assert "trusted_roots /etc/caddy/acme-ca-root.pem" in caddyfile
    assert "renew_interval 30s" in caddyfile
    assert "Strict-Transport-Security" not in caddyfile


def test_the_access_log_file_is_rolled_by_caddy_and_carries_the_backends_request_id(tmp_path, certificate):
    settings = mode_settings("off", certificate)
    settings |= {"app_edge_access_log_roll_size_mb": 20, "app_edge_access_log_roll_keep": 4}
    result = run_role(tmp_path, settings)
    assert result.returncode == 0, result.stdout[-3000:]
    caddyfile = (tmp_path / "app/edge/config/Caddyfile").read_text()
    access_log = re.search(r"log edge_access \{(.*?)\n\t\}", caddyfile, re.S).group(1)
    assert "output file /var/log/edge/access.log" in access_log
    assert "roll_size 20MiB" in access_log
    assert "roll_keep 4" in access_log
    # The tailer reads a rolled file to its end: Caddy must not compress it away.
    assert "roll_uncompressed" in access_log
    assert "import log_format" in access_log
    # Caddy's own log (stderr) has the access log's filter: a proxy error names the request's URI.
    default_log = re.search(r"log default \{(.*?)\n\t\}", caddyfile, re.S).group(1)
    assert "import log_format" in default_log
    assert "log_append correlation_id {http.request.header.X-Request-ID}" in caddyfile
    # The edge replaces an X-Request-ID exactly when the backend would refuse it.
    kept = re.search(r"@no_request_id not header_regexp X-Request-ID (\S+)", caddyfile).group(1)
    correlation = (ROOT / "app/src/control_plane/correlation.py").read_text()
    assert kept == re.search(r'SAFE_REQUEST_ID = re.compile\(r"(.*)"\)', correlation).group(1)
    compose = yaml.safe_load((ROOT / "docker-compose.prod.yml").read_text())
    assert "${LOGS_DIR:-./logs}/edge:/var/log/edge" in compose["services"]["edge"]["volumes"]
    env_prod = (ROOT / "roles/app_config/templates/env.prod.j2").read_text()
    assert "EDGE_ACCESS_LOG_PATH=/app/logs/edge/access.log" in env_prod
    # The host's logrotate would rename it under a Caddy that never reopens: not its glob.
    logrotate = (ROOT / "roles/host/templates/logrotate.j2").read_text()
    assert re.findall(r"^(.+) \{$", logrotate, re.M) == ["{{ host_logrotate_path }}/*.log"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"app_edge_tls": "internal", "app_edge_domains": []}, "app_edge_domains is empty"),
        ({"app_edge_tls": "internal", "app_edge_domains": ["https://edge.test/"]}, "is not a host name"),
        ({"app_edge_tls": "provided", "app_edge_domains": ["edge.test"]}, "do not hold a PEM"),
        ({"app_edge_tls": "tls"}, "app_edge_tls"),
        ({"app_edge_tls": "off", "app_edge_access_log_roll_keep": 0}, "must be at least 1"),
        (
            {
                "app_edge_tls": "acme",
                "app_edge_domains": ["edge.test"],
                "app_edge_acme_renew_interval": "daily",
            },
            "is not a duration",
        ),
    ],
)
def test_unusable_settings_are_refused_before_anything_is_written(tmp_path, settings, message):
    result = run_role(tmp_path, settings)
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]
    assert not (tmp_path / "app/edge").exists()
