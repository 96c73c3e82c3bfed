"""Failed sign-in attempts, counted in this process's memory, in two sliding windows.

Per (username, client address): 5 failures in 60 s hold that pair back (guessing one
password). Per client address across usernames: 20 failures in 10 minutes hold the address
back (spraying one password over many names). The stack runs one backend process; with
several workers each would count on its own, so the limits would be per worker.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable

MAX_TRACKED_KEYS = 100_000


class FailureWindow:
    """At most `max_failures` failures per key within the last `window_seconds`."""

    def __init__(self, max_failures: int, window_seconds: float, clock: Callable[[], float]):
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self._failures: dict[Hashable, deque[float]] = {}

    def _recent(self, key: Hashable, now: float) -> deque[float] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def retry_after(self, key: Hashable) -> int | None:
        """Whole seconds until another attempt is allowed, or None if it is allowed now."""
        now = self._clock()
        failures = self._recent(key, now)
        if failures is None or len(failures) < self.max_failures:
            return None
        oldest_counted = failures[-self.max_failures]
        return max(1, math.ceil(oldest_counted + self.window_seconds - now))

    def record_failure(self, key: Hashable) -> None:
        now = self._clock()
        if len(self._failures) >= MAX_TRACKED_KEYS:
            self._forget_expired(now)
        self._failures.setdefault(key, deque()).append(now)

    def forget(self, key: Hashable) -> None:
        self._failures.pop(key, None)

    def _forget_expired(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)


class LoginThrottle:
    def __init__(
        self,
        max_failures: int = 5,
        window_seconds: float = 60.0,
        max_address_failures: int = 20,
        address_window_seconds: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_pair = FailureWindow(max_failures, window_seconds, clock)
        self._per_address = FailureWindow(max_address_failures, address_window_seconds, clock)

    def retry_after(self, username: str, address: str) -> int | None:
        """Whole seconds until another attempt is allowed, or None if it is allowed now."""
        waits = [
            wait
            for wait in (
                self._per_pair.retry_after((username, address)),
                self._per_address.retry_after(address),
            )
            if wait is not None
        ]
        return max(waits) if waits else None

    def record_failure(self, username: str, address: str) -> None:
        self._per_pair.record_failure((username, address))
        self._per_address.record_failure(address)

    def record_success(self, username: str, address: str) -> None:
        """Only this (username, address) pair starts afresh: a sprayer who knows one password
        keeps the failures of the other names against their address."""
        self._per_pair.forget((username, address))
