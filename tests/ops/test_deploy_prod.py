"""scripts/deploy_prod.sh seen from the command line: help, argument errors, and the play it runs."""

import getpass
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/deploy_prod.sh"
EXAMPLE_PASSWORD = ROOT / "inventory/production/EXAMPLE-ONLY-vault-password.txt"


def deploy_prod(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "DELTA_VAULT_PASSWORD_FILE"}
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def planned_command(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return next(
        line.strip() for line in result.stderr.splitlines() if line.strip().startswith("ansible-playbook")
    )


def test_help_describes_the_options():
    result = deploy_prod("--help")
    assert result.returncode == 0
    for option in (
        "--inventory",
        "--vault-password-file",
        "--vault-id",
        "--branch",
        "--app-root",
        "--dry-run",
        "--extra-vars",
    ):
        assert option in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus"], "unknown argument: --bogus"),
        (["--inventory"], "--inventory needs a value"),
        (["--branch", ""], "--branch needs a value"),
        (["-e"], "-e needs a value"),
        (["--inventory", "inventory/nowhere"], "no inventory directory inventory/nowhere"),
        (["--vault-password-file", "/nonexistent/vault-pass"], "cannot read the vault password file"),
        (["--vault-id", "prod@prompt"], "a vault id is letters"),
        (["--branch", "two..dots"], "not a valid branch name: two..dots"),
        (["--app-root", "/"], "/ is not a git checkout"),
    ],
)
def test_bad_arguments_stop_with_a_clear_message(args, message):
    result = deploy_prod("--dry-run", *args)
    assert result.returncode != 0
    assert message in result.stderr


def test_dry_run_plays_deploy_yml_locally_with_a_prompted_vault_password():
    command = planned_command(deploy_prod("--dry-run"))
    assert command.startswith("ansible-playbook deploy.yml -i inventory/local -i inventory/production")
    user = getpass.getuser()
    assert f"--limit localhost --connection local --user {user} --vault-id prod@prompt" in command
    assert f"-e delta_app_root={ROOT}" in command
    assert "app_source_branch" not in command


def test_dry_run_takes_the_vault_password_file_from_the_option_or_the_environment():
    by_option = planned_command(
        deploy_prod("-n", "--vault-password-file", str(EXAMPLE_PASSWORD), "-b", "release")
    )
    assert f"--vault-id prod@{EXAMPLE_PASSWORD}" in by_option
    assert "-e app_source_branch=release" in by_option
    by_environment = planned_command(deploy_prod("-n", DELTA_VAULT_PASSWORD_FILE=str(EXAMPLE_PASSWORD)))
    assert f"--vault-id prod@{EXAMPLE_PASSWORD}" in by_environment


def test_extra_vars_reach_the_playbook_in_order():
    # The base image refresh timer's deploy: the running commit, with the newest base images.
    command = planned_command(
        deploy_prod(
            "-n", "-e", "app_source_version=" + "a" * 40, "--extra-vars", "app_stack_refresh_base_images=true"
        )
    )
    assert command.endswith(f"-e app_source_version={'a' * 40} -e app_stack_refresh_base_images=true")


def test_the_local_inventory_gives_this_machine_the_production_variables():
    listing = subprocess.run(
        [
            "ansible-inventory",
            "-i",
            "inventory/local",
            "-i",
            "inventory/production",
            "--vault-id",
            f"prod@{EXAMPLE_PASSWORD}",
            "--host",
            "localhost",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    host = json.loads(listing.stdout)
    assert host["ansible_connection"] == "local"
    assert host["delta_app_root"] == "/opt/delta-strangle"
    assert "vault_jwt_secret" in host
