"""The analytics history and its CSV export."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from control_plane.analytics import queries
from control_plane.analytics.filters import HistoryFilters
from control_plane.csv_cells import LINE_END, csv_text
from control_plane.db.sqlite import with_connection
from control_plane.times import iso_from_us, iso_z
from control_plane.trading.metrics import TradeStatistics

EXPORT_PAGE_ROWS = 5000
# A scan in key order gains little from a page cache; a small one keeps the export's memory
# flat however large the database.
EXPORT_CACHE_KIB = 2048
TIMELINE_COLUMNS = (
    "id",
    "time",
    "event",
    "session_id",
    "strategy_id",
    "strategy_name",
    "message",
    "pnl",
    "fees",
    "details",
)


def metrics_json(statistics: TradeStatistics) -> dict[str, Any]:
    figures = asdict(statistics)
    figures["sharpe"] = figures.pop("sharpe_annualised")
    for internal in ("wins", "losses"):
        figures.pop(internal)
    return figures


def history(
    conn: sqlite3.Connection, filters: HistoryFilters, page: int, page_size: int
) -> dict[str, Any]:
    accumulator = queries.accumulate(conn, filters, keep_series=True)
    items = [
        {
            "id": event.id,
            "time": iso_from_us(event.time),
            "event": event.event,
            "session_id": event.session_id,
            "strategy_id": event.strategy_id,
            "strategy_name": event.strategy_name,
            "message": event.message,
            "pnl": event.pnl,
        }
        for event in queries.newest_events(conn, filters, page, page_size)
    ]
    return {
        "filters": filters.as_json(),
        "metrics": metrics_json(accumulator.statistics()),
        "series": {
            "cumulative_pnl": [
                {"time": iso_z(p.at), "value": p.value} for p in accumulator.cumulative
            ],
            "drawdown": [{"time": iso_z(p.at), "value": p.value} for p in accumulator.drawdown],
        },
        "timeline": {
            "items": items,
            "page": page,
            "page_size": page_size,
            "total": queries.count_events(conn, filters),
        },
    }


def export_filename(now: datetime) -> str:
    return f"analytics-export-{now:%Y%m%d-%H%M%S}.csv"


def _head(database_path: Path, filters: HistoryFilters, now: datetime) -> str:
    def read(conn: sqlite3.Connection) -> TradeStatistics:
        return queries.accumulate(conn, filters, keep_series=False).statistics()

    statistics = with_connection(database_path, read, cache_kib=EXPORT_CACHE_KIB)
    metadata = [["field", "value"], ["generated_at", iso_z(now)]] + [
        [name, "" if value is None else value] for name, value in filters.as_json().items()
    ]
    metrics = [["metric", "value"]] + [
        [name, "" if value is None else value] for name, value in metrics_json(statistics).items()
    ]
    return (
        f"# metadata{LINE_END}"
        + csv_text(metadata)
        + f"# metrics{LINE_END}"
        + csv_text(metrics)
        + f"# timeline{LINE_END}"
        + csv_text([list(TIMELINE_COLUMNS)])
    )


def _page(
    database_path: Path, filters: HistoryFilters, after: tuple[int, int] | None
) -> tuple[str, tuple[int, int] | None]:
    rows = with_connection(
        database_path,
        lambda conn: queries.events_after(conn, filters, after, EXPORT_PAGE_ROWS),
        cache_kib=EXPORT_CACHE_KIB,
    )
    if not rows:
        return "", None
    lines = [(row[0], iso_from_us(row[1]), *tuple(row)[2:]) for row in rows]
    last = rows[-1]
    return csv_text(lines), (last[1], last[0])


async def export_csv(
    database_path: Path, filters: HistoryFilters, now: datetime
) -> AsyncIterator[str]:
    """The whole export one page of rows at a time: memory stays flat however many rows."""
    yield await asyncio.to_thread(_head, database_path, filters, now)
    after: tuple[int, int] | None = None
    while True:
        text, after = await asyncio.to_thread(_page, database_path, filters, after)
        if after is None:
            return
        yield text
