"""Daily archives of the log rows retention deletes, in data/archive/backend-logs-DAY.ndjson.gz
(DAY: the rows' UTC date), and the way back into the database.

A delete batch's rows are appended as one gzip member and fsynced before the batch's
transaction begins (so no fsync holds the write lock); that transaction records in
log_archive_days the file's new committed length, its row count and the rows' checksum chain,
once it has checked the day's entry is still the one the bytes were appended after. A crash
between the write and the commit leaves bytes past the committed length: the next write moves
them to a file of their own (kept as long as their day's archive: after a restore from an older
backup they are rows the database no longer has) and goes on from the committed length, and a
reader never reads past it. So a day's archive holds exactly the rows deleted, each once, and
says how many and which. One pruner writes at a time (logs.retention holds a database lock).

Archives are kept forever unless BACKEND_LOG_ARCHIVE_KEEP_DAYS says otherwise: then a whole day
goes once it is that many days old, its file, the tails set aside from it and its log_archive_days
entry together, each day in an audit event.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, func, insert, literal_column, select
from sqlalchemy.dialects.sqlite import insert as upsert

from control_plane import times
from control_plane.audit import record_system_audit
from control_plane.db.schema import archived_logs, log_archive_days
from control_plane.db.sqlite import connect, write_transaction
from control_plane.db.statements import sqlite3_text
from control_plane.logs.correlations import CORRELATIONS
from control_plane.times import MICROS_PER_DAY

ARCHIVE_DIR = "archive"
# The columns of a row, in the archive's lines and in the order retention reads them (which
# reads backend_logs' integer correlation where the archive keeps the text).
COLUMNS = tuple(str(column.name) for column in archived_logs.columns)
CORRELATION = COLUMNS.index("correlation_id")
CHAIN_START = bytes(32).hex()
DAY_FORMAT = re.compile(r"^\d{4}-\d{2}-\d{2}$")

DAYS = log_archive_days.c
READ_DAY = sqlite3_text(
    select(DAYS.rows, DAYS.bytes, DAYS.sha256).where(DAYS.day == bindparam("day"))
)
_upsert = upsert(log_archive_days).values(
    day=bindparam("day"),
    rows=bindparam("rows"),
    bytes=bindparam("bytes"),
    sha256=bindparam("sha256"),
    updated_at=bindparam("now"),
)
WRITE_DAY = sqlite3_text(
    _upsert.on_conflict_do_update(
        index_elements=[DAYS.day],
        set_={
            "rows": _upsert.excluded.rows,
            "bytes": _upsert.excluded.bytes,
            "sha256": _upsert.excluded.sha256,
            "updated_at": _upsert.excluded.updated_at,
        },
    )
)
CORRELATION_TEXTS = sqlite3_text(
    select(CORRELATIONS.id, CORRELATIONS.correlation_id).where(
        CORRELATIONS.id.in_(
            select(literal_column("value")).select_from(func.json_each(bindparam("ids")))
        )
    )
)
READ_DAYS_BEFORE = sqlite3_text(
    select(DAYS.day, DAYS.rows).where(DAYS.day < bindparam("before")).order_by(DAYS.day)
)
DELETE_DAY = sqlite3_text(delete(log_archive_days).where(DAYS.day == bindparam("day")))
INSERT_ARCHIVED = sqlite3_text(
    insert(archived_logs)
    .prefix_with("OR IGNORE")
    .values({name: bindparam(name) for name in COLUMNS})
)


class ArchiveError(ValueError):
    """An archive that is missing, or does not hold what log_archive_days says it holds."""


class ArchiveMoved(RuntimeError):
    """A day's log_archive_days entry changed between the write and the delete transaction:
    the bytes written are past the committed length, and the batch is archived again."""


@dataclass(frozen=True, slots=True)
class DayRecord:
    rows: int
    bytes: int
    sha256: str


def archive_path(archive_dir: Path, day: str) -> Path:
    return archive_dir / f"backend-logs-{day}.ndjson.gz"


def uncommitted_paths(archive_dir: Path, day: str) -> list[Path]:
    """The tails set aside from a day's archive (written, never committed)."""
    return sorted(archive_dir.glob(f"backend-logs-{day}.uncommitted-*"))


def day_of(ts_us: int) -> str:
    return times.from_us(ts_us).strftime("%Y-%m-%d")


def row_line(row: Sequence[Any]) -> bytes:
    return orjson.dumps(dict(zip(COLUMNS, row, strict=True))) + b"\n"


def chain(previous: str, lines: Sequence[bytes]) -> str:
    """The checksum of every line so far: sha256 over the previous value and the line."""
    digest = bytes.fromhex(previous)
    for line in lines:
        digest = hashlib.sha256(digest + line).digest()
    return digest.hex()


def with_correlation_texts(
    conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]
) -> list[Sequence[Any]]:
    """backend_logs rows with their interned correlation ids as text."""
    ids = sorted({row[CORRELATION] for row in rows} - {None})
    if not ids:
        return list(rows)
    texts = dict(conn.execute(CORRELATION_TEXTS, {"ids": orjson.dumps(ids).decode()}).fetchall())
    return [
        (*row[:CORRELATION], texts.get(row[CORRELATION]), *row[CORRELATION + 1 :]) for row in rows
    ]


def read_day(conn: sqlite3.Connection, day: str) -> DayRecord | None:
    row = conn.execute(READ_DAY, {"day": day}).fetchone()
    return DayRecord(*row) if row is not None else None


@dataclass(frozen=True, slots=True)
class DayAppend:
    """Lines appended to a day's archive: its entry before (None: no entry yet) and after."""

    day: str
    before: DayRecord | None
    after: DayRecord


