"""How tests/ops run this repository's roles on this machine: its ansible.cfg and roles, the
sandbox's TEST-ONLY vault password, and a local connection with the test's own interpreter."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SANDBOX_PASSWORD = ROOT / "inventory/sandbox/TEST-ONLY-vault-password.txt"
# An inventory of this machine alone, run with the interpreter that runs the tests.
LOCALHOST_INVENTORY = (
    "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
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
