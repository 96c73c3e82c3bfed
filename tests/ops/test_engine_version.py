"""roles/docker_engine names an installed engine older than 25 before anything changes (the
stack's health checks use start_interval), and lets a newer one or a bare host through."""

import re

import pytest
from repo_ansible import run_local_play

# The installed list as the host role reads it, then the role's package tasks in check mode:
# nothing on this machine changes.
PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact:
        ansible_facts: {packages: "{{ installed }}", distribution: Debian}
    - ansible.builtin.include_role:
        name: docker_engine
        tasks_from: packages
"""

# The check task's header, then its result on the host ("ok:", "skipping:" or "fatal:").
CHECK_RESULT = r"Check that an engine already installed is 25 or newer\].*?\n(\w+):"


def installed(name: str, version: str) -> dict:
    return {name: [{"name": name, "version": version, "source": "apt"}]}


@pytest.mark.parametrize(
    ("name", "version"),
    [("docker.io", "20.10.24+dfsg1-1+deb12u1+b6"), ("docker-ce", "5:24.0.9-1~debian.12~bookworm")],
)
def test_an_installed_engine_older_than_25_is_refused_naming_it(tmp_path, name, version):
    result = run_local_play(tmp_path, PLAY, {"installed": installed(name, version)}, "--check")
    output = " ".join((result.stdout + result.stderr).split())
    assert result.returncode != 0, output[-2000:]
    assert f"{name} {version} is installed, and the stack needs Docker Engine 25 or newer" in output


@pytest.mark.parametrize(
    "packages",
    [
        installed("docker.io", "26.1.5+dfsg1-9+deb13u1+b1"),
        installed("docker-ce", "5:27.3.1-1~debian.12~bookworm"),
        {},
    ],
    ids=["debian-26", "docker-ce-27", "bare-host"],
)
def test_a_newer_engine_or_none_passes_the_check(tmp_path, packages):
    result = run_local_play(tmp_path, PLAY, {"installed": packages}, "--check")
    # The install tasks after it are not this test's (apt in check mode needs the machine's
    # python3-apt): the check's own result is what counts.
    check = re.search(CHECK_RESULT, result.stdout, re.S)
    assert check, result.stdout[-2000:]
    assert check.group(1) in ("ok", "skipping"), result.stdout[-2000:]
