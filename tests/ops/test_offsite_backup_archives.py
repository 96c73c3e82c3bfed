"""The off-host backup script (roles/app_backup/files/offsite-backup.sh) with the machine's restic
and a local repository: a snapshot carries the database and data/archive/, `fetch` brings both
back from the same snapshot (the archives as <fetched>.archive, given to the app user), an older
snapshot without archives fetches the database alone; and the role's restore-archive tasks put the
fetched archives in place, keeping the ones they replace; backup retention deletes them with the
fetched database they came with."""

import gzip
import json
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from repo_ansible import LOCALHOST_INVENTORY, ROOT, ansible_env

SCRIPT = ROOT / "roles/app_backup/files/offsite-backup.sh"
HOST = "trading-01"
DAY = "2026-11-20"


@pytest.fixture
def site(tmp_path):
    """A host's app root (a git checkout with a database and a status file) and its restic settings."""
    app = tmp_path / "app"
    (app / "data/backups").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(app)], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(app),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "release",
        ],
        check=True,
    )
    with sqlite3.connect(app / "data/delta_trader.db") as db:
        db.execute("CREATE TABLE strategies (name TEXT)")
        db.execute("INSERT INTO strategies VALUES ('kept off the host')")
    (app / "data/backups/offsite-backup.json").write_text(
        json.dumps({"scheduled_since": time.time(), "max_age_seconds": 93600, "schedule": "daily"})
    )
    secrets = tmp_path / "secrets"
    secrets.mkdir(mode=0o700)
    (secrets / "RESTIC_REPOSITORY").write_text(str(tmp_path / "repository"))
    (secrets / "RESTIC_PASSWORD").write_text("TEST-ONLY restic password")
    staging = tmp_path / "staging"
    staging.mkdir()
    config = tmp_path / "offsite-backup.conf"
    config.write_text(
        f"OFFSITE_APP_ROOT={app}\nOFFSITE_SECRETS_DIR={secrets}\nOFFSITE_STAGING_DIR={staging}\n"
        f"OFFSITE_STATUS_FILE={app}/data/backups/offsite-backup.json\nOFFSITE_HOST={HOST}\n"
        f"OFFSITE_APP_UID={os.getuid()}\nOFFSITE_APP_GID={os.getgid()}\nOFFSITE_KEEP=''\n"
        "OFFSITE_SQLITE3=sqlite3\n"
    )
    return {"app": app, "tmp": tmp_path, "config": config, "staging": staging}


