"""FullTextIndexService: keeps the FTS5 index a little behind ingestion, on its own thread.

Indexing runs as one INSERT ... SELECT per step, inside SQLite with the GIL released, so it
overlaps with the tailer parsing its next batch instead of slowing it down.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from control_plane.logs.tail_store import TailStopped, TailStore

logger = logging.getLogger("control_plane.logs.full_text")

ROWS_PER_TRANSACTION = 20_000
ERROR_LOG_SECONDS = 30.0


class FullTextIndexService:
    def __init__(self, *, database_path: Path, poll_interval: float = 0.2) -> None:
        self.database_path = database_path
        self.poll_interval = poll_interval
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self._progress = threading.Condition()
        self._requested = 0
        self._completed = 0
        self._thread: threading.Thread | None = None
        self.rows_indexed = 0

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop_event.clear()
        self._thread = threading.Thread(target=self._run, name="backend-log-fts", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

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

    def _run(self) -> None:
        store = TailStore(self.database_path, "full-text", stop_event=self._stop_event)
        last_error = 0.0
        try:
            while not self._stop_event.is_set():
                with self._progress:
                    generation = self._requested
                    self._wake.clear()
                try:
                    indexed = store.index_full_text(ROWS_PER_TRANSACTION)
                except TailStopped:
                    break
                except Exception:
                    now = time.monotonic()
                    if now - last_error >= ERROR_LOG_SECONDS:
                        logger.exception(
                            "full-text indexing failed; retrying",
                            extra={"event": "log_fts_error"},
                        )
                        last_error = now
                    indexed = -1
                self.rows_indexed += max(indexed, 0)
                if indexed == 0:
                    with self._progress:
                        self._completed = max(self._completed, generation)
                        self._progress.notify_all()
                if indexed <= 0:
                    self._wake.wait(self.poll_interval)
        finally:
            store.close()
