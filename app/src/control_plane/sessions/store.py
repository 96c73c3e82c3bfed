"""Session records: typed rows of trading sessions, fills, timeline events and the kill switch
(synchronous sqlite3, connections from control_plane.db.sqlite).

Writers take `BEGIN IMMEDIATE`, so the engine's tick and an operator's stop or panic from any
process are serialised by SQLite's write lock and never act on a stale state.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from typing import Any, Literal, TypedDict, cast

from sqlalchemy import update

from control_plane.db.schema import ACTIVE_STATUSES, SessionMode, SessionStatus, trading_sessions
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


def _columns(record: type[Any]) -> str:
    return ", ".join(f.name for f in fields(record))


_SESSION = f"SELECT {_columns(SessionRecord)} FROM trading_sessions"
_FILL = f"SELECT {_columns(FillRecord)} FROM trading_fills"
_EVENT = f"SELECT {_columns(TimelineEvent)} FROM timeline_events"
_ACTIVE = f"status IN {ACTIVE_STATUSES!r}"


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
        cursor = conn.execute(
            "INSERT INTO trading_sessions (strategy_id, strategy_name, mode, status, config,"
            " enter_now, market_seed, market_start, started_at, updated_at)"
            " VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
            (
                strategy_id,
                strategy_name,
                mode,
                dumps(config),
                int(enter_now),
                market_seed if market_seed is not None else 0,
                market_start_us,
                now_us,
                now_us,
            ),
        )
    except sqlite3.IntegrityError as exc:
        raise ActiveSessionExists(strategy_id) from exc
    session_id = int(cursor.lastrowid or 0)
    if market_seed is None:
        conn.execute("UPDATE trading_sessions SET market_seed = id WHERE id = ?", (session_id,))
    return session_id


def load_session(conn: sqlite3.Connection, session_id: int) -> SessionRecord | None:
    row = conn.execute(f"{_SESSION} WHERE id = ?", (session_id,)).fetchone()
    return SessionRecord(*row) if row is not None else None


def list_sessions(
    conn: sqlite3.Connection, status: str | None = None, strategy_id: int | None = None
) -> list[SessionRecord]:
    cursor = conn.execute(
        f"{_SESSION} WHERE (:status IS NULL OR status = :status)"
        " AND (:strategy IS NULL OR strategy_id = :strategy) ORDER BY id DESC",
        {"status": status, "strategy": strategy_id},
    )
    return _sessions(cursor)


def active_sessions(conn: sqlite3.Connection) -> list[SessionRecord]:
    return _sessions(conn.execute(f"{_SESSION} WHERE {_ACTIVE} ORDER BY id"))


def update_session(conn: sqlite3.Connection, session_id: int, changes: SessionChanges) -> None:
    execute_core(
        conn,
        update(trading_sessions)
        .where(trading_sessions.c.id == session_id)
        .values(cast(dict[str, Any], changes)),
    )


def insert_fill(conn: sqlite3.Connection, fill: NewFill) -> None:
    conn.execute(
        "INSERT INTO trading_fills (session_id, strategy_id, client_order_id, exchange_order_id,"
        " leg, side, strike, price, contracts, fee, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fill.session_id,
            fill.strategy_id,
            fill.client_order_id,
            fill.exchange_order_id,
            fill.leg,
            fill.side,
            fill.strike,
            fill.price,
            fill.contracts,
            fill.fee,
            fill.time,
        ),
    )


def count_fills(conn: sqlite3.Connection, session_id: int) -> int:
    (count,) = conn.execute(
        "SELECT count(*) FROM trading_fills WHERE session_id = ?", (session_id,)
    ).fetchone()
    return int(count)


def fills_after(conn: sqlite3.Connection, after_id: int) -> list[FillRecord]:
    cursor = conn.execute(f"{_FILL} WHERE id > ? ORDER BY id", (after_id,))
    return [FillRecord(*row) for row in cursor]


def last_fill_id(conn: sqlite3.Connection) -> int:
    (last,) = conn.execute("SELECT coalesce(max(id), 0) FROM trading_fills").fetchone()
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
    cursor = conn.execute(
        "INSERT INTO timeline_events (time, event, session_id, strategy_id, strategy_name,"
        " message, details, pnl, fees) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            time_us,
            event,
            session_id,
            strategy_id,
            strategy_name,
            message,
            dumps(details or {}),
            pnl,
            fees,
        ),
    )
    return int(cursor.lastrowid or 0)


def session_events(conn: sqlite3.Connection, session_id: int, limit: int) -> list[TimelineEvent]:
    cursor = conn.execute(
        f"{_EVENT} WHERE session_id = ? ORDER BY time DESC, id DESC LIMIT ?", (session_id, limit)
    )
    return [TimelineEvent(*row) for row in cursor]


def timeline_events(cursor: sqlite3.Cursor) -> list[TimelineEvent]:
    """Events of a query that selects `TIMELINE_EVENT_COLUMNS` (the analytics' pages)."""
    return [TimelineEvent(*row) for row in cursor]


TIMELINE_EVENT_COLUMNS = _columns(TimelineEvent)


def kill_switch_state(conn: sqlite3.Connection) -> KillSwitchState:
    tripped, tripped_at, reason, updated_at = conn.execute(
        "SELECT tripped, tripped_at, reason, updated_at FROM kill_switch WHERE id = 1"
    ).fetchone()
    return KillSwitchState(bool(tripped), tripped_at, reason, updated_at)


def set_kill_switch(
    conn: sqlite3.Connection, *, tripped: bool, reason: str | None, now_us: int
) -> None:
    conn.execute(
        "UPDATE kill_switch SET tripped = ?, tripped_at = ?, reason = ?, updated_at = ?"
        " WHERE id = 1",
        (int(tripped), now_us if tripped else None, reason, now_us),
    )


def realised_pnl_since(conn: sqlite3.Connection, since_us: int) -> float:
    (pnl,) = conn.execute(
        "SELECT coalesce(sum(pnl), 0) FROM timeline_events"
        " WHERE event = 'position_closed' AND time >= ?",
        (since_us,),
    ).fetchone()
    return float(pnl)


def active_unrealised_pnl(conn: sqlite3.Connection) -> float:
    (pnl,) = conn.execute(
        f"SELECT coalesce(sum(unrealised_pnl), 0) FROM trading_sessions WHERE {_ACTIVE}"
    ).fetchone()
    return float(pnl)


def recent_sessions(conn: sqlite3.Connection, limit: int) -> list[SessionRecord]:
    """Every active session and the newest `limit` others, newest first."""
    return _sessions(
        conn.execute(
            f"{_SESSION} WHERE {_ACTIVE}"
            " OR id IN (SELECT id FROM trading_sessions ORDER BY id DESC LIMIT ?)"
            " ORDER BY id DESC",
            (limit,),
        )
    )


def sessions_updated_after(conn: sqlite3.Connection, updated_us: int) -> list[SessionRecord]:
    return _sessions(
        conn.execute(f"{_SESSION} WHERE updated_at > ? ORDER BY updated_at, id", (updated_us,))
    )


def last_session_update(conn: sqlite3.Connection) -> int:
    (last,) = conn.execute("SELECT coalesce(max(updated_at), 0) FROM trading_sessions").fetchone()
    return int(last)