def run(site, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "OFFSITE_CONFIG": str(site["config"]),
        "RESTIC_CACHE_DIR": str(site["tmp"] / "cache"),
    }
    result = subprocess.run(
        ["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def write_archive(app: Path, day: str, lines: list[bytes]) -> Path:
    archive = app / "data/archive"
    archive.mkdir(exist_ok=True)
    path = archive / f"backend-logs-{day}.ndjson.gz"
    with open(path, "ab") as handle:
        handle.write(gzip.compress(b"".join(lines), mtime=0))
    return path


def snapshots(site) -> list[dict]:
    return json.loads(run(site, "snapshots", "--json").stdout)


def test_a_snapshot_carries_the_database_and_the_log_archives(site):
    path = write_archive(site["app"], DAY, [b'{"id": 1, "message": "archived"}\n'])
    run(site, "backup")
    [snapshot] = snapshots(site)
    assert snapshot["paths"] == sorted([str(site["staging"] / "delta_trader.db"), str(path.parent)])

    dest = site["app"] / "data/backups/20261204T100000Z-offsite-trading-01-latest.db"
    fetched = run(site, "fetch", "latest", HOST, str(dest))
    assert "log archives" in fetched.stdout
    with sqlite3.connect(dest) as db:
        assert db.execute("SELECT name FROM strategies").fetchall() == [("kept off the host",)]
    archive = dest.with_suffix(".archive")
    assert (archive / path.name).read_bytes() == path.read_bytes()
    assert archive.stat().st_mode & 0o777 == 0o750
    assert (archive / path.name).stat().st_mode & 0o777 == 0o640


def test_fetch_takes_the_archives_of_the_snapshot_asked_for(site):
    path = write_archive(site["app"], DAY, [b'{"id": 1}\n'])
    run(site, "backup")
    first = path.read_bytes()
    write_archive(site["app"], DAY, [b'{"id": 2}\n'])
    write_archive(site["app"], "2026-11-21", [b'{"id": 3}\n'])
    run(site, "backup")
    older = min(snapshots(site), key=lambda s: s["time"])
    dest = site["app"] / f"data/backups/x-offsite-trading-01-{older['short_id']}.db"
    run(site, "fetch", older["short_id"], HOST, str(dest))
    archive = dest.with_suffix(".archive")
    assert sorted(p.name for p in archive.iterdir()) == [path.name]
    assert (archive / path.name).read_bytes() == first


def test_a_snapshot_without_archives_fetches_the_database_alone(site):
    run(site, "backup")
    [snapshot] = snapshots(site)
    assert snapshot["paths"] == [str(site["staging"] / "delta_trader.db")]
    dest = site["app"] / "data/backups/y-offsite-trading-01-latest.db"
    fetched = run(site, "fetch", "latest", HOST, str(dest))
    assert "holds no log archives" in fetched.stdout
    assert dest.exists()
    assert not dest.with_suffix(".archive").exists()


RESTORE_ARCHIVE_PLAY = """
- name: Put fetched log archives in place as a restore does
  hosts: all
  gather_facts: false
  tasks:
    - name: Run app_backup's restore-archive
      ansible.builtin.include_role:
        name: app_backup
        tasks_from: restore-archive
"""


def test_the_restore_puts_the_fetched_archives_in_place_and_keeps_the_replaced_ones(tmp_path):
    app = tmp_path / "app"
    (app / "data/backups").mkdir(parents=True)
    replaced = write_archive(app, DAY, [b'{"id": 7, "message": "on the host before the restore"}\n'])
    fetched = tmp_path / "app/data/backups/z-offsite-trading-01-latest.archive"
    fetched.mkdir()
    (fetched / f"backend-logs-{DAY}.ndjson.gz").write_bytes(gzip.compress(b'{"id": 1}\n', mtime=0))
    (tmp_path / "hosts.yml").write_text(LOCALHOST_INVENTORY)
    (tmp_path / "play.yml").write_text(RESTORE_ARCHIVE_PLAY)
    before = replaced.read_bytes()
    result = subprocess.run(
        [
            "ansible-playbook",
            "-i",
            str(tmp_path / "hosts.yml"),
            str(tmp_path / "play.yml"),
            "-e",
            f"delta_app_root={app}",
            "-e",
            f"app_backup_restore_archive={fetched}",
            "-e",
            f"delta_app_uid={os.getuid()}",
            "-e",
            f"delta_app_gid={os.getgid()}",
        ],
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    restored = app / f"data/archive/backend-logs-{DAY}.ndjson.gz"
    assert gzip.decompress(restored.read_bytes()) == b'{"id": 1}\n'
    [kept] = (app / "data/backups").glob("*-replaced-by-restore.archive")
    assert (kept / replaced.name).read_bytes() == before
    assert (fetched / restored.name).exists()  # the fetched copy stays beside the fetched database


BACKUP_PLAY = """
- name: Back up as a deploy does
  hosts: all
  gather_facts: false
  tasks:
    - name: Run app_backup's backup, with its retention
      ansible.builtin.include_role:
        name: app_backup
        tasks_from: backup
"""


def test_backup_retention_deletes_a_fetched_database_with_its_log_archives(tmp_path):
    app = tmp_path / "app"
    backups = app / "data/backups"
    backups.mkdir(parents=True)
    with sqlite3.connect(app / "data/delta_trader.db") as db:
        db.execute("CREATE TABLE t (x)")
    old = backups / "20200101T000000Z-offsite-trading-01-latest.db"
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE t (x)")
    old.with_suffix(".archive").mkdir()
    (old.with_suffix(".archive") / f"backend-logs-{DAY}.ndjson.gz").write_bytes(b"")
    kept = backups / "20200101T000000Z-replaced-by-restore.archive"
    kept.mkdir()
    (tmp_path / "hosts.yml").write_text(LOCALHOST_INVENTORY)
    (tmp_path / "play.yml").write_text(BACKUP_PLAY)
    result = subprocess.run(
        ["ansible-playbook", "-i", str(tmp_path / "hosts.yml"), str(tmp_path / "play.yml"),
         "-e", f"delta_app_root={app}", "-e", "app_backup_keep=1",
         "-e", "app_backup_release_sha=0123456789abcdef",
         "-e", f"delta_app_uid={os.getuid()}", "-e", f"delta_app_gid={os.getgid()}",
         # This machine's own sqlite3: delta-sqlite3 is a deploy's (test_host_sqlite3.py).
         "-e", "app_backup_sqlite3=sqlite3"],
        env=ansible_env(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    left = sorted(path.name for path in backups.iterdir())
    assert kept.name in left  # what a restore replaced is never retention's to delete
    [new] = [name for name in left if name != kept.name]
    assert new.endswith("-0123456789ab.db"), left
