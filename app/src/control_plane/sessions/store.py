"""Session records: typed rows of trading sessions, fills, timeline events and the kill switch
(synchronous sqlite3, connections from control_plane.db.sqlite).

Writers take `BEGIN IMMEDIATE`, so the engine's tick and an operator's stop or panic from any
process are serialised by SQLite's write lock and never act on a stale state.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal, TypedDict, cast

from sqlalchemy import ColumnElement, Select, Table, func, insert, literal_column, select, update

from control_plane.db.schema import (
    ACTIVE_STATUSES,
    SessionMode,
    SessionStatus,
    kill_switch,
    timeline_events,
    trading_fills,
    trading_sessions,
)
from control_plane.db.sqlite import dumps
from control_plane.db.statements import execute_core

Leg = Literal["call", "put"]
FillSide = Literal["buy", "sell"]


class ActiveSessionExists(Exception):
    """The strategy already has a running or paused session."""


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One row of trading_sessions; JSON columns stay text (decoded where they are used)."""

    id: int
    strategy_id: int
    strategy_name: str
    mode: SessionMode
    status: SessionStatus
    status_reason: str | None
    config: str
    engine_state: str
    enter_now: int
    market_seed: int
    market_start: int
    realised_pnl: float
    unrealised_pnl: float
    fees: float
    trade_count: int
    marks: str | None
    started_at: int
    ended_at: int | None
    updated_at: int
    pending_orders: str | None
    close_request: str | None

    @property
    def active(self) -> bool:
        """Running or paused: its engine still acts."""
        return self.status in ACTIVE_STATUSES


class SessionChanges(TypedDict, total=False):
    """The columns of a session an engine step or an operator changes."""

    status: SessionStatus
    status_reason: str | None
    engine_state: str
    enter_now: int
    realised_pnl: float
    unrealised_pnl: float
    fees: float
    trade_count: int
    marks: str | None
    ended_at: int
    updated_at: int
    pending_orders: str | None
    close_request: str | None


@dataclass(frozen=True, slots=True)
class NewFill:
    session_id: int
    strategy_id: int
    client_order_id: str
    exchange_order_id: int | None
    leg: Leg
    side: FillSide
    strike: float
    price: float
    contracts: int
    fee: float
    time: int


@dataclass(frozen=True, slots=True)
class FillRecord(NewFill):
    id: int


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    id: int
    time: int
    event: str
    session_id: int | None
    strategy_id: int | None
    strategy_name: str | None
    message: str
    details: str
    pnl: float | None
    fees: float | None


@dataclass(frozen=True, slots=True)
class KillSwitchState:
    tripped: bool
    tripped_at: int | None
    reason: str | None
    updated_at: int


def _select(table: Table, record: type[Any]) -> Select[Any]:
    """The columns of a record, in its fields' order (rows are built positionally)."""
    return select(*(table.c[f.name] for f in fields(record)))


_SESSION = _select(trading_sessions, SessionRecord)
_FILL = _select(trading_fills, FillRecord)
_EVENT = _select(timeline_events, TimelineEvent)
# Literals, not parameters: SQLite uses a partial index only when the query names its constants.
_ACTIVE: ColumnElement[bool] = trading_sessions.c.status.in_(
    [literal_column(repr(status)) for status in ACTIVE_STATUSES]
)
POSITION_CLOSED: ColumnElement[bool] = timeline_events.c.event == literal_column(
    "'position_closed'"
)


def _sessions(cursor: sqlite3.Cursor) -> list[SessionRecord]:
    return [SessionRecord(*row) for row in cursor]


