"""The deploy_lock role on this machine (local connection, the lock's files in a temporary
directory): real ansible-playbook processes, held, refused, waiting, killed, failed and gone."""

import contextlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from repo_ansible import LOCALHOST_INVENTORY, ROOT, ansible_env

PLAY = """
- name: Hold the deploy lock
  hosts: all
  gather_facts: false
  vars:
    hold: 0
    fail_after_lock: false
  tasks:
    - name: Take the deploy lock
      ansible.builtin.include_role:
        name: deploy_lock
    - name: Say the lock is held
      ansible.builtin.debug:
        msg: LOCK HELD
    - name: Hold it a while
      ansible.builtin.pause:
        seconds: "{{ hold }}"
      when: hold | int > 0
    - name: Fail while holding it
      ansible.builtin.fail:
        msg: failing on purpose
      when: fail_after_lock | bool
- name: A second play of the same run
  hosts: all
  gather_facts: false
  tasks:
    - name: Take the deploy lock again
      ansible.builtin.include_role:
        name: deploy_lock
    - name: Release the deploy lock
      ansible.builtin.include_role:
        name: deploy_lock
        tasks_from: release
"""
# Seconds the runs of these tests wait for a lock to be released or a holder to appear.
SETTLE_SECONDS = 30


class Lock:
    """The lock's files and the runs of the play that takes it."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.record = tmp_path / "run/deploy.json"
        self.log = tmp_path / "log/deploy-lock.jsonl"
        (tmp_path / "hosts.yml").write_text(LOCALHOST_INVENTORY)
        (tmp_path / "play.yml").write_text(PLAY)
        (tmp_path / "vars.yml").write_text(
            f"deploy_lock_path: {self.record}\ndeploy_lock_log: {self.log}\n"
            "deploy_lock_lease_seconds: 20\ndeploy_lock_renew_seconds: 2\n"
        )

    def start(self, *extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [
                str(ROOT / ".venv-ops/bin/ansible-playbook"),
                "-i",
                "hosts.yml",
                "play.yml",
                "-e",
                "@vars.yml",
                *extra,
            ],
            cwd=self.dir,
            env=ansible_env(ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # Its own process group, which a test can kill whole (the renewer leaves it: setsid).
            start_new_session=True,
        )

    def run(self, *extra: str) -> tuple[int, str]:
        process = self.start(*extra)
        output, _ = process.communicate(timeout=120)
        return process.returncode, output

    def holder(self) -> dict | None:
        return json.loads(self.record.read_text()) if self.record.exists() else None

    def events(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines()] if self.log.exists() else []

    def wait_until(self, condition, what: str) -> float:
        started = time.monotonic()
        while not condition():
            assert time.monotonic() - started < SETTLE_SECONDS, f"{what}: not within {SETTLE_SECONDS} s"
            time.sleep(0.2)
        return time.monotonic() - started

    def write_holder(self, **holder) -> None:
        self.record.parent.mkdir(parents=True, exist_ok=True)
        self.record.write_text(json.dumps(holder))


def one_line(output: str) -> str:
    """The output with the YAML callback's line folding and quote doubling undone."""
    return " ".join(output.replace("''", "'").split())


@pytest.fixture
def lock(tmp_path):
    return Lock(tmp_path)


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_settled_run_takes_and_releases_the_lock_without_a_change(lock):
    returncode, output = lock.run()
    assert returncode == 0, output
    assert "changed=0" in output
    assert lock.holder() is None
    # Both plays took it, as one run: taken once, released once.
    assert [event["event"] for event in lock.events()] == ["acquired", "released"]


def test_a_second_run_is_refused_naming_the_holder(lock):
    holder = lock.start("-e", "hold=30")
    try:
        lock.wait_until(lambda: lock.holder() is not None, "the first run took the lock")
        returncode, output = lock.run()
        assert returncode != 0
        text = one_line(output)
        held = lock.holder()
        assert held["pid"] == holder.pid
        assert (
            f"The deploy lock of localhost is held by {held['operator']} "
            f"on controller {socket.gethostname()} "
            f"(ansible-playbook pid {holder.pid}, play.yml, play 'Hold the deploy lock') "
            f"since {held['since']}"
        ) in text
        assert "-e lock_wait=SECONDS" in text
        assert "LOCK HELD" not in output
    finally:
        holder.kill()
        holder.communicate()


def test_lock_wait_waits_for_the_holder_then_runs(lock):
    # Held long enough for the second run to reach its lock on a loaded CI machine (at 6 s it once
    # found the lock already free).
    holder = lock.start("-e", "hold=20")
    lock.wait_until(lambda: lock.holder() is not None, "the first run took the lock")
    returncode, output = lock.run("-e", "lock_wait=120")
    first_output, _ = holder.communicate(timeout=60)
    assert holder.returncode == 0, first_output
    assert returncode == 0, output
    text = one_line(output)
    assert f"waiting up to 120 s for the deploy lock held by {lock.events()[0]['holder']['operator']}" in text
    assert f"(ansible-playbook pid {holder.pid}," in text
    assert "Took the deploy lock of localhost after waiting" in text
    assert "LOCK HELD" in output


def test_lock_wait_takes_whole_seconds(lock):
    returncode, output = lock.run("-e", "lock_wait=soon")
    assert returncode != 0
    assert "lock_wait takes whole seconds, 0 or more (got 'soon')" in one_line(output)


def test_a_failed_run_releases_its_lock(lock):
    returncode, output = lock.run("-e", "fail_after_lock=true")
    assert returncode != 0
    assert "failing on purpose" in output
    seconds = lock.wait_until(lambda: lock.holder() is None, "the failed run's lock released")
    print(f"failed run's lock released {seconds:.1f} s after it ended")
    assert lock.events()[-1]["event"] == "released"


