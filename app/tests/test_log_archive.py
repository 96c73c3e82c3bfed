"""Retention archives what it deletes, day by day, exactly once, and a day comes back whole."""

from __future__ import annotations

import gzip
import json
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from control_plane.db.database_lock import DatabaseLock
from control_plane.db.sqlite import connect
from control_plane.logs.archive import (
    CHAIN_START,
    COLUMNS,
    ArchiveWriter,
    DayAppend,
    ExpiredDay,
    archive_path,
    chain,
    day_of,
    expire_days,
)
from control_plane.logs.one_shot import ingest_once
from control_plane.logs.retention import MICROS_PER_DAY, RETENTION_LOCK, LogPruner
from control_plane.settings import Settings
from tests.audittools import AuditLog
from tests.conftest import make_settings
from tests.logtools import append, json_line, run_cli

NOW_US = time.time_ns() // 1000
SELECT_ROWS = f"SELECT {', '.join(COLUMNS)} FROM {{table}} ORDER BY id"


def iso(us: int) -> str:
    return datetime.fromtimestamp(us / 1_000_000, UTC).isoformat().replace("+00:00", "Z")


def ingest_aged(settings: Settings) -> None:
    """700 rows ten days old and 700 nine days old (two UTC days, several delete batches each),
    with payloads and correlation ids, and 50 fresh ones."""
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json_line(
            f"expired {age} {i}",
            ts=iso(NOW_US - age * MICROS_PER_DAY + i),
            order=i,
            # Some without one: the archive keeps each row's text, or null.
            correlation_id=f"req-{i // 3}" if i % 5 else None,
        )
        for age in (10, 9)
        for i in range(700)
    ]
    lines += [json_line(f"kept {i}", ts=iso(NOW_US - MICROS_PER_DAY)) for i in range(50)]
    append(settings.BACKEND_LOG_PATH, lines)
    assert ingest_once(settings) == 1450


def rows(database: Path, table: str, where: str = "1") -> list[tuple]:
    conn = sqlite3.connect(database)
    try:
        return conn.execute(
            SELECT_ROWS.format(table=table).replace("ORDER BY", f"WHERE {where} ORDER BY")
        ).fetchall()
    finally:
        conn.close()


def manifest(database: Path) -> dict[str, tuple[int, int, str]]:
    conn = sqlite3.connect(database)
    try:
        return {
            day: (n, size, sha)
            for day, n, size, sha in conn.execute(
                "SELECT day, rows, bytes, sha256 FROM log_archive_days"
            )
        }
    finally:
        conn.close()


def archived_lines(settings: Settings, day: str) -> list[bytes]:
    return gzip.decompress(
        archive_path(settings.data_dir / "archive", day).read_bytes()
    ).splitlines(keepends=True)


def import_archive(settings: Settings, day: str) -> tuple[int, str]:
    """`control-plane logs import-archive DAY`: its exit code and what it printed."""
    result = run_cli(settings, "logs", "import-archive", day)
    return result.returncode, result.stdout + result.stderr


def test_the_archive_holds_exactly_the_rows_deleted_and_a_day_loads_back(
    settings: Settings,
) -> None:
    ingest_aged(settings)
    cutoff = NOW_US - 7 * MICROS_PER_DAY
    expired = rows(settings.database_path, "backend_logs_view", f"ts < {cutoff}")
    result = LogPruner(settings.database_path).prune(7, now_us=NOW_US)
    assert result.deleted_rows == 1400
    assert result.transactions >= 2
    assert len(rows(settings.database_path, "backend_logs_view")) == 50

    days = manifest(settings.database_path)
    assert set(days) == {day_of(row[1]) for row in expired} and len(days) == 2
    for day, (count, size, sha) in days.items():
        lines = archived_lines(settings, day)
        assert len(lines) == count == sum(1 for row in expired if day_of(row[1]) == day)
        assert chain(CHAIN_START, lines) == sha
        assert archive_path(settings.data_dir / "archive", day).stat().st_size == size

    day = sorted(days)[0]
    of_day = [row for row in expired if day_of(row[1]) == day]
    n = len(of_day)
    assert import_archive(settings, day) == (
        0,
        f"{day}: {n} archived rows checked (count and checksum); {n} loaded into archived_logs,"
        " 0 already there\n",
    )
    assert rows(settings.database_path, "archived_logs") == of_day  # every column, every row
    # Loading it again adds nothing.
    code, said = import_archive(settings, day)
    assert (code, f"0 loaded into archived_logs, {n} already there") == (
        0,
        said.split("; ")[1].strip(),
    )
    assert len(rows(settings.database_path, "archived_logs")) == n


