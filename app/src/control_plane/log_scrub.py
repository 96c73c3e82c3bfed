"""What every logged string goes through before it is written: credentials redacted, control
characters escaped, so no sink holds a secret and one event is always one line and one row.

Used by the JSON formatter (our lines and uvicorn's, file and stdout) and by the browser log
batch endpoint (rows written straight to backend_logs).
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"
TRACEBACK_FIELD = "exc_info"

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
# Also ASGI's header tuples, as uvicorn's trace lines print them: (b'cookie', b'a=1; b=2').
_HEADER_VALUE = re.compile(
    r"(?i)(\b(?:(?:proxy-)?authorization|(?:set-)?cookie|x-api-key)\b[\"']?\s*[:=,]\s*(?:b?[\"'])?)"
    r"(?!\[REDACTED\])([^\"'\r\n}\]]+)"
)
# Every pattern and field name below holds one of these words.
_TRIGGER_WORDS = ("token", "ticket", "key", "secret", "passw", "authoriz", "cookie", "eyj")
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


def may_hold_credential(text: str) -> bool:
    # Substring tests on the lower-cased text: several times faster than a (?i) pattern.
    lowered = text.lower()
    return any(word in lowered for word in _TRIGGER_WORDS)


def redact(text: str) -> str:
    """Credential values in free text replaced by [REDACTED]."""
    # Most lines name no credential: one scan for the words instead of three patterns.
    if not may_hold_credential(text):
        return text
    text = _HEADER_VALUE.sub(lambda m: m.group(1) + REDACTED, text)
    text = _KEY_VALUE.sub(lambda m: m.group(1) + REDACTED, text)
    return _JWT.sub(REDACTED, text)


def scrub_text(text: str, *, keep_layout: bool = False) -> str:
    """Redacted, with control characters escaped (`keep_layout` keeps newlines and tabs, for
    tracebacks, which stay inside one JSON string anyway)."""
    text = redact(text)
    # Printable text holds no control character (the common case, checked in C).
    if text.isprintable():
        return text
    pattern = _CONTROL_EXCEPT_LAYOUT if keep_layout else _CONTROL
    return pattern.sub(_escape, text)


def is_sensitive_field(name: str) -> bool:
    return name.lower().replace("-", "_") in SENSITIVE_FIELDS


def scrub_key(name: str) -> str:
    """Field names are code's identifiers, except in data a client sent."""
    return name if name.isidentifier() else scrub_text(name)


def scrub_value(value: Any) -> Any:
    """Strings scrubbed, containers walked, credential-named entries redacted whole."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {
            scrub_key(str(key)): REDACTED if is_sensitive_field(str(key)) else scrub_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub_text(str(value))


def scrub_fields(document: dict[str, Any]) -> dict[str, Any]:
    """A log line's fields scrubbed; a traceback keeps its line breaks."""
    return {
        scrub_key(key): REDACTED
        if is_sensitive_field(key)
        else scrub_text(value, keep_layout=True)
        if key == TRACEBACK_FIELD and isinstance(value, str)
        else scrub_value(value)
        for key, value in document.items()
    }


def is_clean_line(line: str) -> bool:
    """A serialised line that needs no scrubbing (most do not): ASCII, no escape (JSON writes
    control characters as escapes) and no word a credential pattern needs."""
    return line.isascii() and "\\" not in line and not may_hold_credential(line)
