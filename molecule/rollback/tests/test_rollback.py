"""After a failed deploy: the earlier release serves again with the image it had, the schema the
broken release added is gone (database restored), and the attempt is on record."""

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


def test_the_attempt_is_recorded(host, facts):
    last = deployments(host)[-1]
    assert last["result"] == "rolled_back"
    assert (last["from_sha"], last["to_sha"]) == (facts["good_sha"], facts["bad_sha"])
    assert "database restored from" in last["detail"]


def test_the_rollback_is_in_the_audit_log(host, facts):
    events = [e for e in audit_events(host, "rollback") if e["target"] == f"release:{facts['good_sha']}"]
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
