"""After a redeploy over hand edits and the releases after it: the edits are in a labelled stash,
HEAD is the remote's branch, the rows written before are still there, and the stack reports the
last release, each release recorded in order."""

import json
import re

from host_checks import APP_ROOT, deployments, http, sqlite


def test_head_is_the_remote_branch(host, facts):
    head = host.check_output(f"git -C {APP_ROOT} rev-parse HEAD")
    assert head == facts["edge_sha"]
    assert head == host.check_output("git --git-dir /srv/git/delta-strangle.git rev-parse main")


def test_the_hand_edits_are_kept_in_a_timestamped_stash(host):
    stashes = host.check_output(f"git -C {APP_ROOT} stash list").splitlines()
    assert len(stashes) == 1
    assert re.search(r"autostash-\d{8}T\d{6}Z", stashes[0]), stashes
    tracked = host.check_output(f"git -C {APP_ROOT} stash show -p stash@{{0}}")
    assert "+# edited on the host by hand" in tracked
    untracked = host.check_output(f"git -C {APP_ROOT} show 'stash@{{0}}^3:operator-notes.txt'")
    assert untracked == "notes kept on the host"
    assert not host.file(f"{APP_ROOT}/operator-notes.txt").exists
    assert host.check_output(f"git -C {APP_ROOT} status --porcelain --untracked-files=all") == ""


def test_rows_written_before_are_still_there(host, facts):
    kept = sqlite(host, f"SELECT count(*) FROM backend_logs WHERE id <= {facts['max_log_id']}")
    assert int(kept) == facts["log_rows"]
    assert int(sqlite(host, "SELECT max(id) FROM backend_logs")) > facts["max_log_id"]


def test_the_stack_reports_the_last_release_and_records_each_in_order(host, facts, pebble_root):
    answer = http(host, "GET", "/api/health/ready", ca_file=pebble_root)
    assert answer["status"] == 200, answer
    assert json.loads(answer["body"])["version"] == facts["edge_sha"]
    old, new, both, edge = facts["old_sha"], facts["new_sha"], facts["both_sha"], facts["edge_sha"]
    # The deploy refused by the trading gate between the first two is recorded apart (test_engine_handoff).
    releases = [record for record in deployments(host) if record["result"] != "refused"][-4:]
    assert [record["result"] for record in releases] == ["deployed"] * 4
    # The frontend change deploys the same commit again.
    assert [(record["from_sha"], record["to_sha"]) for record in releases] == [
        (old, new),
        (new, both),
        (both, both),
        (both, edge),
    ]
