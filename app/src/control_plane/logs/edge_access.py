"""Turns one line of the edge's access log (Caddy's JSON, filtered: no headers, no query string,
no JWT in a path) into a backend_logs row; pure functions, no I/O.

The line's `correlation_id` is the X-Request-ID the edge handed the backend (the Caddyfile's
log_append), so the edge's row and the backend's rows of one request share it.
"""

from __future__ import annotations

from typing import Any

import orjson

from control_plane.logs import line_parser
from control_plane.logs.line_parser import Row, parse_timestamp_us, row_from_document
from control_plane.logs.viewer_reads import is_viewer_read

EVENT = "http_access"
# What the row keeps of Caddy's `request` object (its headers are deleted by the edge).
REQUEST_FIELDS = ("remote_ip", "client_ip", "host", "proto")


def level_of(status: int) -> str:
    if status >= 500:
        return "ERROR"
    if status >= 400:
        return "WARNING"
    return "INFO"


def duration_text(milliseconds: float) -> str:
    return f"{round(milliseconds, 1):g} ms"


def row_from_access(document: dict[str, Any], *, ingested_at_us: int) -> Row | None:
    """None when the object is not an access line (Caddy logs nothing else here, but a line
    written by hand would be kept as it is)."""
    request = document.get("request")
    status = document.get("status")
    if type(request) is not dict or type(status) is not int:
        return None
    method = str(request.get("method", ""))
    uri = str(request.get("uri", ""))
    duration = document.get("duration")
    milliseconds = float(duration) * 1000 if isinstance(duration, int | float) else 0.0
    correlation_id = document.get("correlation_id")
    payload: dict[str, Any] = {
        "status": status,
        "method": method,
        "uri": uri,
        "duration_ms": round(milliseconds, 3),
        "bytes": document.get("size"),
        "bytes_read": document.get("bytes_read"),
        **{name: request.get(name) for name in REQUEST_FIELDS},
        "user_agent": document.get("user_agent") or None,
    }
    return (
        parse_timestamp_us(document.get("ts"), ingested_at_us),
        "DEBUG" if status < 400 and is_viewer_read(method, uri) else level_of(status),
        str(document.get("logger") or "edge"),
        EVENT,
        f"{method} {uri} {status} {duration_text(milliseconds)}",
        correlation_id if type(correlation_id) is str and correlation_id else None,
        None,
        0,
        0,
        orjson.dumps(payload).decode(),
        ingested_at_us,
    )


def edge_row(document: dict[str, Any], ingested_at_us: int) -> Row:
    """An access line's row; any other object is kept as the backend's parser keeps it."""
    row = row_from_access(document, ingested_at_us=ingested_at_us)
    if row is not None:
        return row
    return row_from_document(document, truncated=False, ingested_at_us=ingested_at_us)


def parse_line(line: bytes, *, truncated: bool, ingested_at_us: int) -> Row:
    return line_parser.parse_line(
        line, truncated=truncated, ingested_at_us=ingested_at_us, from_object=edge_row
    )


def parse_lines(lines: list[bytes], *, ingested_at_us: int) -> tuple[list[Row], int]:
    rows = [parse_line(line, truncated=False, ingested_at_us=ingested_at_us) for line in lines]
    return rows, sum(row[7] for row in rows)