class ArchiveWriter:
    def __init__(self, archive_dir: Path) -> None:
        self.archive_dir = archive_dir

    def write(self, conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> list[DayAppend]:
        """Append backend_logs `rows` (all its columns, oldest first) to their days' archives
        and fsync them, outside any transaction; `commit` records them in the transaction that
        deletes the rows."""
        by_day: dict[str, list[bytes]] = {}
        for row in with_correlation_texts(conn, rows):
            by_day.setdefault(day_of(row[1]), []).append(row_line(row))
        appended = []
        for day, lines in by_day.items():
            before = read_day(conn, day)
            record = before or DayRecord(0, 0, CHAIN_START)
            size = self._append(archive_path(self.archive_dir, day), record.bytes, lines)
            after = DayRecord(record.rows + len(lines), size, chain(record.sha256, lines))
            appended.append(DayAppend(day, before, after))
        return appended

    @staticmethod
    def commit(conn: sqlite3.Connection, appended: Sequence[DayAppend]) -> None:
        """In the delete transaction: the new committed lengths, once each day's entry is still
        the one its lines were appended after (else ArchiveMoved)."""
        for append in appended:
            if read_day(conn, append.day) != append.before:
                raise ArchiveMoved(f"the archive of {append.day} changed while it was written")
            conn.execute(
                WRITE_DAY,
                {
                    "day": append.day,
                    "rows": append.after.rows,
                    "bytes": append.after.bytes,
                    "sha256": append.after.sha256,
                    "now": times.now_us(),
                },
            )

    def _append(self, path: Path, committed: int, lines: list[bytes]) -> int:
        created = not path.exists()
        if created:
            self.archive_dir.mkdir(parents=True, exist_ok=True)
        if not created and path.stat().st_size > committed:
            self._set_aside_uncommitted(path, committed)
        with open(path, "ab") as archive:
            archive.truncate(committed)
            archive.write(gzip.compress(b"".join(lines), mtime=0))
            archive.flush()
            os.fsync(archive.fileno())
            size = archive.tell()
        if created:
            directory = os.open(self.archive_dir, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        return size

    @staticmethod
    def _set_aside_uncommitted(path: Path, committed: int) -> None:
        with open(path, "rb") as archive:
            archive.seek(committed)
            tail = archive.read()
        aside = path.with_name(
            f"{path.name.removesuffix('.ndjson.gz')}.uncommitted-{times.now_us()}"
        )
        with open(aside, "wb") as kept:
            kept.write(tail)
            kept.flush()
            os.fsync(kept.fileno())


def read_archive(archive_dir: Path, day: str, record: DayRecord) -> list[bytes]:
    """The day's lines up to the committed length, checked against the record."""
    path = archive_path(archive_dir, day)
    try:
        with open(path, "rb") as archive:
            data = archive.read(record.bytes)
    except FileNotFoundError as exc:
        raise ArchiveError(f"{path} is missing ({record.rows} rows were archived there)") from exc
    if len(data) < record.bytes:
        raise ArchiveError(f"{path} holds {len(data)} bytes, {record.bytes} were written")
    try:
        lines = gzip.decompress(data).splitlines(keepends=True)
    except (OSError, EOFError) as exc:
        raise ArchiveError(f"{path} is damaged: {exc}") from exc
    if len(lines) != record.rows:
        raise ArchiveError(f"{path} holds {len(lines)} rows, {record.rows} were archived")
    if chain(CHAIN_START, lines) != record.sha256:
        raise ArchiveError(f"{path} does not hold the rows archived (checksum differs)")
    return lines


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    imported: int


def import_archive(database_path: Path, day: str) -> ImportResult:
    """Load a day's archive into archived_logs (rows already there are kept, not doubled)."""
    if not DAY_FORMAT.match(day):
        raise ArchiveError(f"a day is written YYYY-MM-DD, not {day!r}")
    archive_dir = database_path.parent / ARCHIVE_DIR
    conn = connect(database_path)
    try:
        record = read_day(conn, day)
        if record is None:
            raise ArchiveError(f"retention archived no row of {day}")
        rows = [orjson.loads(line) for line in read_archive(archive_dir, day, record)]
        before = conn.total_changes
        with write_transaction(conn):
            conn.executemany(INSERT_ARCHIVED, rows)
        return ImportResult(rows=len(rows), imported=conn.total_changes - before)
    finally:
        conn.close()


@dataclass(frozen=True, slots=True)
class ExpiredDay:
    day: str
    rows: int
    files: tuple[str, ...]


def oldest_day_kept(now_us: int, keep_days: int) -> str:
    return day_of(now_us - keep_days * MICROS_PER_DAY)


def expire_days(
    conn: sqlite3.Connection, archive_dir: Path, keep_days: int, now_us: int
) -> list[ExpiredDay]:
    """Delete the archives of the days older than `keep_days` (0: none), a day at a time.

    The files go first, inside the day's transaction: a crash before the commit leaves an entry
    whose file is missing (import-archive says so) until the next pass removes it, never a file
    no entry names."""
    if keep_days <= 0:
        return []
    before = oldest_day_kept(now_us, keep_days)
    expired = []
    for day, rows in conn.execute(READ_DAYS_BEFORE, {"before": before}).fetchall():
        with write_transaction(conn):
            paths = [archive_path(archive_dir, day), *uncommitted_paths(archive_dir, day)]
            removed = []
            for path in paths:
                try:
                    path.unlink()
                except FileNotFoundError:
                    continue
                removed.append(path.name)
            conn.execute(DELETE_DAY, {"day": day})
        expired.append(ExpiredDay(day=day, rows=rows, files=tuple(removed)))
        record_system_audit(
            "log_archive_expired",
            target=f"log-archive:{day}",
            rows=rows,
            files=list(removed),
            keep_days=keep_days,
        )
    return expired
