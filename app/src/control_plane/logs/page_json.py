"""A page of log rows as the API's JSON body, each entry written by SQLite (json_object) rather
than converted row by row in Python: the entries are exactly query.row_to_entry's, serialised,
and the page is the same keyset page as query.fetch_page's (the tests compare the two)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, case, column, func, literal_column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.logs.query import (
    ENTRY_NAMES,
    LogFilter,
    encode_cursor,
    page_order,
    page_query,
)

MICROS: Any = literal_column("1000000")


def iso_timestamp(us: Any) -> ColumnElement[str]:
    """query.format_timestamp's text (microseconds, Z), in integer arithmetic: floor division,
    so times before 1970 read as Python writes them."""
    micros = (us % MICROS + MICROS) % MICROS
    seconds = (us - micros).self_group().op("/")(MICROS)
    text: ColumnElement[str] = func.strftime(
        literal_column("'%Y-%m-%dT%H:%M:%S'"), seconds, literal_column("'unixepoch'")
    ).op("||")(func.printf(literal_column("'.%06dZ'"), micros))
    return text


def _json_bool(flag: Any) -> Any:
    return func.json(
        case(
            (flag != literal_column("0"), literal_column("'true'")), else_=literal_column("'false'")
        )
    )


def entry_json(page: Any) -> Any:
    """One row of the page as its LogEntry's JSON text."""
    actor = case(
        (
            func.json_type(page.payload, literal_column("'$.actor'")) == literal_column("'text'"),
            func.json_extract(page.payload, literal_column("'$.actor'")),
        )
    )
    fields: list[tuple[str, Any]] = [
        ("id", page.id),
        ("ts", iso_timestamp(page.ts)),
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
        ("ingested_at", iso_timestamp(page.ingested_at)),
    ]
    pairs: list[Any] = []
    for name, value in fields:
        pairs += [literal_column(f"'{name}'"), value]
    return func.json_object(*pairs)


# The page's rows as a CTE named "page", and their entries' JSON built once over it: building
# the json_object expression anew took longer than the query (0.5 ms a request).
PAGE = table("page", *(column(name) for name in ENTRY_NAMES))
ENTRIES = select(PAGE.c.id, PAGE.c.ts, entry_json(PAGE.c))


def page_statement(
    log_filter: LogFilter, *, limit: int, cursor: tuple[int, int] | None
) -> Select[Any]:
    """query.page_query's rows as (id, ts, the entry's JSON text), in the page's order."""
    rows_of_page = page_query(log_filter, limit=limit, cursor=cursor).cte(PAGE.name)
    return ENTRIES.add_cte(rows_of_page).order_by(*page_order(log_filter, PAGE.c))


def page_body(rows: Sequence[Any], limit: int) -> bytes:
    """`{"items": [...], "next_cursor": ...}` from page_statement's rows."""
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1][1], rows[-1][0]) if more and rows else None
    items = ",".join(row[2] for row in rows).encode()
    return b'{"items":[' + items + b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}"


async def fetch_page_body(
    session: AsyncSession, log_filter: LogFilter, *, limit: int, cursor: tuple[int, int] | None
) -> bytes:
    """The body of the page query.fetch_page would return."""
    statement = page_statement(log_filter, limit=limit, cursor=cursor)
    return page_body((await session.execute(statement)).all(), limit)
