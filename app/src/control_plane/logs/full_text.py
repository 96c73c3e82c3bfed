"""FullTextIndexService: keeps the FTS5 index a little behind ingestion, on its own thread.

Indexing runs as one INSERT ... SELECT per step, inside SQLite with the GIL released, so it
overlaps with the tailer parsing its next batch instead of slowing it down.

Every indexing transaction adds a segment to the index; this thread also merges them (FTS5's
automerge is off, migration 0013), in steps of at most MERGE_PAGES leaf pages, each its own short
transaction, until no level holds usermerge segments. So no writer (the tailer, retention, a
browser's batch) ever merges, and no transaction merges a level whole. A step's size follows the
write lock it held (checkpoints.paced_size), and the lock is left free before every step, also
right after this thread's indexing: a tailer that waited behind a checkpoint's restart gets in
before a merge step, not after it (docs/benchmarks.md, "Retention during ingestion").
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from control_plane.background_service import BackgroundService
from control_plane.logs.checkpoints import (
    LAST_RESTART_AT_BYTES,
    lock_free_pause,
    paced_size,
    wal_has_room,
)
from control_plane.logs.tail_store import TailStore

logger = logging.getLogger("control_plane.logs.full_text")

ROWS_PER_TRANSACTION = 20_000
MIN_STEP_SECONDS = 0.2
# Leaf pages (4 KB) one merge step writes at most and at least: its transaction's share of the
# write lock. 256 pages held it 100-290 ms under a load of 9.
MERGE_PAGES = 256
MIN_MERGE_PAGES = 16
# Steps between two indexing transactions: 2,048 pages, about four times what a batch of
# ROWS_PER_TRANSACTION rows adds, so merging keeps up with a backlog several levels deep.
MERGE_STEPS_PER_CYCLE = 8
MERGE_WAL_ROOM_BYTES = LAST_RESTART_AT_BYTES
MAX_MERGE_WAL_WAIT_SECONDS = 5.0


class FullTextIndexService(BackgroundService):
    thread_name = "backend-log-fts"
    logger = logger
    failure_message = "full-text indexing failed; retrying"
    failure_event = "log_fts_error"

    def __init__(self, *, database_path: Path, poll_interval: float = 0.2) -> None:
        super().__init__()
        self.database_path = database_path
        self.poll_interval = poll_interval
        self._wake = threading.Event()
        self._progress = threading.Condition()
        self._requested = 0
        self._completed = 0
        self._settled = 0
        self._store: TailStore | None = None
        self.rows_indexed = 0
        self.merge_steps = 0
        self._merged_at_version: int | None = None
        self._merge_pending = False
        self._merge_pages = MERGE_PAGES
        self._wal_full_since: float | None = None

    def notify(self) -> None:
        """Rows were committed; index them soon."""
        with self._progress:
            self._requested += 1
            self._wake.set()

    def wait_caught_up(self, timeout: float | None = None, *, merged: bool = False) -> bool:
        """Block until everything committed before this call is indexed; with `merged`, also
        until its segments are merged as far as the policy asks (a one-shot ingest counts that
        work as its own)."""
        with self._progress:
            target = self._requested
            return self._progress.wait_for(
                lambda: (self._settled if merged else self._completed) >= target, timeout
            )

    def open(self) -> None:
        self._store = TailStore(self.database_path, "full-text", stop_event=self._stop_event)

    def cycle(self) -> bool:
        if self._store is None:
            raise RuntimeError("the full-text service's thread has not opened its store")
        with self._progress:
            generation = self._requested
            self._wake.clear()
        indexed = self._store.index_full_text(ROWS_PER_TRANSACTION)
        self.rows_indexed += indexed
        merged = False
        # Segments come from this thread and from any other writer (retention, a browser's
        # batch); with nothing new since the last merge found nothing, the lock is not taken.
        version = self._store.data_version()
        if indexed or self._merge_pending or version != self._merged_at_version:
            merged, self._merge_pending = self._merge(self._store)
            self._merged_at_version = version
        if indexed == 0:
            with self._progress:
                self._completed = max(self._completed, generation)
                if not merged and not self._merge_pending:
                    self._settled = max(self._settled, generation)
                self._progress.notify_all()
        return indexed >= ROWS_PER_TRANSACTION or self._merge_pending

    def _merge(self, store: TailStore) -> tuple[bool, bool]:
        """Up to MERGE_STEPS_PER_CYCLE merge steps, the lock left free before each, fewer when
        rows arrive; returns whether any merged and whether more may be waiting."""
        merged = False
        for step in range(MERGE_STEPS_PER_CYCLE):
            # Before the first step the last hold was this thread's indexing (or nothing): only
            # the shortest pause, so a writer that waited behind it or a restart gets in.
            held = store.last_hold_seconds if step else 0.0
            if self._stop_event.wait(lock_free_pause(held)):
                return merged, True
            if step and self._wake.is_set():
                # Rows were committed meanwhile: they are indexed before the merge goes on, so
                # a merge backlog (after a bulk load, many steps) never holds search back.
                return merged, True
            if not self._wal_has_room():
                return merged, True
            pages = min(self._merge_pages, MERGE_PAGES)
            if not store.merge_full_text(pages):
                return merged, False
            merged = True
            self.merge_steps += 1
            self._merge_pages = paced_size(
                pages, store.last_hold_seconds, smallest=MIN_MERGE_PAGES, largest=MERGE_PAGES
            )
        return merged, True

    def _wal_has_room(self) -> bool:
        """Merging is deferrable: it waits while the WAL's backlog is past the point where the
        checkpointer's restarts wait longest (a step writes about three times its pages), at
        most MAX_MERGE_WAL_WAIT_SECONDS at a time, so segments never pile up to a crisis merge."""
        if wal_has_room(self.database_path, MERGE_WAL_ROOM_BYTES):
            self._wal_full_since = None
            return True
        now = time.monotonic()
        if self._wal_full_since is None:
            self._wal_full_since = now
        return now - self._wal_full_since >= MAX_MERGE_WAL_WAIT_SECONDS

    def idle(self) -> None:
        # Rows that arrive meanwhile go in one transaction: every transaction adds an FTS5
        # segment, and a run of tiny ones ends in a merge that holds the write lock for long.
        self._stop_event.wait(MIN_STEP_SECONDS)
        self._wake.wait(self.poll_interval)

    def interrupt_idle(self) -> None:
        self._wake.set()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
