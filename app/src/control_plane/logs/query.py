"""Builds the SQL for log queries; pure functions so the filters are easy to check."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any

import orjson

MAX_PAGE_SIZE = 1000
COLUMNS = (
    "id, ts, level, logger, event, message, correlation_id, strategy_id, source, parse_error,"
    " truncated, payload, ingested_at"
)
# Letters and digits, as FTS5's unicode61 tokenizer splits them, so each quoted word is a
# single token (the index keeps no positions, detail=none).
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
    extra_params: dict[str, Any] = field(default_factory=dict)


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
    if log_filter.start_us is not None:
        conditions.append("ts >= :start_us")
        params["start_us"] = log_filter.start_us
    if log_filter.end_us is not None:
        conditions.append("ts < :end_us")
        params["end_us"] = log_filter.end_us
    if log_filter.text:
        match = fts_match_expression(log_filter.text)
        if match is None:
            conditions.append("0")
        else:
            conditions.append(
                "id IN (SELECT rowid FROM backend_logs_fts WHERE backend_logs_fts MATCH :match)"
            )
            params["match"] = match
    return conditions, params


def page_query(
    log_filter: LogFilter, *, limit: int, cursor: tuple[int, int] | None
) -> tuple[str, dict[str, Any]]:
    """Newest first, keyset-paginated on (ts, id); fetches one extra row to know if more."""
    conditions, params = where_clause(log_filter)
    if cursor is not None:
        conditions.append("(ts, id) < (:cursor_ts, :cursor_id)")
        params["cursor_ts"], params["cursor_id"] = cursor
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    params["limit"] = limit + 1
    return (
        f"SELECT {COLUMNS} FROM backend_logs {where} ORDER BY ts DESC, id DESC LIMIT :limit",
        params,
    )


def row_to_entry(row: Any) -> dict[str, Any]:
    from control_plane.logging_setup import format_timestamp

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
        "payload": orjson.loads(row[11]) if row[11] else None,
        "ingested_at": format_timestamp(row[12] / 1_000_000),
    }
