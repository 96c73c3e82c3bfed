"""Delta's request signature, as pure functions (docs.delta.exchange, "Signing a Message")."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlencode

# Delta refuses a request whose `timestamp` header is more than this many seconds old.
SIGNATURE_WINDOW_SECONDS = 5


def query_string(params: Mapping[str, object] | None) -> str:
    """The query exactly as sent and signed: `?a=1&b=2`, or empty when there are none."""
    if not params:
        return ""
    present = {key: value for key, value in params.items() if value is not None}
    return f"?{urlencode(present)}" if present else ""


def signature(
    secret: str, method: str, timestamp: str, path: str, query: str = "", body: str = ""
) -> str:
    """Hex HMAC-SHA256 of method + timestamp + path + query (with its `?`) + body."""
    payload = f"{method.upper()}{timestamp}{path}{query}{body}"
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
