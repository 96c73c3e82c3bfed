"""After backup, more rows, restore: the database holds what it held at backup time, the
replaced database is kept, and the stack is healthy on it."""

import json

from host_checks import APP_ROOT, DB, audit_events, ready, scenario_facts, sqlite

COUNTS = "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM strategies) AS strategies"


def test_row_counts_equal_those_at_backup_time(host):
    at_backup = scenario_facts(host, "backup-restore")["at_backup"]
    assert json.loads(host.check_output(f"sqlite3 -json {DB} '{COUNTS}'"))[0] == at_backup
    names = sqlite(host, "SELECT name FROM strategies ORDER BY name").splitlines()
    assert names == ["Before backup 1", "Before backup 2"]


def test_the_replaced_database_is_kept_and_every_backup_is_intact(host):
    backups = host.check_output(f"ls {APP_ROOT}/data/backups").split()
    replaced = [name for name in backups if name.endswith("-replaced-by-restore.db")]
    assert len(replaced) == 1
    assert sqlite(host, "SELECT count(*) FROM strategies", f"{APP_ROOT}/data/backups/{replaced[0]}") == "5"
    for name in backups:
        assert sqlite(host, "PRAGMA integrity_check", f"{APP_ROOT}/data/backups/{name}") == "ok"


def test_the_restored_database_belongs_to_the_app_user_and_the_stack_is_healthy(host):
    db = host.file(DB)
    assert (db.uid, db.gid) == (10001, 10001)
    assert ready(host)["status"] == "ready"


def test_the_restore_is_in_the_audit_log(host):
    events = audit_events(host, "restore")
    assert events, "the play posted no restore audit record"
    assert (events[-1]["actor_role"], events[-1]["outcome"]) == ("operator", "success")
    assert events[-1]["details"]["backup"].endswith(".db")
