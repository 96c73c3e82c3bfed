"""BackendLogRetentionService: deletes expired rows in short transactions and gives the
space back with incremental vacuum. It never checkpoints: the WAL it writes is taken back by
the database's one WalCheckpointer (logs.checkpoints), so no writer waits behind a checkpoint
that retention asked for. A batch's rows are read and archived (written and fsynced) before its
transaction begins, so the write lock is held only for the delete itself; one pass at a time
per database (the database lock `log-retention`)."""

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
from control_plane.db.database_lock import DatabaseLock
from control_plane.db.schema import backend_logs
from control_plane.db.sqlite import JOURNAL_SIZE_LIMIT_BYTES, connect
from control_plane.db.statements import sqlite3_text
from control_plane.logs import correlations, fts, volume
from control_plane.logs.archive import (
    ARCHIVE_DIR,
    COLUMNS,
    CORRELATION,
    ArchiveMoved,
    ArchiveWriter,
    DayAppend,
    ExpiredDay,
    expire_days,
)
from control_plane.logs.checkpoints import (
    WalCheckpointer,
    lock_free_pause,
    paced_size,
    wal_has_room,
)
from control_plane.times import MICROS_PER_DAY

logger = logging.getLogger("control_plane.logs.retention")

MIN_BATCH_ROWS = 50
# About 50 ms of deletes (full-text tombstones included) on an idle 2-vCPU VM; 2,000-row
# batches held the lock 240-310 ms under a load of 11 (docs/benchmarks.md).
MAX_BATCH_ROWS = 1000
MIN_VACUUM_PAGES = 64
MAX_VACUUM_PAGES = 2000
# Retention rewrites many pages; the checkpointer (logs.checkpoints) starts the WAL over at a
# quarter of the soft limit when the readers let it. While more than 3/8 of it is written and
# not yet copied back (a viewer holding old snapshots), retention waits without a lock, so what
# one more batch or vacuum step writes still fits under it; after MAX_WAL_WAIT_SECONDS (a long
# export) it goes on anyway.
WAL_SOFT_LIMIT_BYTES = JOURNAL_SIZE_LIMIT_BYTES
WAL_ROOM_BYTES = WAL_SOFT_LIMIT_BYTES * 3 // 8
WAL_WAIT_STEP_SECONDS = 0.01
MAX_WAL_WAIT_SECONDS = 60.0
RETENTION_LOCK = "log-retention"
LOCK_WAIT_STEP_SECONDS = 0.1
# Rows deleted meanwhile by another pruner (with its archive off) or an archive entry changed
# under this one: the batch is read again, this many times in a row at most.
MAX_BATCH_RETRIES = 3

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
    # The write lock held by one delete transaction, and the longest COMMIT alone.
    longest_transaction_seconds: float
    freed_pages: int
    # Days whose archives were older than archive_keep_days, deleted.
    expired_archive_days: tuple[ExpiredDay, ...] = ()
    longest_commit_seconds: float = 0.0
    wal_wait_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class BatchTimes:
    rows: int
    held_seconds: float
    commit_seconds: float


class BatchMoved(RuntimeError):
    """The rows read for a batch are not all there to delete any more."""


def retention_cutoff_us(now_us: int, retention_days: int) -> int:
    return now_us - retention_days * MICROS_PER_DAY


