"""The one polling loop of the app's tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll(condition: Callable[[], T], *, timeout: float, interval: float) -> T:
    """condition() again every `interval` seconds until it is truthy or `timeout` has passed;
    its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)
