"""Builds the SQL for log queries; pure functions so the filters are easy to check."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

import orjson

MAX_PAGE_SIZE = 1000
MICROS_PER_HOUR = 3_600_000_000
MAX_PROBED_HOURS = 24 * 400
COLUMNS = (
    "id, ts, level, logger, event, message, correlation_id, strategy_id, source, parse_error,"
    " truncated, payload, ingested_at"
)
# Letters and digits, as FTS5's unicode61 tokenizer splits them, so each quoted word is a
# single token (the index keeps no positions, detail=none).
QUALIFIED_COLUMNS = ", ".join(f"b.{name.strip()}" for name in COLUMNS.split(","))
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class LogFilter:
    levels: tuple[str, ...] = ()
    event: str | None = None
    logger: str | None = None
    correlation_id: str | None = None
    start_us: int | None = None
    end_us: int | None = None
    text: str | None = None
    source: str | None = None
    # Who did it: audit events and browser entries carry it in the payload (no column).
    actor: str | None = None
    # First and last hour (ts // MICROS_PER_HOUR) holding rows, so a correlation id lookup can
    # probe the hour-keyed index; None falls back to a plain comparison.
    hour_span: tuple[int, int] | None = None


def encode_cursor(ts_us: int, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{ts_us}:{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        ts_text, id_text = base64.urlsafe_b64decode(padded).decode().split(":")
        return int(ts_text), int(id_text)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("cursor is not one this API issued") from exc


def fts_match_expression(text: str) -> str | None:
    """Every word of the user's text must appear; words are quoted so FTS5 syntax in the
    input cannot break the query."""
    words = _WORD.findall(text)
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words)


def where_clause(log_filter: LogFilter) -> tuple[list[str], dict[str, Any]]:
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if log_filter.levels:
        names = [f"level_{i}" for i in range(len(log_filter.levels))]
        conditions.append(f"level IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, (lv.upper() for lv in log_filter.levels), strict=True))
    for column in ("event", "logger", "correlation_id", "source"):
        value = getattr(log_filter, column)
        if value is not None:
            conditions.append(f"{column} = :{column}")
            params[column] = value
    if log_filter.actor is not None:
        conditions.append("json_extract(payload, '$.actor') = :actor")
        params["actor"] = log_filter.actor
    if log_filter.start_us is not None:
        conditions.append("ts >= :start_us")
        params["start_us"] = log_filter.start_us
    if log_filter.end_us is not None:
        conditions.append("ts < :end_us")
        params["end_us"] = log_filter.end_us
    return conditions, params


def probe_hours(log_filter: LogFilter) -> tuple[int, int] | None:
    """The hours a correlation id lookup walks in the hour-keyed index, narrowed by the
    filter's time range; None when there are too many to probe one by one."""
    if log_filter.correlation_id is None or log_filter.hour_span is None:
        return None
    first, last = log_filter.hour_span
    if log_filter.start_us is not None:
        first = max(first, log_filter.start_us // MICROS_PER_HOUR)
    if log_filter.end_us is not None:
        last = min(last, log_filter.end_us // MICROS_PER_HOUR)
    if last - first > MAX_PROBED_HOURS:
        return None
    return first, max(first, last)


def page_query(
    log_filter: LogFilter, *, limit: int, cursor: tuple[int, int] | None
) -> tuple[str, dict[str, Any]]:
    """Newest first, keyset-paginated; fetches one extra row to know if there are more.

    Without text the order is (ts, id). With text the full-text index drives the query in
    descending row id (ingestion) order, which stops after one page instead of collecting
    every match first; for backend lines ingestion order is time order.
    """
    conditions, params = where_clause(log_filter)
    params["limit"] = limit + 1
    if log_filter.text:
        match = fts_match_expression(log_filter.text)
        conditions.append("backend_logs_fts MATCH :match" if match else "0")
        params["match"] = match
        if cursor is not None:
            conditions.append("f.rowid < :cursor_id")
            params["cursor_id"] = cursor[1]
        return (
            f"SELECT {QUALIFIED_COLUMNS} FROM backend_logs_fts AS f"
            f" JOIN backend_logs AS b ON b.id = f.rowid WHERE {' AND '.join(conditions)}"
            " ORDER BY f.rowid DESC LIMIT :limit",
            params,
        )
    if cursor is not None:
        conditions.append("(ts, id) < (:cursor_ts, :cursor_id)")
        params["cursor_ts"], params["cursor_id"] = cursor
    prefix = ""
    hours = probe_hours(log_filter)
    if hours is not None:
        prefix = (
            "WITH RECURSIVE probe(hour) AS (VALUES (:first_hour) UNION ALL"
            " SELECT hour + 1 FROM probe WHERE hour < :last_hour) "
        )
        conditions.append("ts / 3600000000 IN probe")
        params["first_hour"], params["last_hour"] = hours
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return (
        f"{prefix}SELECT {COLUMNS} FROM backend_logs {where}"
        " ORDER BY ts DESC, id DESC LIMIT :limit",
        params,
    )


def row_to_entry(row: Any) -> dict[str, Any]:
    from control_plane.logging_setup import format_timestamp

    payload = orjson.loads(row[11]) if row[11] else None
    actor = payload.get("actor") if isinstance(payload, dict) else None
    return {
        "id": row[0],
        "ts": format_timestamp(row[1] / 1_000_000) if row[1] is not None else None,
        "level": row[2],
        "logger": row[3],
        "event": row[4],
        "message": row[5],
        "correlation_id": row[6],
        "strategy_id": row[7],
        "source": row[8],
        "parse_error": bool(row[9]),
        "truncated": bool(row[10]),
        "payload": payload,
        "actor": actor if isinstance(actor, str) else None,
        "ingested_at": format_timestamp(row[12] / 1_000_000),
    }
