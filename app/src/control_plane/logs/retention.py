"""BackendLogRetentionService: deletes expired rows in short transactions and gives the
space back with incremental vacuum. It never checkpoints: the WAL it writes is taken back by
the database's one WalCheckpointer (logs.checkpoints), so no writer waits behind a checkpoint
that retention asked for."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, delete, literal_column, select

from control_plane import times
from control_plane.background_service import BackgroundService
from control_plane.db.schema import backend_logs
from control_plane.db.sqlite import JOURNAL_SIZE_LIMIT_BYTES, connect
from control_plane.db.statements import sqlite3_text
from control_plane.logs import correlations, fts, volume
from control_plane.logs.archive import (
    ARCHIVE_DIR,
    COLUMNS,
    CORRELATION,
    ArchiveWriter,
    ExpiredDay,
    expire_days,
)
from control_plane.logs.checkpoints import WalCheckpointer, lock_free_pause
from control_plane.times import MICROS_PER_DAY

logger = logging.getLogger("control_plane.logs.retention")

TARGET_TRANSACTION_SECONDS = 0.05
MIN_BATCH_ROWS = 50
MAX_BATCH_ROWS = 5000
MIN_VACUUM_PAGES = 64
MAX_VACUUM_PAGES = 2000
# Retention rewrites many pages; the checkpointer (logs.checkpoints) restarts the WAL long
# before this. Should a reader hold it past that (a long export), retention waits, without a
# lock, until the WAL is back under it, and after MAX_WAL_WAIT_SECONDS goes on anyway.
WAL_SOFT_LIMIT_BYTES = JOURNAL_SIZE_LIMIT_BYTES
WAL_WAIT_STEP_SECONDS = 0.05
MAX_WAL_WAIT_SECONDS = 60.0

READ_WATERMARK = sqlite3_text(fts.READ_WATERMARK)
OLDEST_BEFORE = sqlite3_text(
    select(*backend_logs.columns)
    .where(backend_logs.c.ts < bindparam("cutoff"))
    .order_by(backend_logs.c.ts)
    .limit(bindparam("limit"))
    # Without an offset SQLite's compiler adds OFFSET as a parameter.
    .offset(literal_column("0"))
)
UNINDEX_ROW = sqlite3_text(fts.UNINDEX_ROW, positional=("rowid", "message", "payload"))
DELETE_ROW = sqlite3_text(
    delete(backend_logs).where(backend_logs.c.id == bindparam("id")), positional=("id",)
)
FORGET_CORRELATION = sqlite3_text(correlations.FORGET_UNUSED)


@dataclass(frozen=True, slots=True)
class PruneResult:
    deleted_rows: int
    transactions: int
    longest_transaction_seconds: float
    freed_pages: int
    # Days whose archives were older than archive_keep_days, deleted.
    expired_archive_days: tuple[ExpiredDay, ...] = ()


def retention_cutoff_us(now_us: int, retention_days: int) -> int:
    return now_us - retention_days * MICROS_PER_DAY


def next_batch_size(current: int, elapsed_seconds: float) -> int:
    """Keep each delete transaction near the target so writers never wait long."""
    if elapsed_seconds > TARGET_TRANSACTION_SECONDS:
        return max(MIN_BATCH_ROWS, current // 2)
    if elapsed_seconds < TARGET_TRANSACTION_SECONDS / 3:
        return min(MAX_BATCH_ROWS, current * 2)
    return current


MESSAGE = COLUMNS.index("message")
PAYLOAD = COLUMNS.index("payload")


class LogPruner:
    """Deletes expired rows, archiving each batch first (logs.archive) unless `archive` is off,
    then the archives of days older than `archive_keep_days` (0: kept forever)."""

    def __init__(
        self,
        database_path: Path,
        *,
        archive: bool = True,
        archive_keep_days: int = 0,
        stop_event: threading.Event | None = None,
    ) -> None:
        self.database_path = database_path
        self.archive_dir = database_path.parent / ARCHIVE_DIR
        self.archive_keep_days = archive_keep_days
        self._archive = ArchiveWriter(self.archive_dir) if archive else None
        self._stop_event = stop_event or threading.Event()

    def prune(self, retention_days: int, *, now_us: int | None = None) -> PruneResult:
        now_us = now_us or times.now_us()
        cutoff = retention_cutoff_us(now_us, retention_days)
        # The checkpoints are the pipeline's (or, with no pipeline running, this pass's own).
        checkpointer = WalCheckpointer(self.database_path)
        checkpointer.start()
        try:
            return self._prune(cutoff, now_us)
        finally:
            checkpointer.stop()

    def _prune(self, cutoff: int, now_us: int) -> PruneResult:
        conn = connect(self.database_path, auto_checkpoint=False)
        batch = 500
        deleted = transactions = 0
        longest = 0.0
        try:
            while not self._stop_event.is_set():
                started = time.perf_counter()
                removed = self._delete_batch(conn, cutoff, batch)
                elapsed = time.perf_counter() - started
                longest = max(longest, elapsed)
                if removed == 0:
                    break
                deleted += removed
                transactions += 1
                batch = next_batch_size(batch, elapsed)
                self._stop_event.wait(lock_free_pause(elapsed))
                self._wait_for_wal_room()
            freed = self._vacuum(conn) if deleted else 0
            expired = expire_days(conn, self.archive_dir, self.archive_keep_days, now_us)
        finally:
            conn.close()
        return PruneResult(deleted, transactions, longest, freed, tuple(expired))

    def _delete_batch(self, conn: sqlite3.Connection, cutoff_us: int, limit: int) -> int:
        conn.execute("BEGIN IMMEDIATE")
        try:
            (indexed_through,) = conn.execute(READ_WATERMARK).fetchone()
            rows = conn.execute(OLDEST_BEFORE, {"cutoff": cutoff_us, "limit": limit}).fetchall()
            if rows:
                if self._archive is not None:
                    self._archive.write(conn, rows)
                conn.executemany(
                    UNINDEX_ROW,
                    [
                        (row[0], row[MESSAGE], row[PAYLOAD])
                        for row in rows
                        if row[0] <= indexed_through
                    ],
                )
                volume.uncount_deleted(conn, rows)
                conn.executemany(DELETE_ROW, [(r[0],) for r in rows])
                ids = {row[CORRELATION] for row in rows} - {None}
                conn.executemany(FORGET_CORRELATION, [{"id": value} for value in ids])
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return len(rows)

    def _wait_for_wal_room(self) -> None:
        wal = Path(f"{self.database_path}-wal")
        deadline = time.monotonic() + MAX_WAL_WAIT_SECONDS
        while not self._stop_event.is_set() and time.monotonic() < deadline:
            try:
                if wal.stat().st_size <= WAL_SOFT_LIMIT_BYTES:
                    return
            except FileNotFoundError:
                return
            self._stop_event.wait(WAL_WAIT_STEP_SECONDS)

    def _vacuum(self, conn: sqlite3.Connection) -> int:
        freed = 0
        pages = 256
        while not self._stop_event.is_set():
            (free_pages,) = conn.execute("PRAGMA freelist_count").fetchone()
            if free_pages == 0:
                break
            started = time.perf_counter()
            # execute() steps this pragma once (one page); executescript runs it to the end.
            conn.executescript(f"PRAGMA incremental_vacuum({pages});")
            elapsed = time.perf_counter() - started
            (left,) = conn.execute("PRAGMA freelist_count").fetchone()
            freed += free_pages - left
            pages = adjust_vacuum_pages(pages, elapsed)
            self._stop_event.wait(lock_free_pause(elapsed))
            self._wait_for_wal_room()
        return freed


def adjust_vacuum_pages(current: int, elapsed_seconds: float) -> int:
    if elapsed_seconds > TARGET_TRANSACTION_SECONDS:
        return max(MIN_VACUUM_PAGES, current // 2)
    if elapsed_seconds < TARGET_TRANSACTION_SECONDS / 3:
        return min(MAX_VACUUM_PAGES, current * 2)
    return current


class BackendLogRetentionService(BackgroundService):
    """Prunes at start and then every `interval_seconds` in its own thread."""

    thread_name = "backend-log-retention"
    logger = logger
    failure_message = "log retention pass failed"
    failure_event = "log_retention_error"
    # A pass runs once an interval, so every failed one is worth its traceback.
    failure_log_seconds = 0.0

    def __init__(
        self,
        *,
        database_path: Path,
        retention_days: int,
        archive: bool = True,
        archive_keep_days: int = 0,
        interval_seconds: float = 3600.0,
    ) -> None:
        super().__init__()
        self.retention_days = retention_days
        self.interval_seconds = interval_seconds
        self._pruner = LogPruner(
            database_path,
            archive=archive,
            archive_keep_days=archive_keep_days,
            stop_event=self._stop_event,
        )
        self.last_result: PruneResult | None = None
        self.last_run_at: float | None = None

    def cycle(self) -> bool:
        self.last_result = self._pruner.prune(self.retention_days)
        self.last_run_at = time.time()
        if self.last_result.deleted_rows:
            logger.info(
                "deleted %d expired log rows",
                self.last_result.deleted_rows,
                extra={"event": "log_retention_pass"},
            )
        return False

    def idle(self) -> None:
        self._stop_event.wait(self.interval_seconds)
