"""The first host's backup timer's service sent its database and its log archives (data/archive/)
to the restic REST server beside the hosts, encrypted (the server holds none of its rows in the
clear), with the retention policy and a status the backend reads (the backup's age: a metric and
the readiness body); the fresh host was restored from that repository and holds the same rows, and
the same archives, which its backend loads back (their count and checksum match its database).
The secrets stay in root's 0400 files, never in the journal or the status. A failed run starts
the notification unit (OnFailure=)."""

import json
import os
import subprocess
from pathlib import Path

import pytest
import testinfra
import yaml
from host_checks import (
    APP_ROOT,
    DB,
    SQLITE3,
    audit_events,
    http,
    notifications,
    ready,
    scenario_facts,
    sqlite,
)
from vault_tools import vault_view

FIRST = "delta-molecule-backup_restore"
FRESH = "delta-molecule-backup_restore-fresh"
REST_SERVER = "delta-molecule-backup_restore-rest-server"
STATUS = f"{APP_ROOT}/data/backups/offsite-backup.json"
SECRETS_DIR = "/etc/delta-strangle/offsite-backup"
SCRIPT = "/usr/local/libexec/delta-strangle/offsite-backup"
# The day of the log rows side_effect.yml has retention archive before the backup.
ARCHIVED_DAY = "2020-01-15"
COUNTS = "SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM strategies) AS strategies"

# Each test names the host it reads.
testinfra_hosts = [FIRST]


@pytest.fixture(scope="module")
def fresh():
    return testinfra.get_host(f"ansible://{FRESH}?ansible_inventory={os.environ['MOLECULE_INVENTORY_FILE']}")


@pytest.fixture(scope="module")
def vault():
    sandbox = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"]) / "inventory/sandbox"
    text = vault_view(sandbox / "group_vars/all/vault.yml", sandbox / "TEST-ONLY-vault-password.txt")
    return yaml.safe_load(text)


def snapshots(host):
    return json.loads(host.check_output(f"{SCRIPT} snapshots --json"))


def test_the_timer_is_scheduled_from_the_inventory(host):
    timer = host.service("delta-offsite-backup.timer")
    assert timer.is_enabled
    assert timer.is_running
    unit = host.file("/etc/systemd/system/delta-offsite-backup.timer").content_string
    assert "OnCalendar=*-*-* 03:15:00" in unit


def test_the_timers_service_sent_one_snapshot_of_the_first_host(host):
    journal = "\n".join(scenario_facts(host, "backup-restore-offsite")["journal"])
    assert "integrity ok" in journal, journal
    assert "sent snapshot" in journal, journal
    assert "retention policy: --keep-daily 7 --keep-last 3 --keep-monthly 12 --keep-weekly 5" in journal
    taken = [s for s in snapshots(host) if s["hostname"] == FIRST]
    assert len(taken) == 1
    release = host.check_output(f"git -C {APP_ROOT} rev-parse HEAD")
    assert set(taken[0]["tags"]) == {"delta-strangle", f"release-{release[:12]}"}
    assert taken[0]["paths"] == [f"{APP_ROOT}/data/archive", "/var/backups/delta-strangle/delta_trader.db"]


def test_the_status_tells_the_backend_the_backups_age(host, vault):
    status = json.loads(host.file(STATUS).content_string)
    assert status["schedule"] == "*-*-* 03:15:00"
    assert status["max_age_seconds"] == 93600
    short_id = next(s["short_id"] for s in snapshots(host) if s["hostname"] == FIRST)
    assert status["last_snapshot"].startswith(short_id)
    age = ready(host)["offsite_backup_age_seconds"]
    assert age is not None
    assert 0 <= age < 3600
    token = {"Authorization": f"Bearer {vault['vault_edge_metrics_token']}"}
    metrics = http(host, "GET", "/metrics", token)["body"]
    name = "control_plane_offsite_backup_age_seconds "
    assert 0 <= float(next(line for line in metrics.splitlines() if line.startswith(name)).split()[1]) < 3600
    assert "control_plane_offsite_backup_max_age_seconds 93600.0" in metrics


