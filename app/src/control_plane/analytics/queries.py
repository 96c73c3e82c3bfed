"""Reads of the timeline for the analytics: closed trades in order, pages of events."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from control_plane.analytics.filters import HistoryFilters
from control_plane.sessions.store import TIMELINE_EVENT_COLUMNS, TimelineEvent, timeline_events
from control_plane.times import from_us, to_us
from control_plane.trading.metrics import ClosedTrade, StatisticsAccumulator


def _range(filters: HistoryFilters) -> tuple[str, list[Any]]:
    clause = "time >= ? AND time < ?"
    params: list[Any] = [to_us(filters.start), to_us(filters.end)]
    if filters.strategy_id is not None:
        clause += " AND strategy_id = ?"
        params.append(filters.strategy_id)
    return clause, params


def closed_trades(conn: sqlite3.Connection, filters: HistoryFilters) -> Iterator[ClosedTrade]:
    clause, params = _range(filters)
    cursor = conn.execute(
        "SELECT time, pnl, coalesce(fees, 0) FROM timeline_events"
        f" WHERE event = 'position_closed' AND {clause} ORDER BY time, id",
        params,
    )
    for time_us, pnl, fees in cursor:
        yield ClosedTrade(net_pnl=pnl or 0.0, fees=fees, closed_at=from_us(time_us))


def accumulate(
    conn: sqlite3.Connection, filters: HistoryFilters, *, keep_series: bool
) -> StatisticsAccumulator:
    accumulator = StatisticsAccumulator(keep_series=keep_series)
    for trade in closed_trades(conn, filters):
        accumulator.add(trade)
    return accumulator


def count_events(conn: sqlite3.Connection, filters: HistoryFilters) -> int:
    clause, params = _range(filters)
    (count,) = conn.execute(
        f"SELECT count(*) FROM timeline_events WHERE {clause}", params
    ).fetchone()
    return int(count)


def newest_events(
    conn: sqlite3.Connection, filters: HistoryFilters, page: int, page_size: int
) -> list[TimelineEvent]:
    clause, params = _range(filters)
    return timeline_events(
        conn.execute(
            f"SELECT {TIMELINE_EVENT_COLUMNS} FROM timeline_events WHERE {clause}"
            " ORDER BY time DESC, id DESC LIMIT ? OFFSET ?",
            [*params, page_size, (page - 1) * page_size],
        )
    )


def events_after(
    conn: sqlite3.Connection,
    filters: HistoryFilters,
    after: tuple[int, int] | None,
    limit: int,
) -> list[tuple[Any, ...]]:
    """Oldest first, after the (time, id) key of the previous page: keyset paging stays fast
    however deep the export goes."""
    clause, params = _range(filters)
    if after is not None:
        clause += " AND (time, id) > (?, ?)"
        params.extend(after)
    return conn.execute(
        "SELECT id, time, event, session_id, strategy_id, strategy_name, message, pnl, fees,"
        f" details FROM timeline_events WHERE {clause} ORDER BY time, id LIMIT ?",
        [*params, limit],
    ).fetchall()
