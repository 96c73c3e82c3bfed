"""The background-service base: lifecycle, failures retried and logged at a bounded rate,
health, and a stop asked for from inside a retry loop."""

from __future__ import annotations

import logging
import threading

import pytest

from control_plane.background_service import BackgroundService, ServiceStopped
from tests.logtools import wait_until

logger = logging.getLogger("tests.background_service")


class Counting(BackgroundService):
    """Counts cycles; the first `failures` cycles raise, a cycle with `stop_inside` set raises
    ServiceStopped the way a store's retry loop does."""

    thread_name = "test-counting"
    logger = logger
    failure_message = "counting failed; retrying"
    failure_event = "counting_error"

    def __init__(self, failures: int = 0) -> None:
        super().__init__()
        self.failures_left = failures
        self.cycles = 0
        self.opened = self.closed = self.recovered = 0
        self.stop_inside = False
        self.threads: set[str] = set()
        self._wake = threading.Event()

    def open(self) -> None:
        self.opened += 1

    def cycle(self) -> bool:
        self.threads.add(threading.current_thread().name)
        self.cycles += 1
        if self.stop_inside:
            raise ServiceStopped
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("database is on fire")
        return False

    def after_failure(self) -> None:
        self.recovered += 1

    def idle(self) -> None:
        self._wake.wait(0.01)
        self._wake.clear()

    def interrupt_idle(self) -> None:
        self._wake.set()

    def close(self) -> None:
        self.closed += 1


def test_start_twice_runs_one_thread_and_stop_is_idempotent() -> None:
    service = Counting()
    service.start()
    service.start()
    try:
        assert wait_until(lambda: service.cycles >= 3)
        assert service.running
        assert service.threads == {"test-counting"}
    finally:
        service.stop()
    service.stop()
    assert not service.running
    assert (service.opened, service.closed) == (1, 1)
    service.start()
    service.stop()
    assert (service.opened, service.closed) == (2, 2)


def test_a_failing_cycle_is_retried_counted_and_logged_once_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger=logger.name)
    service = Counting(failures=5)
    service.start()
    try:
        assert wait_until(lambda: service.cycles > 5)
    finally:
        service.stop()
    health = service.health()
    assert health.failures == 5 and health.last_failure_at is not None
    assert not health.running
    assert service.recovered == 5
    logged = [r for r in caplog.records if getattr(r, "event", None) == "counting_error"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None and "on fire" in str(logged[0].exc_info[1])


def test_without_a_rate_limit_every_failure_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    class Unthrottled(Counting):
        failure_log_seconds = 0.0

    caplog.set_level(logging.ERROR, logger=logger.name)
    service = Unthrottled(failures=3)
    service.start()
    try:
        assert wait_until(lambda: service.cycles > 3)
    finally:
        service.stop()
    assert sum(getattr(r, "event", None) == "counting_error" for r in caplog.records) == 3


def test_service_stopped_ends_the_thread_quietly_and_closes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.ERROR, logger=logger.name)
    service = Counting()
    service.stop_inside = True
    service.start()
    assert wait_until(lambda: not service.running)
    assert service.cycles == 1 and service.closed == 1
    assert service.health().failures == 0
    assert not caplog.records
    service.stop()


def test_stop_wakes_a_long_idle_at_once() -> None:
    class Sleepy(Counting):
        def idle(self) -> None:
            self._wake.wait(60)

    service = Sleepy()
    service.start()
    assert wait_until(lambda: service.cycles == 1)
    stopped = threading.Event()

    def stop() -> None:
        service.stop(timeout=30)
        stopped.set()

    threading.Thread(target=stop).start()
    assert stopped.wait(5)
    assert not service.running
