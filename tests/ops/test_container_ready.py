"""The rolling replacement's wait for a new container (plugins/modules/container_ready.py), on this
machine's Docker: it runs the container's own healthcheck directly, so a container ready in two
seconds is ready then, not at Docker's first probe one interval (here a minute) after the start."""

import importlib.util
import json
import os
import subprocess
import time

import pytest
from repo_ansible import ROOT, run_local_play

_spec = importlib.util.spec_from_file_location("container_ready", ROOT / "plugins/modules/container_ready.py")
container_ready = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(container_ready)

IMAGE = os.environ.get("DEBIAN_BASE_IMAGE", "delta-strangle/debian:trixie-slim")

PLAY = """
- hosts: all
  gather_facts: false
  tasks:
    - container_ready:
        container: "{{ name }}"
        timeout: "{{ timeout }}"
      register: waited
      ignore_errors: true
    - ansible.builtin.copy:
        content: "{{ waited | to_json }}"
        dest: "{{ playbook_dir }}/waited.json"
        mode: "0600"
      delegate_to: localhost
"""


@pytest.fixture
def container():
    """Starts a container (its docker run arguments) and removes it afterwards."""
    names = []

    def start(*args: str) -> str:
        name = f"delta-container-ready-test-{os.getpid()}-{len(names)}"
        names.append(name)
        subprocess.run(["docker", "run", "-d", "--name", name, *args], capture_output=True, check=True)
        return name

    yield start
    for name in names:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)


def wait(tmp_path, name, timeout):
    started = time.monotonic()
    result = run_local_play(tmp_path, PLAY, {"name": name, "timeout": timeout})
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((tmp_path / "waited.json").read_text()), time.monotonic() - started


HEALTHCHECK = ["--health-cmd", "test -f /tmp/ready", "--health-interval", "60s",
               "--health-start-period", "60s"]  # fmt: skip


def test_a_container_ready_before_dockers_first_probe_is_ready_then(tmp_path, container):
    name = container(*HEALTHCHECK, IMAGE, "sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 300")
    waited, seconds = wait(tmp_path, name, 60)
    assert waited["ready"] is True
    assert waited["ready_by"] == "probe"
    assert seconds < 30
    # Docker's own first probe is a minute away.
    assert waited["container"]["State"]["Health"]["Status"] == "starting"
    assert not waited.get("failed")


def test_a_container_that_never_passes_fails_at_the_timeout(tmp_path, container):
    name = container(*HEALTHCHECK, IMAGE, "sleep", "300")
    waited, _ = wait(tmp_path, name, 3)
    assert waited["failed"]
    assert waited["ready"] is False
    assert "did not pass its healthcheck within 3 s (Docker says starting)" in waited["msg"]


def test_a_container_without_a_healthcheck_or_no_container_is_refused(tmp_path, container):
    name = container(IMAGE, "sleep", "300")
    waited, _ = wait(tmp_path, name, 30)
    assert waited["failed"]
    assert "has no healthcheck" in waited["msg"]
    waited, _ = wait(tmp_path, name + "-gone", 30)
    assert waited["failed"]
    assert "There is no container" in waited["msg"]


@pytest.mark.parametrize(
    ("test", "argv"),
    [
        (["CMD", "python3", "-c", "pass"], ["python3", "-c", "pass"]),
        (["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1/ || exit 1"],
         ["/bin/sh", "-c", "wget -q -O /dev/null http://127.0.0.1/ || exit 1"]),
        (["NONE"], None),
        ([], None),
    ],
)  # fmt: skip
def test_the_probe_is_the_command_docker_runs(test, argv):
    assert container_ready.probe_argv({"Test": test}) == argv
    assert container_ready.probe_argv(None) is None
