"""FullTextIndexService: keeps the FTS5 index a little behind ingestion, on its own thread.

Indexing runs as one INSERT ... SELECT per step, inside SQLite with the GIL released, so it
overlaps with the tailer parsing its next batch instead of slowing it down.

Every indexing transaction adds a segment to the index; this thread also merges them (FTS5's
automerge is off, migration 0013), in steps of MERGE_PAGES leaf pages, each its own short
transaction with the lock left free between steps, until no level holds usermerge segments. So no
writer (the tailer, retention, a browser's batch) ever merges, and no transaction merges a level
whole.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from control_plane.background_service import BackgroundService
from control_plane.logs.tail_store import TailStore

logger = logging.getLogger("control_plane.logs.full_text")

ROWS_PER_TRANSACTION = 20_000
MIN_STEP_SECONDS = 0.2
# Leaf pages (4 KB) written by one merge step: its transaction's share of the write lock.
MERGE_PAGES = 256


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
        self._store: TailStore | None = None
        self.rows_indexed = 0
        self.merge_steps = 0

    def notify(self) -> None:
        """Rows were committed; index them soon."""
        with self._progress:
            self._requested += 1
            self._wake.set()

    def wait_caught_up(self, timeout: float | None = None) -> bool:
        """Block until everything committed before this call is indexed."""
        with self._progress:
            target = self._requested
            return self._progress.wait_for(lambda: self._completed >= target, timeout)

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
        merged = self._merge(self._store)
        if indexed == 0 and not merged:
            with self._progress:
                self._completed = max(self._completed, generation)
                self._progress.notify_all()
        return indexed >= ROWS_PER_TRANSACTION

    def _merge(self, store: TailStore) -> bool:
        """Merge steps until there is nothing to merge; True if any step merged."""
        merged = False
        while not self._stop_event.is_set():
            started = time.monotonic()
            if not store.merge_full_text(MERGE_PAGES):
                break
            merged = True
            self.merge_steps += 1
            # Other writers get the lock between steps for at least as long as a step held it.
            self._stop_event.wait(time.monotonic() - started)
        return merged

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