def test_retention_forgets_the_correlation_ids_no_row_refers_to_any_more(
    settings: Settings,
) -> None:
    ingest_aged(settings)
    # A fresh row of a request whose earlier lines expire: its id stays.
    append(settings.BACKEND_LOG_PATH, [json_line("late line", correlation_id="req-1")])
    assert ingest_once(settings) == 1

    def interned() -> set[str]:
        conn = sqlite3.connect(settings.database_path)
        try:
            return {row[0] for row in conn.execute("SELECT correlation_id FROM log_correlations")}
        finally:
            conn.close()

    before = interned()
    LogPruner(settings.database_path).prune(7, now_us=NOW_US)
    at = COLUMNS.index("correlation_id")
    stored = rows(settings.database_path, "backend_logs_view")
    referenced = {row[at] for row in stored if row[at] is not None}
    assert len(before) > 200 and interned() == referenced == {"req-1"}


class KilledAfterTheWrite(ArchiveWriter):
    """The process dies after the archive is written, before the delete commits."""

    def write(self, conn: sqlite3.Connection, batch: list) -> None:
        super().write(conn, batch)
        raise SystemExit("killed")


def test_a_batch_written_but_not_committed_is_archived_once(settings: Settings) -> None:
    ingest_aged(settings)
    expired = rows(
        settings.database_path, "backend_logs_view", f"ts < {NOW_US - 7 * MICROS_PER_DAY}"
    )
    killed = LogPruner(settings.database_path)
    killed._archive = KilledAfterTheWrite(settings.data_dir / "archive")
    with pytest.raises(SystemExit):
        killed.prune(7, now_us=NOW_US)
    assert len(rows(settings.database_path, "backend_logs_view")) == 1450  # nothing deleted
    assert manifest(settings.database_path) == {}

    LogPruner(settings.database_path).prune(7, now_us=NOW_US)
    archive_dir = settings.data_dir / "archive"
    lines = [
        line
        for day in sorted(manifest(settings.database_path))
        for line in archived_lines(settings, day)
    ]
    assert len(lines) == len(expired) == len(set(lines))
    # The uncommitted batch is kept beside the archive, not lost and not counted.
    [aside] = archive_dir.glob("*.uncommitted-*")
    assert gzip.decompress(aside.read_bytes()).count(b"\n") == 500


class LockFreeWhileWriting(ArchiveWriter):
    """Takes the write lock itself, without waiting, each time its bytes are on disk."""

    def __init__(self, archive_dir: Path, database: Path) -> None:
        super().__init__(archive_dir)
        self.other_writer = connect(database, busy_timeout_ms=0)
        self.writes = 0

    def write(self, conn: sqlite3.Connection, batch: list) -> list[DayAppend]:
        appended = super().write(conn, batch)
        self.other_writer.execute("BEGIN IMMEDIATE")  # "database is locked" if it were held
        self.other_writer.execute("ROLLBACK")
        self.writes += 1
        return appended


def test_the_archive_is_written_and_fsynced_before_the_delete_takes_the_write_lock(
    settings: Settings,
) -> None:
    ingest_aged(settings)
    pruner = LogPruner(settings.database_path)
    writer = LockFreeWhileWriting(settings.data_dir / "archive", settings.database_path)
    pruner._archive = writer
    try:
        assert pruner.prune(7, now_us=NOW_US).deleted_rows == 1400
    finally:
        writer.other_writer.close()
    assert writer.writes >= 2
    assert sum(count for count, _, _ in manifest(settings.database_path).values()) == 1400


class AnotherPrunerGetsThereFirst(ArchiveWriter):
    """Once, after its bytes are written, a pruner with its archive off deletes one of the
    batch's rows (the newest of the batch) before this batch's transaction."""

    def __init__(self, archive_dir: Path, database: Path) -> None:
        super().__init__(archive_dir)
        self.database = database
        self.taken: list[tuple] = []

    def write(self, conn: sqlite3.Connection, batch: list) -> list[DayAppend]:
        appended = super().write(conn, batch)
        if not self.taken:
            self.taken = rows(self.database, "backend_logs_view", f"id = {batch[-1][0]}")
            other = sqlite3.connect(self.database)
            other.execute("DELETE FROM backend_logs WHERE id = ?", (batch[-1][0],))
            other.commit()
            other.close()
        return appended


