"""The request's correlation id, carried in a context variable so tasks it starts inherit it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)

MAX_REQUEST_ID_LENGTH = 128
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@+=/-]{1,128}$")


def accept_request_id(candidate: str | None) -> str:
    """Keep a client's X-Request-ID if it is short and made of safe characters, else mint one."""
    if candidate and SAFE_REQUEST_ID.match(candidate):
        return candidate
    return uuid.uuid4().hex


@contextmanager
def new_correlation_id(prefix: str) -> Iterator[str]:
    """Bind a fresh id for work no request started (an engine tick), for its log lines."""
    token = correlation_id_var.set(f"{prefix}-{uuid.uuid4().hex[:16]}")
    try:
        yield correlation_id_var.get() or ""
    finally:
        correlation_id_var.reset(token)
