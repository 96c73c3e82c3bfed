"""Failed sign-in attempts per (username, client address), in this process's memory.

The stack runs one backend process; with several workers each would count on its own, so
the limit would be per worker.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

MAX_TRACKED_KEYS = 100_000


class LoginThrottle:
    def __init__(
        self,
        max_failures: int = 5,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str], now: float) -> deque[float] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def retry_after(self, username: str, address: str) -> int | None:
        """Whole seconds until another attempt is allowed, or None if it is allowed now."""
        now = self._clock()
        failures = self._recent((username, address), now)
        if failures is None or len(failures) < self.max_failures:
            return None
        oldest_counted = failures[-self.max_failures]
        return max(1, math.ceil(oldest_counted + self.window_seconds - now))

    def record_failure(self, username: str, address: str) -> None:
        now = self._clock()
        if len(self._failures) >= MAX_TRACKED_KEYS:
            self._forget_expired(now)
        self._failures.setdefault((username, address), deque()).append(now)

    def record_success(self, username: str, address: str) -> None:
        """Only this (username, address) pair starts afresh; other pairs keep their count."""
        self._failures.pop((username, address), None)

    def _forget_expired(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