def test_rows_deleted_between_the_archive_write_and_the_delete_are_archived_by_neither(
    settings: Settings,
) -> None:
    ingest_aged(settings)
    expired = rows(
        settings.database_path, "backend_logs_view", f"ts < {NOW_US - 7 * MICROS_PER_DAY}"
    )
    pruner = LogPruner(settings.database_path)
    writer = AnotherPrunerGetsThereFirst(settings.data_dir / "archive", settings.database_path)
    pruner._archive = writer
    # The batch is read again: only the rows this pruner deleted are archived, each once.
    assert pruner.prune(7, now_us=NOW_US).deleted_rows == 1399
    [taken] = writer.taken
    lines = [
        json.loads(line)
        for day in sorted(manifest(settings.database_path))
        for line in archived_lines(settings, day)
    ]
    assert [tuple(line[name] for name in COLUMNS) for line in lines] == [
        row for row in expired if row != taken
    ]
    # The first try's bytes are kept beside the archive, not counted.
    [aside] = (settings.data_dir / "archive").glob("*.uncommitted-*")
    assert gzip.decompress(aside.read_bytes()).count(b"\n") == 500


def test_one_pass_prunes_at_a_time(settings: Settings) -> None:
    ingest_aged(settings)
    other_pass = DatabaseLock.for_database(settings.database_path, RETENTION_LOCK)
    assert other_pass.try_acquire()
    result: list = []
    pruning = threading.Thread(
        target=lambda: result.append(LogPruner(settings.database_path).prune(7, now_us=NOW_US))
    )
    try:
        pruning.start()
        pruning.join(0.5)
        assert pruning.is_alive() and len(rows(settings.database_path, "backend_logs_view")) == 1450
    finally:
        other_pass.release()
    pruning.join(30)
    assert result[0].deleted_rows == 1400


def test_a_damaged_archive_or_a_bad_day_is_refused_and_nothing_loaded(settings: Settings) -> None:
    ingest_aged(settings)
    LogPruner(settings.database_path).prune(7, now_us=NOW_US)
    day = sorted(manifest(settings.database_path))[0]
    path = archive_path(settings.data_dir / "archive", day)
    whole = path.read_bytes()
    path.write_bytes(whole[:-10])
    code, said = import_archive(settings, day)
    assert code == 1
    assert f"{path} holds {len(whole) - 10} bytes, {len(whole)} were written" in said
    path.write_bytes(whole)
    conn = sqlite3.connect(settings.database_path)
    conn.execute("UPDATE log_archive_days SET sha256 = ? WHERE day = ?", ("0" * 64, day))
    conn.commit()
    conn.close()
    code, said = import_archive(settings, day)
    assert code == 1
    assert "does not hold the rows archived (checksum differs)" in said
    path.unlink()
    code, said = import_archive(settings, day)
    assert code == 1
    assert f"{path} is missing" in said
    code, said = import_archive(settings, "2026-13")
    assert code == 1
    assert "a day is written YYYY-MM-DD, not '2026-13'" in said
    code, said = import_archive(settings, "2001-01-01")
    assert code == 1
    assert "retention archived no row of 2001-01-01" in said
    assert rows(settings.database_path, "archived_logs") == []


