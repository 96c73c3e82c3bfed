"""LogTailService: runs the tailer of one log file in its own thread until stopped."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from control_plane.background_service import BackgroundService
from control_plane.logs.directory_watch import DirectoryWatch
from control_plane.logs.tail_store import TailStore
from control_plane.logs.tailed_logs import TailedLog
from control_plane.logs.tailer import LogTailer

logger = logging.getLogger("control_plane.logs.tail_service")

BATCHES_PER_CYCLE = 8
HEARTBEAT_SECONDS = 5.0
SUMMARY_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class TailStats:
    running: bool
    lines_ingested: int
    parse_errors: int
    lag_bytes: int
    last_ingest_at_us: int | None
    uses_inotify: bool
    lock_retries: int


class LogTailService(BackgroundService):
    thread_name = "log-tail"
    logger = logger
    failure_message = "log tailing failed; retrying"
    failure_event = "log_tail_error"

    def __init__(
        self,
        *,
        log: TailedLog,
        database_path: Path,
        batch_size: int,
        poll_interval: float,
        rotation_grace_seconds: float | None = None,
        busy_timeout_ms: int = 5000,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.on_commit = on_commit
        self.log = log
        self.log_path = log.path
        self.database_path = database_path
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.rotation_grace_seconds = (
            rotation_grace_seconds
            if rotation_grace_seconds is not None
            else max(1.0, 2 * poll_interval)
        )
        self.busy_timeout_ms = busy_timeout_ms
        self._tailer: LogTailer | None = None
        self._store: TailStore | None = None
        self._watch: DirectoryWatch | None = None
        self._lag_bytes = 0
        self._uses_inotify = False
        self._last_heartbeat = self._last_summary = 0.0
        self._lines_at_summary = 0
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)

    def stats(self) -> TailStats:
        tailer = self._tailer
        return TailStats(
            running=self.running,
            lines_ingested=tailer.counters.lines if tailer else 0,
            parse_errors=tailer.counters.parse_errors if tailer else 0,
            lag_bytes=self._lag_bytes,
            last_ingest_at_us=tailer.last_ingest_at_us if tailer else None,
            uses_inotify=self._uses_inotify,
            lock_retries=self._store.lock_retries if self._store else 0,
        )

    def interrupt_idle(self) -> None:
        os.write(self._wake_write, b"x")

    def open(self) -> None:
        self._drain_wake_pipe()
        self._store = TailStore(
            self.database_path,
            self.log.stream,
            source=self.log.source,
            busy_timeout_ms=self.busy_timeout_ms,
            stop_event=self._stop_event,
        )
        self._tailer = LogTailer(
            self.log_path,
            self._store,
            batch_size=self.batch_size,
            rotation_grace_seconds=self.rotation_grace_seconds,
            lines=self.log.lines,
        )
        self._last_heartbeat = self._last_summary = 0.0
        self._lines_at_summary = 0

    def cycle(self) -> bool:
        tailer, store = self._require_open()
        if self._watch is None and self.log_path.parent.is_dir():
            self._watch = DirectoryWatch.create(self.log_path.parent)
            self._uses_inotify = self._watch is not None
        written = tailer.ingest_available(max_batches=BATCHES_PER_CYCLE)
        if written and self.on_commit is not None:
            self.on_commit()
        self._lag_bytes = tailer.lag_bytes()
        now = time.monotonic()
        if now - self._last_heartbeat >= HEARTBEAT_SECONDS:
            store.heartbeat(self._lag_bytes)
            self._last_heartbeat = now
        if now - self._last_summary >= SUMMARY_SECONDS:
            self._log_summary(tailer)
            self._last_summary = now
        return written >= BATCHES_PER_CYCLE * self.batch_size

    def _log_summary(self, tailer: LogTailer) -> None:
        # At most one line a minute, so the tailer's own logs stay bounded.
        if tailer.counters.lines > self._lines_at_summary:
            logger.info(
                "ingested %d log lines (%d parse errors so far)",
                tailer.counters.lines - self._lines_at_summary,
                tailer.counters.parse_errors,
                extra={
                    "event": "log_tail_summary",
                    "source": self.log.source,
                    "lag_bytes": self._lag_bytes,
                },
            )
        self._lines_at_summary = tailer.counters.lines

    def after_failure(self) -> None:
        if self._tailer is not None:
            self._tailer.close()

    def idle(self) -> None:
        if self._watch is not None:
            self._watch.wait(self.poll_interval, self._wake_read)
        else:
            self._stop_event.wait(self.poll_interval)

    def close(self) -> None:
        if self._tailer is not None:
            self._tailer.close()
        if self._store is not None:
            self._store.close()
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def _drain_wake_pipe(self) -> None:
        """A stop's wake-up byte left in the pipe would cut the next run's first wait short."""
        try:
            while os.read(self._wake_read, 64):
                pass
        except BlockingIOError:
            pass

    def _require_open(self) -> tuple[LogTailer, TailStore]:
        if self._tailer is None or self._store is None:
            raise RuntimeError("the tail service's thread has not opened its store")
        return self._tailer, self._store
