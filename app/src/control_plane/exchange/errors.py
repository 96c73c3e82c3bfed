"""What the Delta client raises."""

from __future__ import annotations

from typing import Any


class DeltaError(Exception):
    """Base class for every failure of a Delta request."""


class DeltaApiError(DeltaError):
    """Delta answered with an error (`{"success": false, "error": {"code": ...}}`)."""

    def __init__(
        self, code: str, status: int, context: Any = None, *, after_retry: bool = False
    ) -> None:
        super().__init__(f"Delta error {code!r} (HTTP {status})")
        self.code = code
        self.status = status
        self.context = context
        # The answer to a resent request: an earlier attempt may have been carried out.
        self.after_retry = after_retry


class DeltaUnavailable(DeltaError):
    """No usable answer after the bounded retries (timeouts, 5xx, rate limits)."""


class DeltaOutcomeUnknown(DeltaError):
    """A request that must not be resent blindly may or may not have been carried out."""


class DeltaNotConfigured(DeltaError):
    """A private endpoint was called without DELTA_API_KEY / DELTA_API_SECRET."""
