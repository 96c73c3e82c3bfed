"""app_config on this machine with real vault files: secrets written byte for byte, never templated,
a line break refused naming the variable before anything is written, the app's placeholder rule;
and the edge's TLS address and name rendered from app_edge's variables."""

import json
import os
import pwd
import subprocess
from pathlib import Path

import pytest
from repo_ansible import LOCALHOST_INVENTORY, ansible_env

# Written into the vault as plain quoted YAML (no !unsafe): an operator's ordinary vault.
HOSTILE = {
    "vault_jwt_secret": " Ab{{ 7*7 }}ef $HOME ${USER} $$ 'single' \"double\" # not a comment = \\ ` é ",
    "vault_log_ingest_api_key": "key=value # tail",
    "vault_admin_password": "  pa$$ {{ lookup('env', 'HOME') }} ü  ",
    "vault_delta_api_key": "",
    "vault_delta_api_secret": "${DELTA:-fallback}`id`",
    "vault_ops_api_token": "ops {{ token }} $OPS",
}
PLAY = """
- name: Configure the app as a deploy does
  hosts: all
  gather_facts: false
  roles:
    - role: app_config
"""


def run_role(tmp_path: Path, vault: dict[str, str], extra_vars: str = "") -> subprocess.CompletedProcess:
    inventory = tmp_path / "inventory"
    (inventory / "group_vars/all").mkdir(parents=True)
    (inventory / "hosts.yml").write_text(LOCALHOST_INVENTORY)
    app_root = tmp_path / "app"
    (inventory / "group_vars/all/vars.yml").write_text(
        f"delta_app_root: {app_root}\ndelta_app_uid: {os.getuid()}\ndelta_app_gid: {os.getgid()}\n"
        # The app user is this machine's user of that uid (the play refuses a uid held by another).
        f"delta_app_user: {pwd.getpwuid(os.getuid()).pw_name}\n{extra_vars}"
    )
    vault_file = inventory / "group_vars/all/vault.yml"
    vault_file.write_text("".join(f"{key}: {json.dumps(value)}\n" for key, value in vault.items()))
    env = ansible_env()
    encrypted = subprocess.run(
        ["ansible-vault", "encrypt", "--encrypt-vault-id", "sandbox", str(vault_file)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert encrypted.returncode == 0, encrypted.stderr
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    app_root.mkdir()
    return subprocess.run(
        ["ansible-playbook", "-v", "-i", str(inventory), str(play)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_every_secret_reaches_its_file_byte_for_byte(tmp_path):
    result = run_role(tmp_path, HOSTILE)
    assert result.returncode == 0, result.stdout
    secrets = tmp_path / "app/secrets"
    assert secrets.stat().st_mode & 0o777 == 0o700
    for variable, value in HOSTILE.items():
        path = secrets / variable.removeprefix("vault_").upper()
        assert path.read_bytes() == value.encode("utf-8"), variable
        assert path.stat().st_mode & 0o777 == 0o400
    env_file = (tmp_path / "app/.env.prod").read_text()
    for value in HOSTILE.values():
        if value:
            assert value not in env_file
            assert value not in result.stdout


def test_a_second_run_changes_nothing(tmp_path):
    assert run_role(tmp_path, HOSTILE).returncode == 0
    digest = (tmp_path / "app/.env.prod").read_text()
    again = subprocess.run(
        ["ansible-playbook", "-i", str(tmp_path / "inventory"), str(tmp_path / "play.yml")],
        cwd=tmp_path,
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stdout
    assert "changed=0" in again.stdout
    assert (tmp_path / "app/.env.prod").read_text() == digest


@pytest.mark.parametrize("bad", ["pw\nAPP_UID=0", "pw\r", "p\x00w"])
def test_a_line_break_or_nul_is_refused_naming_the_variable_before_anything_is_written(tmp_path, bad):
    result = run_role(tmp_path, {**HOSTILE, "vault_admin_password": bad})
    assert result.returncode != 0
    assert "vault_admin_password holds a" in result.stdout
    assert "pw" not in result.stdout.replace("password", "")
    assert list((tmp_path / "app").iterdir()) == []


@pytest.mark.parametrize("placeholder", [" admin", "admin ", "CHANGE_ME later", "<set me>", ""])
def test_the_app_placeholder_rule_refuses_the_same_values(tmp_path, placeholder):
    result = run_role(tmp_path, {**HOSTILE, "vault_admin_password": placeholder})
    assert result.returncode != 0
    assert "Missing or placeholder secrets: ADMIN_PASSWORD." in result.stdout
    assert list((tmp_path / "app").iterdir()) == []


@pytest.mark.parametrize(
    ("edge_vars", "address", "server_name"),
    [
        ("app_edge_tls: internal\napp_edge_domains: [trading.example.com, b.example.com]\n", "edge:8443",
         "trading.example.com"),
        ("app_edge_tls: acme\napp_edge_domains: [trading.example.com]\n", "edge:8443", "trading.example.com"),
        ("app_edge_tls: \"off\"\napp_edge_domains: [trading.example.com]\n", "", "trading.example.com"),
        ("app_edge_tls: \"off\"\n", "", ""),
    ],
)  # fmt: skip
def test_the_backend_is_told_where_the_edges_https_is_unless_tls_is_off(
    tmp_path, edge_vars, address, server_name
):
    ports = "delta_app_http_port: 8080\ndelta_app_https_port: 8443\n"
    result = run_role(tmp_path, HOSTILE, ports + edge_vars)
    assert result.returncode == 0, result.stdout
    lines = (tmp_path / "app/.env.prod").read_text().splitlines()
    assert f"EDGE_TLS_PROBE_ADDRESS={address}" in lines
    assert f"EDGE_TLS_SERVER_NAME={server_name}" in lines
