"""Reads of the timeline for the analytics: closed trades in order, pages of events."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, tuple_

from control_plane.analytics.filters import HistoryFilters
from control_plane.db.schema import timeline_events
from control_plane.db.statements import execute_core
from control_plane.sessions.store import POSITION_CLOSED, TimelineEvent, select_events
from control_plane.times import from_us, to_us
from control_plane.trading.metrics import ClosedTrade, StatisticsAccumulator

events = timeline_events.c


def _in_range(filters: HistoryFilters) -> ColumnElement[bool]:
    clause = and_(events.time >= to_us(filters.start), events.time < to_us(filters.end))
    if filters.strategy_id is not None:
        clause = and_(clause, events.strategy_id == filters.strategy_id)
    return clause


def closed_trades(conn: sqlite3.Connection, filters: HistoryFilters) -> Iterator[ClosedTrade]:
    return _closed_trades_where(conn, _in_range(filters))


def session_closed_trades(conn: sqlite3.Connection, session_id: int) -> Iterator[ClosedTrade]:
    return _closed_trades_where(conn, events.session_id == session_id)


def _closed_trades_where(
    conn: sqlite3.Connection, clause: ColumnElement[bool]
) -> Iterator[ClosedTrade]:
    cursor = execute_core(
        conn,
        select(events.time, events.pnl, func.coalesce(events.fees, 0))
        .where(POSITION_CLOSED, clause)
        .order_by(events.time, events.id),
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
    (count,) = execute_core(
        conn, select(func.count()).select_from(timeline_events).where(_in_range(filters))
    ).fetchone()
    return int(count)


def newest_events(
    conn: sqlite3.Connection, filters: HistoryFilters, page: int, page_size: int
) -> list[TimelineEvent]:
    query = (
        select_events()
        .where(_in_range(filters))
        .order_by(events.time.desc(), events.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return [TimelineEvent(*row) for row in execute_core(conn, query)]


def events_after(
    conn: sqlite3.Connection,
    filters: HistoryFilters,
    after: tuple[int, int] | None,
    limit: int,
) -> list[tuple[Any, ...]]:
    """Oldest first, after the (time, id) key of the previous page: keyset paging stays fast
    however deep the export goes."""
    clause = _in_range(filters)
    if after is not None:
        clause = and_(clause, tuple_(events.time, events.id) > tuple_(*after))
    query = (
        select(
            events.id,
            events.time,
            events.event,
            events.session_id,
            events.strategy_id,
            events.strategy_name,
            events.message,
            events.pnl,
            events.fees,
            events.details,
        )
        .where(clause)
        .order_by(events.time, events.id)
        .limit(limit)
    )
    return execute_core(conn, query).fetchall()
