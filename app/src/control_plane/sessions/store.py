"""Rows of trading sessions, fills, timeline events and the kill switch (synchronous sqlite3).

Writers take `BEGIN IMMEDIATE`, so the engine's tick and an operator's stop or panic from any
process are serialised by SQLite's write lock and never act on a stale state.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from control_plane.db.sqlite import dumps

# api/updates.py (Part C) reaches it here until it imports it from db.sqlite.
from control_plane.db.sqlite import in_worker_thread as in_worker_thread

LIVE_STATUSES = ("running", "paused")


class LiveSessionExists(Exception):
    """The strategy already has a running or paused session."""


def insert_session(
    conn: sqlite3.Connection,
    *,
    strategy_id: int,
    strategy_name: str,
    mode: str,
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
        raise LiveSessionExists(strategy_id) from exc
    session_id = int(cursor.lastrowid or 0)
    if market_seed is None:
        conn.execute("UPDATE trading_sessions SET market_seed = id WHERE id = ?", (session_id,))
    return session_id


def load_session(conn: sqlite3.Connection, session_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM trading_sessions WHERE id = ?", (session_id,)).fetchone()


def list_sessions(
    conn: sqlite3.Connection, status: str | None = None, strategy_id: int | None = None
) -> list[sqlite3.Row]:
    clauses, params = [], []
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    if strategy_id is not None:
        clauses.append("strategy_id = ?")
        params.append(strategy_id)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return conn.execute(
        f"SELECT * FROM trading_sessions{where} ORDER BY id DESC", params
    ).fetchall()


def live_sessions(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM trading_sessions WHERE status IN ('running', 'paused') ORDER BY id"
    ).fetchall()


def update_session(conn: sqlite3.Connection, session_id: int, **columns: Any) -> None:
    assignments = ", ".join(f"{name} = ?" for name in columns)
    conn.execute(
        f"UPDATE trading_sessions SET {assignments} WHERE id = ?", (*columns.values(), session_id)
    )


def insert_fill(conn: sqlite3.Connection, **values: Any) -> dict[str, Any]:
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO trading_fills ({names}) VALUES ({marks})", tuple(values.values()))
    return values


def count_fills(conn: sqlite3.Connection, session_id: int) -> int:
    return conn.execute(
        "SELECT count(*) FROM trading_fills WHERE session_id = ?", (session_id,)
    ).fetchone()[0]


def fills_after(conn: sqlite3.Connection, after_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM trading_fills WHERE id > ? ORDER BY id", (after_id,)
    ).fetchall()


def last_fill_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM trading_fills").fetchone()[0]


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


def session_events(conn: sqlite3.Connection, session_id: int, limit: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM timeline_events WHERE session_id = ? ORDER BY time DESC, id DESC LIMIT ?",
        (session_id, limit),
    ).fetchall()


def kill_switch_row(conn: sqlite3.Connection) -> sqlite3.Row:
    return conn.execute("SELECT * FROM kill_switch WHERE id = 1").fetchone()


def set_kill_switch(
    conn: sqlite3.Connection, *, tripped: bool, reason: str | None, now_us: int
) -> None:
    conn.execute(
        "UPDATE kill_switch SET tripped = ?, tripped_at = ?, reason = ?, updated_at = ?"
        " WHERE id = 1",
        (int(tripped), now_us if tripped else None, reason, now_us),
    )


def realised_pnl_since(conn: sqlite3.Connection, since_us: int) -> float:
    return conn.execute(
        "SELECT coalesce(sum(pnl), 0) FROM timeline_events"
        " WHERE event = 'position_closed' AND time >= ?",
        (since_us,),
    ).fetchone()[0]


def live_unrealised_pnl(conn: sqlite3.Connection) -> float:
    return conn.execute(
        "SELECT coalesce(sum(unrealised_pnl), 0) FROM trading_sessions"
        " WHERE status IN ('running', 'paused')"
    ).fetchone()[0]


def recent_sessions(conn: sqlite3.Connection, limit: int) -> list[sqlite3.Row]:
    """Every live session and the newest `limit` others, newest first."""
    return conn.execute(
        "SELECT * FROM trading_sessions WHERE status IN ('running', 'paused')"
        " OR id IN (SELECT id FROM trading_sessions ORDER BY id DESC LIMIT ?) ORDER BY id DESC",
        (limit,),
    ).fetchall()


def sessions_updated_after(conn: sqlite3.Connection, updated_us: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM trading_sessions WHERE updated_at > ? ORDER BY updated_at, id",
        (updated_us,),
    ).fetchall()


def last_session_update(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(updated_at), 0) FROM trading_sessions").fetchone()[0]
