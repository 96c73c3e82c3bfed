"""Retention and backup against real SQLite files."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from control_plane.logs.checkpoints import TARGET_HOLD_SECONDS
from control_plane.logs.one_shot import ingest_once
from control_plane.logs.retention import (
    MAX_BATCH_ROWS,
    MICROS_PER_DAY,
    MIN_BATCH_ROWS,
    BackendLogRetentionService,
    LogPruner,
    next_batch_size,
)
from control_plane.logs.tail_service import LogTailService
from control_plane.logs.tailed_logs import backend_log
from control_plane.logs.text_search import trigram_match
from control_plane.settings import Settings
from tests.logtools import (
    BackgroundWriter,
    append,
    ingested_messages,
    json_line,
    run_cli,
    wait_until,
)

NOW_US = time.time_ns() // 1000


def iso(us: int) -> str:
    from datetime import UTC, datetime, timedelta

    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def write_aged_lines(settings: Settings, old: int, fresh: int) -> None:
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    old_ts = iso(NOW_US - 10 * MICROS_PER_DAY)
    fresh_ts = iso(NOW_US - 1 * MICROS_PER_DAY)
    lines = [json_line(f"expired alpha {i}", ts=old_ts) for i in range(old)]
    lines += [json_line(f"kept beta {i}", ts=fresh_ts) for i in range(fresh)]
    append(settings.BACKEND_LOG_PATH, lines)
    assert ingest_once(settings) == old + fresh


def fts_ids(conn: sqlite3.Connection, query: str) -> set[int]:
    return {
        row[0]
        for row in conn.execute(
            "SELECT rowid FROM backend_logs_fts WHERE backend_logs_fts MATCH ?",
            (trigram_match(query),),
        )
    }


def test_prune_deletes_only_expired_rows_and_keeps_fts_consistent(settings: Settings) -> None:
    write_aged_lines(settings, old=3000, fresh=200)
    result = LogPruner(settings.database_path).prune(7)
    assert result.deleted_rows == 3000
    conn = sqlite3.connect(settings.database_path)
    assert conn.execute("SELECT count(*) FROM backend_logs").fetchone() == (200,)
    assert fts_ids(conn, "alpha") == set()
    assert len(fts_ids(conn, "beta")) == 200
    conn.execute("INSERT INTO backend_logs_fts (backend_logs_fts) VALUES ('integrity-check')")
    assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)


@pytest.mark.slow
def test_prune_returns_space_to_the_filesystem(settings: Settings) -> None:
    write_aged_lines(settings, old=20000, fresh=10)
    conn = sqlite3.connect(settings.database_path)
    pages_before = conn.execute("PRAGMA page_count").fetchone()[0]
    LogPruner(settings.database_path).prune(7)
    pages_after = conn.execute("PRAGMA page_count").fetchone()[0]
    assert pages_after < pages_before / 2


def test_retention_service_prunes_at_start_while_ingestion_goes_on(settings: Settings) -> None:
    write_aged_lines(settings, old=5000, fresh=0)
    tail = LogTailService(
        log=backend_log(settings.BACKEND_LOG_PATH),
        database_path=settings.database_path,
        batch_size=50,
        poll_interval=0.02,
    )
    tail.start()
    writer = BackgroundWriter(settings.BACKEND_LOG_PATH, prefix="live").start()
    retention = BackendLogRetentionService(database_path=settings.database_path, retention_days=7)
    retention.start()
    assert wait_until(lambda: retention.last_result is not None)
    written = writer.stop()
    retention.stop()
    conn = sqlite3.connect(settings.database_path)
    expected_rows = sum(written.values())
    assert wait_until(
        lambda: conn.execute("SELECT count(*) FROM backend_logs").fetchone()[0] == expected_rows
    )
    tail.stop()
    assert retention.last_result is not None and retention.last_result.deleted_rows == 5000
    assert ingested_messages(settings.database_path) == written


def test_delete_batches_follow_the_time_the_lock_was_held_within_their_bounds() -> None:
    quick, slow = TARGET_HOLD_SECONDS / 4, TARGET_HOLD_SECONDS * 3
    assert next_batch_size(400, quick) == 800
    assert next_batch_size(400, TARGET_HOLD_SECONDS * 0.9) == 400
    assert next_batch_size(400, slow) == 200
    size = 500
    for _ in range(20):
        size = next_batch_size(size, quick)
    assert size == MAX_BATCH_ROWS == 1000
    for _ in range(20):
        size = next_batch_size(size, slow)
    assert size == MIN_BATCH_ROWS


def test_prune_cli_reports_the_longest_hold_of_the_write_lock(settings: Settings) -> None:
    write_aged_lines(settings, old=2500, fresh=3)
    result = run_cli(settings, "logs", "prune")
    assert result.returncode == 0, result.stderr
    assert "deleted 2500 rows" in result.stdout
    assert "longest delete transaction " in result.stdout
    assert "for the WAL" in result.stdout


def test_prune_cli_reports_deleted_rows(settings: Settings) -> None:
    write_aged_lines(settings, old=7, fresh=3)
    result = run_cli(settings, "logs", "prune")
    assert result.returncode == 0, result.stderr
    assert "deleted 7 rows" in result.stdout


def test_backup_is_complete_and_verified(settings: Settings, tmp_path: Path) -> None:
    write_aged_lines(settings, old=0, fresh=500)
    target = tmp_path / "backups" / "copy.db"
    result = run_cli(settings, "db", "backup", "--to", str(target))
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert Counter(r[0] for r in conn.execute("SELECT message FROM backend_logs")) == Counter(
        ingested_messages(settings.database_path)
    )


def test_backup_of_a_corrupt_database_fails(settings: Settings, tmp_path: Path) -> None:
    write_aged_lines(settings, old=0, fresh=3000)
    conn = sqlite3.connect(settings.database_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page_count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with open(settings.database_path, "r+b") as handle:
        for page in range(page_count // 2, page_count - 1):
            handle.seek(page * page_size + 100)
            handle.write(b"\xde\xad\xbe\xef" * 64)
    target = tmp_path / "copy.db"
    result = run_cli(settings, "db", "backup", "--to", str(target))
    assert result.returncode != 0
    assert not target.exists()