def test_archives_older_than_the_keep_days_go_a_whole_day_at_a_time_audited(
    settings: Settings, audit_log: AuditLog
) -> None:
    ingest_aged(settings)  # rows of the days 10 and 9 days ago
    LogPruner(settings.database_path).prune(7, now_us=NOW_US)
    archive_dir = settings.data_dir / "archive"
    older, newer = sorted(manifest(settings.database_path))
    aside = archive_dir / f"backend-logs-{older}.uncommitted-1"
    aside.write_bytes(b"a tail a crash left")
    other = archive_dir / "operator-notes.txt"
    other.write_text("not the pruner's")
    older_rows = manifest(settings.database_path)[older][0]

    # Kept forever by default (0), however old.
    assert settings.BACKEND_LOG_ARCHIVE_KEEP_DAYS == 0
    conn = sqlite3.connect(settings.database_path)
    try:
        assert expire_days(conn, archive_dir, 0, NOW_US + 1000 * MICROS_PER_DAY) == []
    finally:
        conn.close()
    assert set(manifest(settings.database_path)) == {older, newer}

    # Ten days kept: the day ten days ago is the oldest kept, nothing goes yet.
    ten_days = LogPruner(settings.database_path, archive_keep_days=10)
    assert ten_days.prune(7, now_us=NOW_US).expired_archive_days == ()
    # A day later the older day's rows are eleven days old: that day goes, whole.
    result = ten_days.prune(7, now_us=NOW_US + MICROS_PER_DAY)
    assert result.expired_archive_days == (
        ExpiredDay(
            day=older,
            rows=older_rows,
            files=(archive_path(archive_dir, older).name, aside.name),
        ),
    )
    assert set(manifest(settings.database_path)) == {newer}
    assert sorted(p.name for p in archive_dir.iterdir()) == sorted(
        [archive_path(archive_dir, newer).name, other.name]
    )
    assert audit_log.events("log_archive_expired") == [
        {
            "action": "log_archive_expired",
            "actor": None,
            "actor_role": "system",
            "source_address": None,
            "target": f"log-archive:{older}",
            "outcome": "success",
        }
    ]
    [line] = [json.loads(line) for line in audit_log.lines()]
    assert (line["rows"], line["keep_days"]) == (older_rows, 10)
    # The day kept still loads back whole; the one deleted is refused by name.
    assert import_archive(settings, newer)[0] == 0
    assert import_archive(settings, older) == (
        1,
        f"import-archive: retention archived no row of {older}\n",
    )


@pytest.mark.parametrize(("keep", "retention"), [(-1, 7), (3, 7), (7, 7)])
def test_archives_kept_no_longer_than_the_rows_are_refused(
    tmp_path: Path, keep: int, retention: int
) -> None:
    with pytest.raises(ValueError, match="BACKEND_LOG_ARCHIVE_KEEP_DAYS must be 0"):
        make_settings(
            tmp_path, BACKEND_LOG_ARCHIVE_KEEP_DAYS=keep, BACKEND_LOG_RETENTION_DAYS=retention
        )


def test_no_archive_when_it_is_turned_off(settings: Settings) -> None:
    ingest_aged(settings)
    assert (
        LogPruner(settings.database_path, archive=False).prune(7, now_us=NOW_US).deleted_rows
        == 1400
    )
    assert not (settings.data_dir / "archive").exists()
    assert manifest(settings.database_path) == {}


def test_the_log_viewer_api_searches_a_day_loaded_back(
    settings: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    ingest_aged(settings)
    LogPruner(settings.database_path).prune(7, now_us=NOW_US)
    day = day_of(NOW_US - 10 * MICROS_PER_DAY)
    assert import_archive(settings, day)[0] == 0

    def search(**params: object) -> list[dict]:
        answer = client.get(
            "/api/logs", params={"archived": "true", **params}, headers=auth_headers
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]

    newest = search(limit=3)
    assert [row["message"] for row in newest] == [f"expired 10 {i}" for i in (699, 698, 697)]
    # Every word, in the message or the payload, without case; the stored rows are not searched.
    assert [row["message"] for row in search(q="EXPIRED 10 699")] == ["expired 10 699"]
    assert search(q="kept") == []
    assert [row["payload"]["order"] for row in search(q="expired", limit=2)] == [699, 698]
    page = client.get("/api/logs", params={"archived": "true", "limit": 2}, headers=auth_headers)
    following = search(limit=2, cursor=page.json()["next_cursor"])
    assert [row["message"] for row in following] == ["expired 10 697", "expired 10 696"]
    context = client.get(
        f"/api/logs/{newest[1]['id']}/context",
        params={"archived": "true", "before": 1, "after": 1},
        headers=auth_headers,
    ).json()
    assert [context["before"][0]["message"], context["entry"]["message"]] == [
        "expired 10 697",
        "expired 10 698",
    ]
    assert context["after"][0]["message"] == "expired 10 699"
    # The default is still the stored rows.
    stored = client.get("/api/logs", params={"q": "expired"}, headers=auth_headers).json()
    assert stored["items"] == []
