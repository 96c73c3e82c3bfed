"""The example production inventory: encrypted, and refused by the play, so nobody deploys it by mistake."""

import os
import subprocess
from pathlib import Path

import yaml
from vault_tools import vault_view

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ROOT / "inventory/production"
VAULT = PRODUCTION / "group_vars/all/vault.yml"
EXAMPLE_PASSWORD = PRODUCTION / "EXAMPLE-ONLY-vault-password.txt"

VALIDATE_PLAY = """
- name: Validate the secrets as a deploy does
  hosts: all
  gather_facts: false
  connection: local
  tasks:
    - name: Run app_config's validation
      ansible.builtin.import_role:
        name: app_config
        tasks_from: validate.yml
"""


def example_vault() -> dict:
    shown = vault_view(VAULT, EXAMPLE_PASSWORD, vault_id="prod")
    assert shown is not None, f"{VAULT} does not open with {EXAMPLE_PASSWORD}"
    return yaml.safe_load(shown)


def test_the_example_vault_is_encrypted_with_the_prod_vault_id():
    assert VAULT.read_text().splitlines()[0] == "$ANSIBLE_VAULT;1.2;AES256;prod"


def test_the_example_vault_holds_every_secret_the_play_reads():
    assert set(example_vault()) == {
        "vault_jwt_secret",
        "vault_log_ingest_api_key",
        "vault_admin_password",
        "vault_delta_api_key",
        "vault_delta_api_secret",
        "vault_notify_urls",
        "vault_deploy_key",
        "vault_ops_api_token",
        "vault_backup_restic_repository",
        "vault_backup_restic_password",
        "vault_backup_restic_rest_username",
        "vault_backup_restic_rest_password",
    }


def test_the_play_refuses_the_example_secrets(tmp_path):
    play = tmp_path / "validate.yml"
    play.write_text(VALIDATE_PLAY)
    result = subprocess.run(
        [
            "ansible-playbook",
            "-i",
            "inventory/production",
            "--vault-id",
            f"prod@{EXAMPLE_PASSWORD}",
            str(play),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_ROLES_PATH": str(ROOT / "roles"),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    refused = "JWT_SECRET, LOG_INGEST_API_KEY, ADMIN_PASSWORD, OPS_API_TOKEN"
    assert f"Missing or placeholder secrets: {refused}" in result.stdout
