"""How tests/ops run this repository's roles on this machine: its ansible.cfg and roles, the
sandbox's TEST-ONLY vault password, and a local connection with the test's own interpreter."""

import getpass
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SANDBOX_PASSWORD = ROOT / "inventory/sandbox/TEST-ONLY-vault-password.txt"
# An inventory of this machine alone, run with the interpreter that runs the tests, as the user
# who runs them (as inventory/local says).
LOCALHOST_INVENTORY = (
    "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
    f"      ansible_user: {getpass.getuser()}\n"
    f"      ansible_python_interpreter: {sys.executable}\n"
)


def ansible_env(**extra: str) -> dict[str, str]:
    """The environment of an ansible-playbook run against this repository's roles."""
    return {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        "ANSIBLE_ROLES_PATH": str(ROOT / "roles"),
        "ANSIBLE_VAULT_IDENTITY_LIST": f"sandbox@{SANDBOX_PASSWORD}",
        **extra,
    }


def run_local_play(
    tmp_path: Path, play: str, variables: dict, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """A play run against this machine (LOCALHOST_INVENTORY) with `variables` as extra vars, its
    files written to tmp_path, `env` added to ansible_env(); the result, not checked."""
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(LOCALHOST_INVENTORY)
    variables_file = tmp_path / "vars.json"
    variables_file.write_text(json.dumps(variables))
    play_file = tmp_path / "play.yml"
    play_file.write_text(play)
    return subprocess.run(
        ["ansible-playbook", *args, "-i", str(inventory), "-e", f"@{variables_file}", str(play_file)],
        cwd=tmp_path, env=ansible_env(**(env or {})), capture_output=True, text=True, check=False,
    )  # fmt: skip
