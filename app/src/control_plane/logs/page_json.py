"""A page of log rows as the API's JSON body, each entry written by SQLite (json_object) rather
than converted row by row in Python: the entries are exactly query.row_to_entry's, serialised,
and the page is the same keyset page as query.fetch_page's (the tests compare the two)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Select, case, column, func, literal_column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.logs.query import (
    ENTRY_NAMES,
    LogFilter,
    encode_cursor,
    page_order,
    page_query,
)

# Whole seconds as query.format_timestamp writes them, by unix second: a page's rows share a few
# seconds, and SQLite's strftime and printf for the two times of each row took 0.15 ms a page of
# 100, half the cost of the page's JSON.
_SECONDS: dict[int, str] = {}
MAX_SECONDS = 4096


def _second_text(seconds: int) -> str | None:
    prefix = _SECONDS.get(seconds)
    if prefix is None:
        try:
            prefix = datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="seconds")[:-6]
        except (ValueError, OverflowError, OSError):
            return None
        if len(_SECONDS) >= MAX_SECONDS:
            _SECONDS.clear()
        _SECONDS[seconds] = prefix
    return prefix


def iso_timestamp_json(us: int | None) -> str:
    """The JSON of query.format_timestamp's text for a time in microseconds (null for none, as
    SQLite's strftime gave for a time outside the calendar), in integer arithmetic: floor
    division, so times before 1970 read as Python writes them."""
    if us is None:
        return "null"
    seconds, micros = divmod(us, 1_000_000)
    prefix = _second_text(seconds)
    return "null" if prefix is None else f'"{prefix}.{micros:06d}Z"'


def _json_bool(flag: Any) -> Any:
    # json('true') is a constant: SQLite computes it once a statement, not once a row.
    true, false = func.json(literal_column("'true'")), func.json(literal_column("'false'"))
    return case((flag != literal_column("0"), true), else_=false)


def entry_json(page: Any) -> Any:
    """One row of the page as its LogEntry's JSON text, without its first two fields (id, ts)
    and its last (ingested_at): page_body writes those around it."""
    actor = case(
        (
            func.json_type(page.payload, literal_column("'$.actor'")) == literal_column("'text'"),
            func.json_extract(page.payload, literal_column("'$.actor'")),
        )
    )
    fields: list[tuple[str, Any]] = [
        ("level", page.level),
        ("logger", page.logger),
        ("event", page.event),
        ("message", page.message),
        ("correlation_id", page.correlation_id),
        ("strategy_id", page.strategy_id),
        ("source", page.source),
        ("parse_error", _json_bool(page.parse_error)),
        ("truncated", _json_bool(page.truncated)),
        ("payload", func.json(page.payload)),
        ("actor", actor),
    ]
    pairs: list[Any] = []
    for name, value in fields:
        pairs += [literal_column(f"'{name}'"), value]
    return func.json_object(*pairs)


# The page's rows as a CTE named "page", and their entries' JSON built once over it: building
# the json_object expression anew took longer than the query (0.5 ms a request).
PAGE = table("page", *(column(name) for name in ENTRY_NAMES))
ENTRIES = select(PAGE.c.id, PAGE.c.ts, PAGE.c.ingested_at, entry_json(PAGE.c))


def page_statement(
    log_filter: LogFilter, *, limit: int, cursor: tuple[int, int] | None
) -> Select[Any]:
    """query.page_query's rows as (id, ts, ingested_at, the entry's other fields as JSON text),
    in the page's order."""
    rows_of_page = page_query(log_filter, limit=limit, cursor=cursor).cte(PAGE.name)
    return ENTRIES.add_cte(rows_of_page).order_by(*page_order(log_filter, PAGE.c))


def page_body(rows: Sequence[Any], limit: int) -> bytes:
    """`{"items": [...], "next_cursor": ...}` from page_statement's rows."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1][1], rows[-1][0]) if more and rows else None
    items: list[str] = []
    seconds_text = _SECONDS.get
    # A batch's rows share their ingestion time: written once for a run of them.
    last_ingested: int | None = None
    ingested_json = "null"
    for row_id, ts, ingested_at, fields in rows:
        if ingested_at != last_ingested:
            last_ingested, ingested_json = ingested_at, iso_timestamp_json(ingested_at)
        if ts is None:
            ts_json = "null"
        else:
            # iso_timestamp_json, inlined where the second is known: 100 calls a page.
            seconds, micros = divmod(ts, 1_000_000)
            prefix = seconds_text(seconds)
            ts_json = f'"{prefix}.{micros:06d}Z"' if prefix else iso_timestamp_json(ts)
        items.append(
            f'{{"id":{row_id},"ts":{ts_json},{fields[1:-1]},"ingested_at":{ingested_json}}}'
        )
    body = ",".join(items).encode()
    return b'{"items":[' + body + b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}"


async def fetch_page_body(
    session: AsyncSession, log_filter: LogFilter, *, limit: int, cursor: tuple[int, int] | None
) -> bytes:
    """The body of the page query.fetch_page would return."""
    statement = page_statement(log_filter, limit=limit, cursor=cursor)
    return page_body((await session.execute(statement)).all(), limit)
