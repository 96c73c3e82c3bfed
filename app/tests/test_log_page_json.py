"""The page body SQLite writes (logs.page_json) is the page query.fetch_page returns, serialised:
same entries field by field, same order, same cursors, for every kind of row and filter; and the
API's read of it (logs.page_statement, from a template per filter shape on a plain sqlite3
connection) is the same body byte for byte."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.db.engine import create_engine, create_session_factory
from control_plane.db.sqlite import connect
from control_plane.logs.field_filters import parse_field_filters
from control_plane.logs.file_identity import FilePosition
from control_plane.logs.page_json import fetch_page_body
from control_plane.logs.page_statement import read_page_body
from control_plane.logs.query import LogFilter, decode_cursor, fetch_page
from control_plane.logs.tail_store import TailStore
from control_plane.settings import Settings

BASE_US = 1_764_895_438_552_253


def row(ts: int, message: str, **fields: Any) -> tuple[Any, ...]:
    return (
        ts,
        fields.get("level", "INFO"),
        fields.get("logger"),
        fields.get("event", "order_placed"),
        message,
        fields.get("correlation_id"),
        fields.get("strategy_id"),
        fields.get("parse_error", 0),
        fields.get("truncated", 0),
        fields.get("payload"),
        fields.get("ingested_at", BASE_US),
    )


ROWS = [
    row(BASE_US, "plain"),
    row(BASE_US + 1, "same second", payload='{"actor": "alice", "order_id": "ORD-1"}'),
    row(BASE_US + 2, "actor not text", payload='{"actor": 7, "n": [1, 2.5, null, true]}'),
    row(BASE_US + 3, "payload an array", payload="[1, 2]"),
    row(BASE_US // 1_000_000 * 1_000_000, "a whole second", parse_error=1, truncated=1),
    row(-1_500_001, "before 1970", ingested_at=-1),
    row(0, "the epoch", level="ERROR", correlation_id="req-1", strategy_id="s-1"),
    row(BASE_US + 5, 'quotes " and \\ and \t tabs, \u00e9t\u00e9 \U0001f680', logger="l"),
    row(BASE_US + 5, "same time, next id", correlation_id="req-1", event=None),
    row(4_102_444_800_999_999, "year 2100", payload='{"nested": {"actor": "x"}}'),
]


def run_pages(settings: Settings, log_filter: LogFilter, limit: int) -> int:
    async def scenario() -> int:
        engine = create_engine(settings)
        conn = connect(settings.database_path)
        pages = 0
        try:
            async with create_session_factory(engine)() as session:
                pages = await compare_pages(session, conn, log_filter, limit)
        finally:
            conn.close()
            await engine.dispose()
        return pages

    return asyncio.run(scenario())


async def compare_pages(
    session: AsyncSession, conn: sqlite3.Connection, log_filter: LogFilter, limit: int
) -> int:
    cursor = None
    pages = 0
    while True:
        expected = await fetch_page(session, log_filter, limit=limit, cursor=cursor)
        body = await fetch_page_body(session, log_filter, limit=limit, cursor=cursor)
        assert read_page_body(conn, log_filter, limit=limit, cursor=cursor) == body
        served = orjson.loads(body)
        assert served == orjson.loads(
            orjson.dumps({"items": expected.items, "next_cursor": expected.next_cursor})
        )
        pages += 1
        if expected.next_cursor is None:
            return pages
        cursor = decode_cursor(expected.next_cursor)


def test_the_sqlite_written_page_is_the_python_converted_page(settings: Settings) -> None:
    store = TailStore(settings.database_path, "test")
    try:
        store.commit(ROWS, FilePosition(1, 1, "", 0, 1), lag_bytes=0, parse_errors=1)
        store.index_full_text(1000)
    finally:
        store.close()
    everything = LogFilter()
    filters = [
        everything,
        replace(everything, oldest_first=True),
        LogFilter(correlation_id="req-1"),
        LogFilter(text="same"),
        LogFilter(text="same", oldest_first=True),
        LogFilter(levels=("ERROR",)),
        LogFilter(archived=True),
        # The same shapes with other values: a shape's template carries the values of each.
        LogFilter(correlation_id="req-2"),
        LogFilter(text="epoch"),
        LogFilter(text="tabs second", oldest_first=True),
        LogFilter(text="a b"),
        LogFilter(text="a 1970"),
        LogFilter(text="..."),
        LogFilter(levels=("info",)),
        LogFilter(levels=("info", "error")),
        LogFilter(event="order_placed", logger="l", source="backend"),
        LogFilter(start_us=0, end_us=BASE_US + 3),
        LogFilter(start_us=BASE_US, actor="alice"),
        LogFilter(text="same", archived=True),
        LogFilter(fields=parse_field_filters(["payload.order_id=ORD-1"])),
        LogFilter(fields=parse_field_filters(["level!=ERROR"])),
    ]
    for log_filter in filters:
        for limit in (1, 3, 100):
            pages = run_pages(settings, log_filter, limit)
            assert pages >= 1
    # Every row went through both, paged one by one.
    assert run_pages(settings, everything, 1) == len(ROWS)