def next_batch_size(current: int, elapsed_seconds: float) -> int:
    """Keep each delete transaction near the target so writers never wait long."""
    return paced_size(current, elapsed_seconds, smallest=MIN_BATCH_ROWS, largest=MAX_BATCH_ROWS)


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
        self._lock = DatabaseLock.for_database(database_path, RETENTION_LOCK)
        self._wal_wait_seconds = 0.0

    def prune(self, retention_days: int, *, now_us: int | None = None) -> PruneResult:
        now_us = now_us or times.now_us()
        cutoff = retention_cutoff_us(now_us, retention_days)
        if not self._acquire_lock():
            return PruneResult(0, 0, 0.0, 0)
        # The checkpoints are the pipeline's (or, with no pipeline running, this pass's own).
        checkpointer = WalCheckpointer(self.database_path)
        checkpointer.start()
        try:
            return self._prune(cutoff, now_us)
        finally:
            checkpointer.stop()
            self._lock.release()

    def _acquire_lock(self) -> bool:
        """Wait for another pass (`logs prune` beside the app's service) to finish: two would
        append to the same archive at once. False when stopped meanwhile."""
        while not self._lock.try_acquire():
            if self._stop_event.wait(LOCK_WAIT_STEP_SECONDS):
                return False
        return True

    def _prune(self, cutoff: int, now_us: int) -> PruneResult:
        conn = connect(self.database_path, auto_checkpoint=False)
        batch = 500
        deleted = transactions = retries = 0
        longest = longest_commit = 0.0
        self._wal_wait_seconds = 0.0
        try:
            while not self._stop_event.is_set():
                try:
                    done = self._delete_batch(conn, cutoff, batch)
                except (BatchMoved, ArchiveMoved):
                    retries += 1
                    if retries > MAX_BATCH_RETRIES:
                        raise
                    continue
                retries = 0
                if done is None:
                    break
                longest = max(longest, done.held_seconds)
                longest_commit = max(longest_commit, done.commit_seconds)
                deleted += done.rows
                transactions += 1
                batch = next_batch_size(batch, done.held_seconds)
                self._stop_event.wait(lock_free_pause(done.held_seconds))
                self._wait_for_wal_room()
            freed = self._vacuum(conn) if deleted else 0
            expired = expire_days(conn, self.archive_dir, self.archive_keep_days, now_us)
        finally:
            conn.close()
        return PruneResult(
            deleted,
            transactions,
            longest,
            freed,
            tuple(expired),
            longest_commit_seconds=longest_commit,
            wal_wait_seconds=self._wal_wait_seconds,
        )

    def _delete_batch(
        self, conn: sqlite3.Connection, cutoff_us: int, limit: int
    ) -> BatchTimes | None:
        """Read the oldest expired rows, archive them (fsynced), then delete exactly those in
        one transaction; None when none is left. Rows are never updated, and only a pruner
        deletes them, so the rows read are the rows deleted unless another pruner got there
        first (BatchMoved: nothing is deleted, the bytes written stay past the committed
        length)."""
        rows = conn.execute(OLDEST_BEFORE, {"cutoff": cutoff_us, "limit": limit}).fetchall()
        if not rows:
            return None
        appended: list[DayAppend] = []
        if self._archive is not None:
            appended = self._archive.write(conn, rows)
        conn.execute("BEGIN IMMEDIATE")
        started = time.perf_counter()
        try:
            if self._archive is not None:
                self._archive.commit(conn, appended)
            (indexed_through,) = conn.execute(READ_WATERMARK).fetchone()
            conn.executemany(
                UNINDEX_ROW,
                [(row[0], row[MESSAGE], row[PAYLOAD]) for row in rows if row[0] <= indexed_through],
            )
            volume.uncount_deleted(conn, rows)
            removed = conn.executemany(DELETE_ROW, [(r[0],) for r in rows]).rowcount
            if removed != len(rows):
                raise BatchMoved(
                    f"{len(rows) - removed} of {len(rows)} rows were deleted meanwhile"
                )
            ids = {row[CORRELATION] for row in rows} - {None}
            conn.executemany(FORGET_CORRELATION, [{"id": value} for value in ids])
            committing = time.perf_counter()
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        ended = time.perf_counter()
        return BatchTimes(len(rows), ended - started, ended - committing)

    def _wait_for_wal_room(self) -> None:
        started = time.monotonic()
        while not self._stop_event.is_set() and not wal_has_room(
            self.database_path, WAL_ROOM_BYTES
        ):
            if time.monotonic() - started >= MAX_WAL_WAIT_SECONDS:
                break
            self._stop_event.wait(WAL_WAIT_STEP_SECONDS)
        self._wal_wait_seconds += time.monotonic() - started

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
    return paced_size(current, elapsed_seconds, smallest=MIN_VACUUM_PAGES, largest=MAX_VACUUM_PAGES)


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
