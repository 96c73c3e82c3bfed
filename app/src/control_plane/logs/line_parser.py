"""Turns one raw log line into a backend_logs row; pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import orjson

from control_plane.times import EPOCH, ONE_MICROSECOND

MAX_LINE_BYTES = 64 * 1024
UNPARSED_LEVEL = "UNKNOWN"
ONE_SECOND = timedelta(seconds=1)

# (ts, level, logger, event, message, correlation_id, strategy_id, parse_error, truncated,
#  payload, ingested_at)
Row = tuple[
    int, str, str | None, str | None, str, str | None, str | None, int, int, str | None, int
]


def minute_epoch_seconds(minute_text: str) -> int:
    """'2026-11-21T10:00' (UTC) to epoch seconds."""
    return (datetime.fromisoformat(minute_text + ":00+00:00") - EPOCH) // ONE_SECOND


@lru_cache(maxsize=1024)
def _epoch_seconds_of_day(date_text: str) -> int:
    return (datetime.fromisoformat(date_text + "T00:00:00+00:00") - EPOCH) // ONE_SECOND


def parse_timestamp_us(value: Any, fallback_us: int) -> int:
    """RFC 3339 text or epoch seconds to microseconds since the epoch (UTC)."""
    if type(value) is str:
        # Fast path for our own format (2026-11-21T10:00:00.123456Z); the date repeats
        # across lines, so only it goes through datetime, once per day.
        if len(value) == 27 and value[10] == "T" and value[19] == "." and value[26] == "Z":
            try:
                seconds = (
                    _epoch_seconds_of_day(value[:10])
                    + int(value[11:13]) * 3600
                    + int(value[14:16]) * 60
                    + int(value[17:19])
                )
                return seconds * 1_000_000 + int(value[20:26])
            except ValueError:
                return fallback_us
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return fallback_us
        if parsed.tzinfo is None:
            return fallback_us
        return (parsed - EPOCH) // ONE_MICROSECOND
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value * 1_000_000)
    return fallback_us


def _text_or_none(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    return orjson.dumps(value, default=str).decode()


def raw_row(text: str, *, truncated: bool, ingested_at_us: int) -> Row:
    return (
        ingested_at_us,
        UNPARSED_LEVEL,
        None,
        None,
        text,
        None,
        None,
        1,
        int(truncated),
        None,
        ingested_at_us,
    )


def row_from_document(document: dict[str, Any], *, truncated: bool, ingested_at_us: int) -> Row:
    """Known fields become columns; whatever else the line carried becomes the JSON payload.
    Consumes `document`."""
    pop = document.pop
    level = pop("level", None)
    message = pop("message", None)
    if type(message) is not str:
        message = "" if message is None else orjson.dumps(message, default=str).decode()
    row = (
        parse_timestamp_us(pop("ts", None), ingested_at_us),
        level.upper() if type(level) is str and level else "INFO",
        _text_or_none(pop("logger", None)),
        _text_or_none(pop("event", None)),
        message,
        _text_or_none(pop("correlation_id", None)),
        _text_or_none(pop("strategy_id", None)),
        0,
        int(truncated),
        orjson.dumps(document, default=str).decode() if document else None,
        ingested_at_us,
    )
    return row


# A JSON object to a row (ingested_at_us); consumes the object.
RowFromObject = Callable[[dict[str, Any], int], Row]


def backend_row(document: dict[str, Any], ingested_at_us: int) -> Row:
    return row_from_document(document, truncated=False, ingested_at_us=ingested_at_us)


def parse_line(
    line: bytes, *, truncated: bool, ingested_at_us: int, from_object: RowFromObject = backend_row
) -> Row:
    """Never raises and never drops: a line that is not a JSON object becomes a raw row."""
    if line.endswith(b"\r"):
        line = line[:-1]
    if not truncated:
        try:
            document = orjson.loads(line)
        except orjson.JSONDecodeError:
            document = None
            text = line.decode("utf-8", "replace")
            if "\ufffd" in text:
                try:
                    document = orjson.loads(text)
                except orjson.JSONDecodeError:
                    document = None
        if isinstance(document, dict):
            return from_object(document, ingested_at_us)
    return raw_row(
        line.decode("utf-8", "replace"), truncated=truncated, ingested_at_us=ingested_at_us
    )


def parse_lines(lines: list[bytes], *, ingested_at_us: int) -> tuple[list[Row], int]:
    """parse_line over a run of complete lines shorter than MAX_LINE_BYTES, with the common
    case (a JSON object) inlined; returns the rows and how many were parse errors."""
    loads = orjson.loads
    dumps = orjson.dumps
    decode_error = orjson.JSONDecodeError
    timestamp = parse_timestamp_us
    # Lines of one batch share few minutes: each is converted once for the whole batch.
    minutes: dict[str, int] = {}
    rows: list[Row] = []
    append = rows.append
    errors = 0
    for line in lines:
        try:
            document = loads(line)
        except decode_error:
            document = None
        if type(document) is not dict:
            row = parse_line(line, truncated=False, ingested_at_us=ingested_at_us)
            errors += row[7]
            append(row)
            continue
        pop = document.pop
        level = pop("level", None)
        message = pop("message", None)
        logger = pop("logger", None)
        event = pop("event", None)
        correlation_id = pop("correlation_id", None)
        strategy_id = pop("strategy_id", None)
        ts_text = pop("ts", None)
        ts = -1
        if (
            type(ts_text) is str
            and len(ts_text) == 27
            and ts_text[26] == "Z"
            and ts_text[19] == "."
            and ts_text[16] == ":"
            and ts_text[17:19].isdigit()
            and ts_text[20:26].isdigit()
        ):
            minute = ts_text[:16]
            base = minutes.get(minute)
            if base is None:
                try:
                    base = minutes[minute] = minute_epoch_seconds(minute)
                except ValueError:
                    base = None
            if base is not None:
                ts = (base + int(ts_text[17:19])) * 1_000_000 + int(ts_text[20:26])
        if ts < 0:
            ts = timestamp(ts_text, ingested_at_us)
        if type(message) is not str:
            message = "" if message is None else dumps(message, default=str).decode()
        if logger is not None and type(logger) is not str:
            logger = dumps(logger, default=str).decode()
        if event is not None and type(event) is not str:
            event = dumps(event, default=str).decode()
        if correlation_id is not None and type(correlation_id) is not str:
            correlation_id = dumps(correlation_id, default=str).decode()
        if strategy_id is not None and type(strategy_id) is not str:
            strategy_id = dumps(strategy_id, default=str).decode()
        append(
            (
                ts,
                level.upper() if type(level) is str and level else "INFO",
                logger,
                event,
                message,
                correlation_id,
                strategy_id,
                0,
                0,
                dumps(document, default=str).decode() if document else None,
                ingested_at_us,
            )
        )
    return rows, errors
