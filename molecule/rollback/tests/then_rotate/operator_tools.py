"""What the rotation checks (the rollback scenario's tests/then_rotate) do as an operator would:
HTTP through the edge on the host, a writable copy of the scenario's inventory, ansible-vault and
ansible-playbook as subprocesses."""

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import yaml
from host_checks import http

REPO = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
SCENARIO_INVENTORY = Path(os.environ["MOLECULE_INVENTORY_FILE"])
SANDBOX = REPO / "inventory/sandbox"
VAULT = Path("group_vars/all/vault.yml")


class Findings(dict):
    """What a fixture found (secrets, a play's output); its repr hides the values from failure reports."""

    def __repr__(self):
        return f"<findings: {sorted(self)}>"


def sign_in(host, password):
    return http(
        host,
        "POST",
        "/api/auth/login",
        {"Content-Type": "application/json"},
        json.dumps({"username": "admin", "password": password}),
    )


def post_log_batch(host, key):
    body = json.dumps({"entries": [{"level": "INFO", "message": "molecule rotate: ingest key check"}]})
    return http(host, "POST", "/api/logs/batch", {"Content-Type": "application/json", "X-API-Key": key}, body)


class VaultLoader(yaml.SafeLoader):
    """YAML of a vault file: values tagged !unsafe (as rotation writes them) read as plain strings."""


VaultLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def vault_vars(text):
    return yaml.load(text, Loader=VaultLoader)  # noqa: S506 - a SafeLoader with one more tag


def writable_inventory(name):
    """A writable copy of the scenario's inventory: its host (and host_vars) and the sandbox's group_vars,
    TEST-ONLY vault included, so that a play rewrites the copy and never a committed file."""
    root = EPHEMERAL / name
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir()
    shutil.copy(SCENARIO_INVENTORY, root / "hosts.yml")
    shutil.copytree(SANDBOX / "group_vars", root / "group_vars")
    shutil.copytree(SCENARIO_INVENTORY.parent / "host_vars", root / "host_vars")
    shutil.copy(SANDBOX / "TEST-ONLY-vault-password.txt", root / "vault-password.txt")
    return root


def start_playbook(inventory, playbook, *args):
    """ansible-playbook started as an operator runs it (verbose), with the copy's vault password;
    its output (stdout and stderr together) in the process's stdout."""
    return subprocess.Popen(
        ["ansible-playbook", "-v", "-i", str(inventory), playbook, *args],
        cwd=REPO,
        env={
            **os.environ,
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_VAULT_IDENTITY_LIST": f"sandbox@{inventory / 'vault-password.txt'}",
            # Plain text: colour codes would split the messages the tests look for.
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_playbook(process):
    """The return code and whole output of a playbook started with start_playbook."""
    output, _ = process.communicate()
    return process.returncode, output


def run_playbook(inventory, playbook, *args):
    """ansible-playbook as an operator runs it (verbose), with the copy's vault password; its whole output."""
    return finish_playbook(start_playbook(inventory, playbook, *args))


@contextlib.contextmanager
def request_loop(inventory, label, max_failed=0):
    """The shared request loop through the edge around the block; its figures (requests, failed,
    statuses) in the dict yielded, filled in once the block ends; more than max_failed fails."""
    figures = {}
    returncode, output = run_playbook(
        inventory, "molecule/shared/request-loop.yml", "-e", "request_loop_step=start"
    )
    assert returncode == 0, output
    yield figures
    returncode, output = run_playbook(
        inventory,
        "molecule/shared/request-loop.yml",
        "-e",
        "request_loop_step=stop",
        "-e",
        f"request_loop_label={label}",
        "-e",
        f"request_loop_max_failed={max_failed}",
    )
    figures.update(
        json.loads((Path(os.environ["DELTA_REPO_ROOT"]) / f".cache/downtime-{label}.json").read_text())
    )
    print(f"{label} request loop: {figures}")
    assert returncode == 0, output