def insert_session(
    conn: sqlite3.Connection,
    *,
    strategy_id: int,
    strategy_name: str,
    mode: SessionMode,
    config: dict[str, Any],
    enter_now: bool,
    market_seed: int | None,
    market_start_us: int,
    now_us: int,
) -> int:
    """Insert a running session; its market seed defaults to its own id."""
    try:
        cursor = execute_core(
            conn,
            insert(trading_sessions).values(
                strategy_id=strategy_id,
                strategy_name=strategy_name,
                mode=mode,
                status="running",
                config=dumps(config),
                enter_now=int(enter_now),
                market_seed=market_seed if market_seed is not None else 0,
                market_start=market_start_us,
                started_at=now_us,
                updated_at=now_us,
            ),
        )
    except sqlite3.IntegrityError as exc:
        raise ActiveSessionExists(strategy_id) from exc
    session_id = int(cursor.lastrowid or 0)
    if market_seed is None:
        execute_core(
            conn,
            update(trading_sessions)
            .where(trading_sessions.c.id == session_id)
            .values(market_seed=trading_sessions.c.id),
        )
    return session_id


def load_session(conn: sqlite3.Connection, session_id: int) -> SessionRecord | None:
    row = execute_core(conn, _SESSION.where(trading_sessions.c.id == session_id)).fetchone()
    return SessionRecord(*row) if row is not None else None


def list_sessions(
    conn: sqlite3.Connection, status: str | None = None, strategy_id: int | None = None
) -> list[SessionRecord]:
    query = _SESSION.order_by(trading_sessions.c.id.desc())
    if status is not None:
        query = query.where(trading_sessions.c.status == status)
    if strategy_id is not None:
        query = query.where(trading_sessions.c.strategy_id == strategy_id)
    return _sessions(execute_core(conn, query))


def active_sessions(conn: sqlite3.Connection) -> list[SessionRecord]:
    return _sessions(execute_core(conn, _SESSION.where(_ACTIVE).order_by(trading_sessions.c.id)))


def update_session(conn: sqlite3.Connection, session_id: int, changes: SessionChanges) -> None:
    execute_core(
        conn,
        update(trading_sessions)
        .where(trading_sessions.c.id == session_id)
        .values(cast(dict[str, Any], changes)),
    )


def insert_fill(conn: sqlite3.Connection, fill: NewFill) -> None:
    execute_core(conn, insert(trading_fills).values(asdict(fill)))


def count_fills(conn: sqlite3.Connection, session_id: int) -> int:
    (count,) = execute_core(
        conn, select(func.count()).where(trading_fills.c.session_id == session_id)
    ).fetchone()
    return int(count)


def fills_after(conn: sqlite3.Connection, after_id: int) -> list[FillRecord]:
    cursor = execute_core(
        conn, _FILL.where(trading_fills.c.id > after_id).order_by(trading_fills.c.id)
    )
    return [FillRecord(*row) for row in cursor]


def last_fill_id(conn: sqlite3.Connection) -> int:
    (last,) = execute_core(conn, select(func.coalesce(func.max(trading_fills.c.id), 0))).fetchone()
    return int(last)


def insert_event(
    conn: sqlite3.Connection,
    *,
    time_us: int,
    event: str,
    message: str,
    session_id: int | None = None,
    strategy_id: int | None = None,
    strategy_name: str | None = None,
    details: dict[str, Any] | None = None,
    pnl: float | None = None,
    fees: float | None = None,
) -> int:
    cursor = execute_core(
        conn,
        insert(timeline_events).values(
            time=time_us,
            event=event,
            session_id=session_id,
            strategy_id=strategy_id,
            strategy_name=strategy_name,
            message=message,
            details=dumps(details or {}),
            pnl=pnl,
            fees=fees,
        ),
    )
    return int(cursor.lastrowid or 0)


def session_events(
    conn: sqlite3.Connection, session_id: int, limit: int, offset: int = 0
) -> list[TimelineEvent]:
    """Newest first."""
    cursor = execute_core(
        conn,
        _EVENT.where(timeline_events.c.session_id == session_id)
        .order_by(timeline_events.c.time.desc(), timeline_events.c.id.desc())
        .limit(limit)
        .offset(offset),
    )
    return [TimelineEvent(*row) for row in cursor]


def count_session_events(conn: sqlite3.Connection, session_id: int) -> int:
    (count,) = execute_core(
        conn, select(func.count()).where(timeline_events.c.session_id == session_id)
    ).fetchone()
    return int(count)


