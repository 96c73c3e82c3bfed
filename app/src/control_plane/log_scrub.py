"""What every logged string goes through before it is written: credentials redacted, control
characters escaped, so no sink holds a secret and one event is always one line and one row.

Used by the JSON formatter (our lines and uvicorn's, file and stdout) and by the browser log
batch endpoint (rows written straight to backend_logs).
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"

# Field names whose whole value is a credential (compared lower case, "-" read as "_").
SENSITIVE_FIELDS = frozenset(
    {
        "token",
        "ticket",
        "access_token",
        "refresh_token",
        "authorization",
        "proxy_authorization",
        "cookie",
        "set_cookie",
        "x_api_key",
        "api_key",
        "password",
        "current_password",
        "new_password",
        "secret",
        "jwt_secret",
    }
)

_NAMES = r"(?:access_token|refresh_token|id_token|token|ticket|x-api-key|api_key|apikey|password)"
# name=value in a URL or form (also percent-encoded "="), name: value or "name": "value".
_KEY_VALUE = re.compile(
    rf"(?i)(\b{_NAMES}\b[\"']?\s*(?:=|%3D|:)\s*[\"']?)(?!\[REDACTED\])([^\s&\"',;}}\]]+)",
)
# Header lines or dict entries: Authorization / Cookie carry spaces and ";" in their values.
_HEADER_VALUE = re.compile(
    r"(?i)(\b(?:proxy-)?authorization\b[\"']?\s*[:=]\s*[\"']?|\b(?:set-)?cookie\b[\"']?\s*[:=]\s*[\"']?)"
    r"(?!\[REDACTED\])([^\"'\r\n}\]]+)"
)
# A JWT wherever it appears, whatever it is called.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
# C0, DEL, C1, line/paragraph separators and bidirectional overrides.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_EXCEPT_LAYOUT = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def redact(text: str) -> str:
    """Credential values in free text replaced by [REDACTED]."""
    if not text:
        return text
    text = _HEADER_VALUE.sub(lambda m: m.group(1) + REDACTED, text)
    text = _KEY_VALUE.sub(lambda m: m.group(1) + REDACTED, text)
    return _JWT.sub(REDACTED, text)


def scrub_text(text: str, *, keep_layout: bool = False) -> str:
    """Redacted, with control characters escaped (`keep_layout` keeps newlines and tabs, for
    tracebacks, which stay inside one JSON string anyway)."""
    pattern = _CONTROL_EXCEPT_LAYOUT if keep_layout else _CONTROL
    return pattern.sub(_escape, redact(text))


def is_sensitive_field(name: str) -> bool:
    return name.lower().replace("-", "_") in SENSITIVE_FIELDS


def scrub_value(value: Any) -> Any:
    """Strings scrubbed, containers walked, credential-named entries redacted whole."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            scrub_text(str(key)): REDACTED if is_sensitive_field(str(key)) else scrub_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub_text(str(value))
