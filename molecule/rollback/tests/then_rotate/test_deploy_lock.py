"""The deploy lock on a deployed host, as two operators meet it: two playbooks started at once
(one refused, naming the holder; or, with lock_wait, one waiting and then running), a lock left by
a lost controller taken over once its lease ran out, a failed play's lock released, and
playbooks/lock.yml showing and releasing a lock by hand (audited).

Runs before test_rotate.py (file order), on a copy of the scenario's inventory.
"""

import json
import os
import shlex
import socket
import time

import pytest
from host_checks import audit_events
from operator_tools import finish_playbook, run_playbook, start_playbook, writable_inventory

LOCK = "/run/lock/delta-strangle-deploy.json"
OPERATOR = os.environ.get("USER") or os.environ.get("LOGNAME") or "root"
CONTROLLER = socket.gethostname()
# A short playbook that takes the lock like every other.
PLAYBOOK = "playbooks/backup.yml"


@pytest.fixture(scope="module")
def inventory():
    return writable_inventory("lock-inventory")


def one_line(output):
    """The output with the YAML callback's line folding and quote doubling undone."""
    return " ".join(output.replace("''", "'").split())


def lock_record(host):
    text = host.run(f"cat {LOCK}").stdout
    return json.loads(text) if text.strip() else None


def write_lock(host, renewed_seconds_ago, **holder):
    """A lock record as a run on another controller leaves it, its lease renewed on the host's clock."""
    script = (
        "import json, sys, time; holder = json.loads(sys.argv[1]); "
        "holder['renewed_at'] = time.time() - float(sys.argv[2]); "
        f"open({LOCK!r}, 'w').write(json.dumps(holder))"
    )
    record = {"run": f"{holder['controller']}:{holder['pid']}:1", "started": "1", **holder}
    command = f"python3 -c {shlex.quote(script)} {shlex.quote(json.dumps(record))} {renewed_seconds_ago}"
    host.run_expect([0], command)


LOST_CONTROLLER = {
    "operator": "alice",
    "controller": "laptop-of-alice",
    "pid": 31337,
    "playbook": "deploy.yml",
    "play": "Deploy the control plane stack",
    "since": "2026-12-01T09:00:00Z",
    "lease_seconds": 120,
}


def test_two_plays_at_once_one_is_refused_naming_the_holder(host, inventory):
    first, second = start_playbook(inventory, PLAYBOOK), start_playbook(inventory, PLAYBOOK)
    results = {first.pid: finish_playbook(first), second.pid: finish_playbook(second)}
    passed = [pid for pid, (returncode, _) in results.items() if returncode == 0]
    refused = [pid for pid, (returncode, _) in results.items() if returncode != 0]
    outputs = {pid: output[-3000:] for pid, (_, output) in results.items()}
    assert len(passed) == 1, outputs
    assert len(refused) == 1, outputs
    text = one_line(results[refused[0]][1])
    assert (
        f"The deploy lock of {host.backend.get_hostname()} is held by {OPERATOR} on controller {CONTROLLER}"
        f" (ansible-playbook pid {passed[0]}, {PLAYBOOK}, play 'Back up the control plane's database') since"
    ) in text, text[-3000:]
    assert "-e lock_wait=SECONDS" in text
    assert lock_record(host) is None


def test_two_plays_at_once_with_lock_wait_one_waits_then_runs(host, inventory):
    runs = [start_playbook(inventory, PLAYBOOK, "-e", "lock_wait=300") for _ in range(2)]
    results = {run.pid: finish_playbook(run) for run in runs}
    for returncode, output in results.values():
        assert returncode == 0, output[-3000:]
    waited = [pid for pid, (_, output) in results.items() if "after waiting" in output]
    assert len(waited) == 1, {pid: output[-3000:] for pid, (_, output) in results.items()}
    holder = next(pid for pid in results if pid not in waited)
    text = one_line(results[waited[0]][1])
    assert f"waiting up to 300 s for the deploy lock held by {OPERATOR} on controller {CONTROLLER}" in text
    assert f"(ansible-playbook pid {holder}, {PLAYBOOK}," in text
    assert f"Took the deploy lock of {host.backend.get_hostname()} after waiting" in text


def test_a_lock_whose_controller_was_lost_is_taken_over_once_its_lease_ran_out(host, inventory):
    write_lock(host, 300, **LOST_CONTROLLER)
    returncode, output = run_playbook(inventory, PLAYBOOK)
    assert returncode == 0, output[-3000:]
    text = one_line(output)
    assert (
        f"Took over the deploy lock of {host.backend.get_hostname()} from alice on controller laptop-of-alice"
        " (ansible-playbook pid 31337, deploy.yml, play 'Deploy the control plane stack')"
        " since 2026-12-01T09:00:00Z"
    ) in text, text[-3000:]
    assert "its lease ran out" in text
    log = host.file("/var/log/delta-strangle/deploy-lock.jsonl").content_string.splitlines()
    taken = [json.loads(line) for line in log if '"taken_over"' in line]
    assert taken[-1]["previous"]["controller"] == "laptop-of-alice"
    assert lock_record(host) is None


def test_a_failed_play_releases_its_lock(host, inventory):
    returncode, output = run_playbook(inventory, "playbooks/restore.yml", "-e", "restore_backup=none.db")
    assert returncode != 0
    assert "No backup none.db" in one_line(output)
    started = time.monotonic()
    while lock_record(host) is not None:
        assert time.monotonic() - started < 60, "the failed play's lock is still held"
        time.sleep(1)
    print(f"failed play's lock released {time.monotonic() - started:.1f} s after it ended")


def test_lock_yml_shows_a_live_holder_and_releases_it_by_hand_audited(host, inventory):
    write_lock(host, 0, **{**LOST_CONTROLLER, "operator": "bob", "controller": "ci-runner-3"})
    returncode, output = run_playbook(inventory, PLAYBOOK)
    assert returncode != 0
    assert "is held by bob on controller ci-runner-3" in one_line(output)

    returncode, output = run_playbook(inventory, "playbooks/lock.yml", "-e", "lock=status")
    assert returncode == 0, output[-3000:]
    shown = one_line(output)
    name = host.backend.get_hostname()
    assert f"The deploy lock of {name} is held by bob on controller ci-runner-3" in shown
    assert lock_record(host)["operator"] == "bob"

    returncode, output = run_playbook(inventory, "playbooks/lock.yml", "-e", "lock=release")
    assert returncode == 0, output[-3000:]
    assert f"Released the deploy lock of {host.backend.get_hostname()}, held by bob" in one_line(output)
    assert lock_record(host) is None
    record = audit_events(host, "deploy_lock.release")[-1]
    assert (record["actor"], record["actor_role"], record["source"]) == (OPERATOR, "operator", "ansible")
    assert record["details"]["holder_operator"] == "bob"
    assert record["details"]["holder_controller"] == "ci-runner-3"
    log = host.file("/var/log/delta-strangle/deploy-lock.jsonl").content_string.splitlines()
    released = json.loads(log[-1])
    assert (released["event"], released["holder"]["operator"], released["by"]["operator"]) == (
        "released_by_hand",
        "bob",
        OPERATOR,
    )

    returncode, output = run_playbook(inventory, "playbooks/lock.yml", "-e", "lock=status")
    assert returncode == 0, output[-3000:]
    assert f"The deploy lock of {host.backend.get_hostname()} is free." in one_line(output)
