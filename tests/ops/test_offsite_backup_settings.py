"""The off-host backup's settings are refused before anything on a host changes, naming the
variable (never the value): placeholder secrets (the example production vault), a schedule
systemd does not understand, a retention policy that is not whole numbers."""

import subprocess

import pytest
from repo_ansible import LOCALHOST_INVENTORY, ROOT, ansible_env

PRODUCTION = ROOT / "inventory/production"
EXAMPLE_PASSWORD = PRODUCTION / "EXAMPLE-ONLY-vault-password.txt"
SANDBOX = ROOT / "inventory/sandbox"

VALIDATE_PLAY = """
- name: Validate the off-host backup's settings as a deploy does
  hosts: all
  gather_facts: false
  connection: local
  tasks:
    - name: Run app_backup's validation
      ansible.builtin.include_role:
        name: app_backup
        tasks_from: offsite-validate
"""


def validate(tmp_path, inventory, *extra):
    play = tmp_path / "validate.yml"
    play.write_text(VALIDATE_PLAY)
    return subprocess.run(
        ["ansible-playbook", "-i", str(inventory), str(play), *extra],
        cwd=ROOT,
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
    )


def sandbox_inventory(tmp_path):
    """This machine, with the sandbox's variables and TEST-ONLY vault (real-looking secrets)."""
    inventory = tmp_path / "inventory"
    (inventory / "group_vars").mkdir(parents=True)
    (inventory / "hosts.yml").write_text(LOCALHOST_INVENTORY)
    (inventory / "group_vars/all").symlink_to(SANDBOX / "group_vars/all")
    return inventory


def test_the_example_production_secrets_are_refused_by_name(tmp_path):
    vault = ("--vault-id", f"prod@{EXAMPLE_PASSWORD}")
    result = validate(tmp_path, PRODUCTION, "-i", "inventory/local", "--limit", "localhost", *vault)
    assert result.returncode != 0
    refused = "missing or placeholders: vault_backup_restic_password, vault_backup_restic_rest_password."
    assert refused in result.stdout
    assert "replace-me" not in result.stdout


def test_the_sandbox_secrets_and_defaults_pass(tmp_path):
    result = validate(tmp_path, sandbox_inventory(tmp_path))
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("app_backup_offsite_schedule='every tuesday'", "'every tuesday' is not a systemd calendar"),
        ('{"app_backup_offsite_keep": {"daily": "seven"}}', "app_backup_offsite_keep maps last, hourly"),
        ('{"app_backup_offsite_keep": {"forever": 1}}', "app_backup_offsite_keep maps last, hourly"),
        ("app_backup_offsite_max_age_seconds=1.5", "app_backup_offsite_max_age_seconds"),
    ],
)
def test_bad_settings_are_refused_naming_the_variable(tmp_path, extra, message):
    result = validate(tmp_path, sandbox_inventory(tmp_path), "-e", extra)
    assert result.returncode != 0
    assert message in result.stdout
