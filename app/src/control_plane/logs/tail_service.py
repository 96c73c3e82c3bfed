"""BackendLogTailService: runs the tailer in its own thread until stopped."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from control_plane.logs.directory_watch import DirectoryWatch
from control_plane.logs.tail_store import TailStopped, TailStore
from control_plane.logs.tailer import LogTailer

logger = logging.getLogger("control_plane.logs.tail_service")

BATCHES_PER_CYCLE = 8
HEARTBEAT_SECONDS = 5.0
SUMMARY_SECONDS = 60.0
ERROR_LOG_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class TailStats:
    running: bool
    lines_ingested: int
    parse_errors: int
    lag_bytes: int
    last_ingest_at_us: int | None
    uses_inotify: bool
    lock_retries: int


class BackendLogTailService:
    def __init__(
        self,
        *,
        log_path: Path,
        database_path: Path,
        batch_size: int,
        poll_interval: float,
        rotation_grace_seconds: float | None = None,
        busy_timeout_ms: int = 5000,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.on_commit = on_commit
        self.log_path = log_path
        self.database_path = database_path
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.rotation_grace_seconds = (
            rotation_grace_seconds
            if rotation_grace_seconds is not None
            else max(1.0, 2 * poll_interval)
        )
        self.busy_timeout_ms = busy_timeout_ms
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._tailer: LogTailer | None = None
        self._store: TailStore | None = None
        self._lag_bytes = 0
        self._uses_inotify = False
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop_event.clear()
        try:
            while os.read(self._wake_read, 64):
                pass
        except BlockingIOError:
            pass
        self._thread = threading.Thread(target=self._run, name="backend-log-tail", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        os.write(self._wake_write, b"x")
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

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

    def _run(self) -> None:
        store = TailStore(
            self.database_path,
            str(self.log_path),
            busy_timeout_ms=self.busy_timeout_ms,
            stop_event=self._stop_event,
        )
        tailer = LogTailer(
            self.log_path,
            store,
            batch_size=self.batch_size,
            rotation_grace_seconds=self.rotation_grace_seconds,
        )
        self._store, self._tailer = store, tailer
        watch: DirectoryWatch | None = None
        last_heartbeat = last_summary = last_error = 0.0
        lines_at_summary = 0
        try:
            while not self._stop_event.is_set():
                if watch is None and self.log_path.parent.is_dir():
                    watch = DirectoryWatch.create(self.log_path.parent)
                    self._uses_inotify = watch is not None
                caught_up = True
                try:
                    written = tailer.ingest_available(max_batches=BATCHES_PER_CYCLE)
                    caught_up = written < BATCHES_PER_CYCLE * self.batch_size
                    if written and self.on_commit is not None:
                        self.on_commit()
                    self._lag_bytes = tailer.lag_bytes()
                    now = time.monotonic()
                    if now - last_heartbeat >= HEARTBEAT_SECONDS:
                        store.heartbeat(self._lag_bytes)
                        last_heartbeat = now
                    if now - last_summary >= SUMMARY_SECONDS:
                        # At most one line a minute, so the tailer's own logs stay bounded.
                        if tailer.counters.lines > lines_at_summary:
                            logger.info(
                                "ingested %d log lines (%d parse errors so far)",
                                tailer.counters.lines - lines_at_summary,
                                tailer.counters.parse_errors,
                                extra={"event": "log_tail_summary", "lag_bytes": self._lag_bytes},
                            )
                        lines_at_summary = tailer.counters.lines
                        last_summary = now
                except TailStopped:
                    break
                except Exception:
                    now = time.monotonic()
                    if now - last_error >= ERROR_LOG_SECONDS:
                        logger.exception(
                            "log tailing failed; retrying", extra={"event": "log_tail_error"}
                        )
                        last_error = now
                    tailer.close()
                    caught_up = True
                if caught_up:
                    if watch is not None:
                        watch.wait(self.poll_interval, self._wake_read)
                    else:
                        self._stop_event.wait(self.poll_interval)
        finally:
            tailer.close()
            store.close()
            if watch is not None:
                watch.close()