def session_fills(
    conn: sqlite3.Connection, session_id: int, limit: int, offset: int = 0
) -> list[FillRecord]:
    """Newest first."""
    cursor = execute_core(
        conn,
        _FILL.where(trading_fills.c.session_id == session_id)
        .order_by(trading_fills.c.id.desc())
        .limit(limit)
        .offset(offset),
    )
    return [FillRecord(*row) for row in cursor]


def select_events() -> Select[Any]:
    """The columns of a `TimelineEvent`, for the analytics' pages."""
    return _EVENT


def kill_switch_state(conn: sqlite3.Connection) -> KillSwitchState:
    tripped, tripped_at, reason, updated_at = execute_core(
        conn,
        select(
            kill_switch.c.tripped,
            kill_switch.c.tripped_at,
            kill_switch.c.reason,
            kill_switch.c.updated_at,
        ).where(kill_switch.c.id == 1),
    ).fetchone()
    return KillSwitchState(bool(tripped), tripped_at, reason, updated_at)


def set_kill_switch(
    conn: sqlite3.Connection, *, tripped: bool, reason: str | None, now_us: int
) -> None:
    execute_core(
        conn,
        update(kill_switch)
        .where(kill_switch.c.id == 1)
        .values(
            tripped=int(tripped),
            tripped_at=now_us if tripped else None,
            reason=reason,
            updated_at=now_us,
        ),
    )


def realised_pnl_since(conn: sqlite3.Connection, since_us: int) -> float:
    (pnl,) = execute_core(
        conn,
        select(func.coalesce(func.sum(timeline_events.c.pnl), 0)).where(
            POSITION_CLOSED, timeline_events.c.time >= since_us
        ),
    ).fetchone()
    return float(pnl)


def active_unrealised_pnl(conn: sqlite3.Connection) -> float:
    (pnl,) = execute_core(
        conn, select(func.coalesce(func.sum(trading_sessions.c.unrealised_pnl), 0)).where(_ACTIVE)
    ).fetchone()
    return float(pnl)


def recent_sessions(conn: sqlite3.Connection, limit: int) -> list[SessionRecord]:
    """Every active session and the newest `limit` others, newest first."""
    newest = select(trading_sessions.c.id).order_by(trading_sessions.c.id.desc()).limit(limit)
    return _sessions(
        execute_core(
            conn,
            _SESSION.where(_ACTIVE | trading_sessions.c.id.in_(newest)).order_by(
                trading_sessions.c.id.desc()
            ),
        )
    )


def sessions_updated_after(conn: sqlite3.Connection, updated_us: int) -> list[SessionRecord]:
    return _sessions(
        execute_core(
            conn,
            _SESSION.where(trading_sessions.c.updated_at > updated_us).order_by(
                trading_sessions.c.updated_at, trading_sessions.c.id
            ),
        )
    )


def last_session_update(conn: sqlite3.Connection) -> int:
    (last,) = execute_core(
        conn, select(func.coalesce(func.max(trading_sessions.c.updated_at), 0))
    ).fetchone()
    return int(last)


def session_totals(conn: sqlite3.Connection) -> list[tuple[str, str, int, float]]:
    """(mode, status, sessions, their realised PnL) for each mode and status that has sessions."""
    sessions = trading_sessions.c
    rows = execute_core(
        conn,
        select(
            sessions.mode,
            sessions.status,
            func.count(),
            func.coalesce(func.sum(sessions.realised_pnl), 0),
        ).group_by(sessions.mode, sessions.status),
    ).fetchall()
    return [(str(mode), str(status), int(count), float(pnl)) for mode, status, count, pnl in rows]


def fill_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Fills recorded, by the mode of their session."""
    rows = execute_core(
        conn,
        select(trading_sessions.c.mode, func.count(trading_fills.c.id))
        .select_from(
            trading_fills.join(
                trading_sessions, trading_sessions.c.id == trading_fills.c.session_id
            )
        )
        .group_by(trading_sessions.c.mode),
    ).fetchall()
    return {str(mode): int(count) for mode, count in rows}