def test_a_killed_run_releases_its_lock(lock):
    holder = lock.start("-e", "hold=60")
    lock.wait_until(lambda: lock.holder() is not None, "the run took the lock")
    holder.send_signal(signal.SIGKILL)
    seconds = lock.wait_until(lambda: lock.holder() is None, "the killed run's lock released")
    print(f"killed run's lock released {seconds:.1f} s after the kill")
    # A task worker of the killed run can stay blocked on its dead controller's Mitogen socket,
    # holding the output pipe (CI run of 2026-12-06 06:18), and the worker of its pause (its own
    # session) waits for ever for the dead run to answer: what is left of the run goes too.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(holder.pid, signal.SIGKILL)
    kill_processes_working_in(lock.dir)
    holder.communicate(timeout=60)
    returncode, output = lock.run()
    assert returncode == 0, output


def kill_processes_working_in(directory: Path) -> None:
    """SIGKILL every process whose working directory is `directory` (a run's forks inherit it)."""
    for process in Path("/proc").iterdir():
        if process.name.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(process / "cwd") == str(directory):
                    os.kill(int(process.name), signal.SIGKILL)


def test_a_holder_gone_from_this_controller_is_taken_over_at_once(lock):
    # What a killed run whose renewer died too leaves: a lease still running.
    pid = dead_pid()
    lock.write_holder(
        run=f"{socket.gethostname()}:{pid}:1",
        operator="alice",
        controller=socket.gethostname(),
        pid=pid,
        started="1",
        playbook="deploy.yml",
        play="Deploy the control plane stack",
        since="2026-12-01T10:00:00Z",
        renewed_at=time.time(),
        lease_seconds=3600,
    )
    returncode, output = lock.run()
    assert returncode == 0, output
    assert (
        f"Took over the deploy lock of localhost from alice on controller {socket.gethostname()} "
        f"(ansible-playbook pid {pid}, deploy.yml, play 'Deploy the control plane stack') "
        "since 2026-12-01T10:00:00Z"
    ) in one_line(output)
    assert f"its ansible-playbook (pid {pid}) no longer runs on this controller" in one_line(output)
    taken = [event for event in lock.events() if event["event"] == "taken_over"]
    assert taken[0]["previous"]["operator"] == "alice"
    assert taken[0]["why"] == "gone"


def test_a_holder_on_another_controller_keeps_the_lock_until_its_lease_runs_out(lock):
    holder = {
        "run": "ci-runner-7:4242:99",
        "operator": "ci",
        "controller": "ci-runner-7",
        "pid": os.getpid(),
        "started": "99",
        "playbook": "playbooks/rotate-secrets.yml",
        "play": "Rotate the control plane's secrets",
        "since": "2026-12-01T10:00:00Z",
        "lease_seconds": 60,
    }
    lock.write_holder(**holder, renewed_at=time.time())
    returncode, output = lock.run()
    assert returncode != 0
    assert "held by ci on controller ci-runner-7" in one_line(output)

    lock.write_holder(**holder, renewed_at=time.time() - 90)
    returncode, output = lock.run()
    assert returncode == 0, output
    text = one_line(output)
    assert "Took over the deploy lock of localhost from ci on controller ci-runner-7" in text
    # Renewed 90 s before, with a lease of 60 s: out for 30 s at least.
    assert int(re.search(r"its lease ran out (\d+) s ago", text).group(1)) >= 30
    assert lock.holder() is None


def test_the_lease_is_renewed_while_the_run_lives(lock):
    holder = lock.start("-e", "hold=8")
    try:
        lock.wait_until(lambda: lock.holder() is not None, "the run took the lock")
        first = lock.holder()["renewed_at"]
        lock.wait_until(lambda: (lock.holder() or {}).get("renewed_at", first) > first, "a renewal")
    finally:
        holder.communicate(timeout=60)
    assert holder.returncode == 0


def test_a_renewer_call_that_blocks_is_cut_short():
    """What a renewer was seen doing after its run was killed: blocked for good reading a pipe
    no one writes to. The call is cut short, so the renewer goes on and ends."""
    spec = importlib.util.spec_from_file_location(
        "deploy_lock_action", ROOT / "roles/deploy_lock/action_plugins/deploy_lock.py"
    )
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    action = plugin.ActionModule.__new__(plugin.ActionModule)
    reader, writer = os.pipe()
    action._call = lambda state: os.read(reader, 4)
    started = time.monotonic()
    try:
        with pytest.raises(TimeoutError, match="deploy lock release: no answer within 1 s"):
            action._call_within("release", 1)
    finally:
        os.close(reader)
        os.close(writer)
    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_the_lock_is_taken_on_the_stock_connection_plugin():
    """The renewer forks the worker that took the lock; Mitogen's connections do not survive a
    fork, so the take runs on the stock plugin of the host's connection."""
    spec = importlib.util.spec_from_file_location(
        "stock_connection_filter", ROOT / "plugins/filter/stock_connection.py"
    )
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    stock = plugin.FilterModule().filters()["stock_connection"]
    assert stock("docker") == "community.docker.docker"
    assert stock("ssh") == "ansible.builtin.ssh"
    assert stock("local") == "ansible.builtin.local"
    assert stock("community.docker.docker") == "community.docker.docker"
    assert stock("winrm") == "winrm"
    with pytest.raises(AnsibleFilterError, match="connection 'setns' has no stock plugin"):
        stock("setns")
    with pytest.raises(AnsibleFilterError, match="takes a connection plugin's name"):
        stock("")
