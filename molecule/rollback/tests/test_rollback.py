"""After a run stopped right after its move, a failed deploy and two rollbacks by playbooks/rollback.yml:
the earlier release serves again with the image it had, the schema the broken release added is
gone (database restored), every attempt is on record with the last deployed release as the one
before, the local commits are kept under named refs, and data/ and logs/ are the app's again."""

import json

import pytest
from host_checks import APP_ROOT, audit_events, container_id, deployments, ready, scenario_facts, sqlite


@pytest.fixture
def facts(host):
    return scenario_facts(host, "rollback")


def test_the_checkout_is_back_at_the_healthy_release(host, facts):
    assert host.check_output(f"git -C {APP_ROOT} rev-parse HEAD") == facts["good_sha"]


def test_the_stack_serves_the_healthy_release(host, facts):
    assert ready(host)["version"] == facts["good_sha"]


def test_the_healthy_release_runs_on_its_own_image_without_a_rebuild(host, facts):
    container = container_id(host, "backend")
    assert host.check_output(f"docker inspect -f '{{{{.Image}}}}' {container}") == facts["good_backend_image"]


def test_the_database_was_restored_to_the_schema_before_the_broken_release(host, facts):
    assert sqlite(host, "SELECT version_num FROM alembic_version") == facts["good_schema"]
    assert sqlite(host, "SELECT count(*) FROM sqlite_master WHERE name = 'rollback_probe'") == "0"
    assert int(sqlite(host, "SELECT count(*) FROM users")) >= 1
    assert sqlite(host, "PRAGMA integrity_check") == "ok"


def test_the_attempt_is_recorded_from_the_last_deployed_release_with_its_backup(host, facts):
    # The run before it stopped after moving the checkout to the broken release: the attempt
    # still starts from the last deployed release, backs it up and goes back to it.
    failed = [entry for entry in deployments(host) if entry["result"] == "rolled_back"]
    assert len(failed) == 1
    assert (failed[0]["from_sha"], failed[0]["to_sha"]) == (facts["good_sha"], facts["bad_sha"])
    assert "database restored from" in failed[0]["detail"]
    assert f"-{facts['good_sha'][:12]}.db" in failed[0]["detail"]


def test_the_requested_rollbacks_are_recorded(host, facts):
    named = scenario_facts(host, "rollback-requested")["named_sha"]
    *_, to_named, back = deployments(host)
    fields = ("result", "from_sha", "to_sha")
    assert [to_named[f] for f in fields] == ["deployed", facts["good_sha"], named]
    assert [back[f] for f in fields] == ["deployed", named, facts["good_sha"]]
    assert back["detail"] == "rollback requested by the operator"


def test_each_local_commit_is_kept_under_a_named_ref_and_rollbacks_kept_nothing_more(host, facts):
    kept = host.check_output(f"git -C {APP_ROOT} for-each-ref --format='%(objectname)' refs/deploy-kept/")
    assert sorted(kept.split()) == sorted(facts["local_commits"])
    assert "autostash-" in host.check_output(f"git -C {APP_ROOT} stash list")


def test_every_file_under_data_and_logs_is_the_apps_again(host):
    not_the_apps = f"find {APP_ROOT}/data {APP_ROOT}/logs \\( ! -uid 10001 -o ! -gid 10001 \\) -print"
    assert host.check_output(not_the_apps) == ""
    backend_user = f"docker inspect -f '{{{{.Config.User}}}}' {container_id(host, 'backend')}"
    assert host.check_output(backend_user) == "10001:10001"


def test_the_rollback_is_in_the_audit_log(host, facts):
    events = [
        e
        for e in audit_events(host, "rollback")
        if e["target"] == f"release:{facts['good_sha']}" and e["details"]["result"] == "rolled_back"
    ]
    assert events, "the play posted no rollback audit record"
    assert (events[-1]["actor_role"], events[-1]["outcome"]) == ("operator", "success")
    assert events[-1]["details"]["to_sha"] == facts["bad_sha"]


def test_while_the_database_was_restored_users_got_the_maintenance_answer_never_a_502(host):
    figures = json.loads(host.file("/var/tmp/request-loop.json").content_string)
    print(f"rollback request loop: {figures}")
    assert figures["statuses"].get("503", 0) > 0, figures
    assert set(figures["statuses"]) <= {"200", "503"}, figures


def test_maintenance_mode_is_off_again(host):
    assert not host.file(f"{APP_ROOT}/edge/state/maintenance.json").exists
    assert not host.file(f"{APP_ROOT}/edge/state/maintenance.html").exists
