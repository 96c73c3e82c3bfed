"""BackgroundService: a long-running job on its own daemon thread.

It owns the lifecycle (`start()`/`stop()`, idempotent), runs `cycle()` until stopped, keeps
going after a failed cycle (logged at a bounded rate, so a broken database cannot flood the
log the pipeline is ingesting) and reports its health. Subclasses write the work itself.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar


class ServiceStopped(Exception):
    """Raised out of a wait or retry loop once the service is asked to stop."""


@dataclass(frozen=True, slots=True)
class ServiceHealth:
    running: bool
    failures: int
    last_failure_at: float | None


class BackgroundService(ABC):
    thread_name: ClassVar[str]
    logger: ClassVar[logging.Logger]
    failure_message: ClassVar[str]
    failure_event: ClassVar[str]
    # A failing cycle is retried at once; its traceback is logged at most this often.
    failure_log_seconds: ClassVar[float] = 30.0

    def __init__(self) -> None:
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._last_failure_at: float | None = None
        self._last_failure_logged = -math.inf

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop_event.clear()
        self._thread = threading.Thread(target=self._main, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_event.set()
        self.interrupt_idle()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def health(self) -> ServiceHealth:
        return ServiceHealth(self.running, self._failures, self._last_failure_at)

    @abstractmethod
    def cycle(self) -> bool:
        """One unit of work; True when more is waiting, so the next runs without idling."""

    @abstractmethod
    def idle(self) -> None:
        """Wait for more work; must return soon after `interrupt_idle()`."""

    # The hooks below do nothing unless a service needs them.
    def interrupt_idle(self) -> None:  # noqa: B027
        """Wake `idle()` early; called by `stop()` after the stop event is set."""

    def open(self) -> None:  # noqa: B027
        """Runs first in the service thread (connections belong to the thread that uses them)."""

    def close(self) -> None:  # noqa: B027
        """Runs last in the service thread, whatever happened."""

    def after_failure(self) -> None:  # noqa: B027
        """Runs after a failed cycle, before idling (e.g. drop a file handle to reopen it)."""

    def _main(self) -> None:
        try:
            self.open()
            while not self._stop_event.is_set():
                try:
                    more = self.cycle()
                except ServiceStopped:
                    break
                except Exception:
                    self._record_failure()
                    self.after_failure()
                    more = False
                if not more:
                    self.idle()
        finally:
            self.close()

    def _record_failure(self) -> None:
        self._failures += 1
        self._last_failure_at = time.time()
        now = time.monotonic()
        if now - self._last_failure_logged >= self.failure_log_seconds:
            self.logger.exception(self.failure_message, extra={"event": self.failure_event})
            self._last_failure_logged = now