def test_the_repository_holds_only_encrypted_data(host):
    names = sqlite(host, "SELECT name FROM strategies").splitlines()
    assert names
    found = subprocess.run(
        ["docker", "exec", REST_SERVER, "grep", "-rl", "-e", names[0], "-e", "SQLite format 3", "/data"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 1, found.stdout  # grep: 1 = no file holds either


def test_the_fresh_host_holds_the_rows_of_the_backup(host, fresh):
    at_backup = scenario_facts(host, "backup-restore")["at_backup"]
    assert json.loads(fresh.check_output(f"{SQLITE3} -json {DB} '{COUNTS}'"))[0] == at_backup
    assert sqlite(fresh, "SELECT name FROM strategies ORDER BY name").splitlines() == [
        "Before backup 1",
        "Before backup 2",
    ]
    assert sqlite(fresh, "SELECT username FROM users ORDER BY username") == sqlite(
        host, "SELECT username FROM users ORDER BY username"
    )


def test_the_fresh_host_has_the_log_archives_beside_the_database_and_loads_them_back(host, fresh):
    name = f"{APP_ROOT}/data/archive/backend-logs-{ARCHIVED_DAY}.ndjson.gz"
    archived = fresh.file(name)
    assert (archived.uid, archived.gid, archived.mode) == (10001, 10001, 0o640)
    # The first host's file may have grown since (retention appends): the fresh copy is its start.
    first = host.check_output(f"head -c {archived.size} {name} | sha256sum")
    assert first == fresh.check_output(f"sha256sum < {name}")
    loaded = fresh.check_output(
        f"{APP_ROOT}/scripts/compose.sh exec -T backend control-plane logs import-archive {ARCHIVED_DAY}"
    )
    assert f"{ARCHIVED_DAY}: 2 archived rows checked (count and checksum)" in loaded
    assert sqlite(fresh, "SELECT message FROM archived_logs ORDER BY ts").splitlines() == [
        "archived before the backup 1",
        "archived before the backup 2",
    ]


def test_the_fresh_host_serves_the_restored_database_and_audited_it(fresh):
    db = fresh.file(DB)
    assert (db.uid, db.gid, db.mode) == (10001, 10001, 0o640)
    assert ready(fresh)["status"] == "ready"
    event = audit_events(fresh, "restore")[-1]
    assert event["details"]["source"] == "offsite"
    assert event["details"]["backup"].endswith(f"-offsite-{FIRST}-latest.db")
    fetched = f"{APP_ROOT}/data/backups/{event['details']['backup']}"
    assert sqlite(fresh, "PRAGMA integrity_check", fetched) == "ok"


@pytest.mark.parametrize("name", [FIRST, FRESH])
def test_the_secrets_are_root_only_files_and_never_logged(name, vault):
    target = testinfra.get_host(f"ansible://{name}?ansible_inventory={os.environ['MOLECULE_INVENTORY_FILE']}")
    directory = target.file(SECRETS_DIR)
    assert (directory.user, directory.mode) == ("root", 0o700)
    for variable, key in [
        ("RESTIC_REPOSITORY", "vault_backup_restic_repository"),
        ("RESTIC_PASSWORD", "vault_backup_restic_password"),
        ("RESTIC_REST_USERNAME", "vault_backup_restic_rest_username"),
        ("RESTIC_REST_PASSWORD", "vault_backup_restic_rest_password"),
    ]:
        secret = target.file(f"{SECRETS_DIR}/{variable}")
        assert (secret.user, secret.mode) == ("root", 0o400)
        assert secret.content_string == vault[key]
    seen = target.check_output("journalctl --no-pager --output cat") + target.file(STATUS).content_string
    for key in ("vault_backup_restic_password", "vault_backup_restic_rest_password"):
        assert vault[key] not in seen


def test_a_failed_run_starts_the_notification_unit(fresh):
    journal = fresh.check_output("journalctl --no-pager --output cat --unit delta-offsite-backup.service")
    assert "offsite-backup: FAILED: no RESTIC_REPOSITORY" in journal
    triggered = fresh.check_output(
        "systemctl show --property InactiveExitTimestampMonotonic --value delta-offsite-backup-failed.service"
    )
    assert int(triggered) > 0
    [message] = notifications(fresh, "backup_failed")[:1]
    assert "unit: delta-offsite-backup.service" in message["message"].splitlines()
