"""The daily loss kill switch: the UTC day's net PnL over all sessions against a limit."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, time
from typing import Any

from control_plane.audit import record_system_audit
from control_plane.db.sqlite import read_transaction, write_transaction
from control_plane.sessions import store
from control_plane.sessions.control import SessionControl
from control_plane.sessions.ledger import record_event
from control_plane.times import iso_from_us, to_us

# What audit events of the kill switch name as their target.
KILL_SWITCH_TARGET = "kill_switch"


def day_start(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)


def day_pnl(conn: sqlite3.Connection, now: datetime) -> float:
    """Realised PnL of trades closed since 00:00 UTC plus open positions' unrealised PnL."""
    return store.realised_pnl_since(conn, to_us(day_start(now))) + store.active_unrealised_pnl(conn)


def kill_switch_view(conn: sqlite3.Connection, now: datetime, limit: float) -> dict[str, Any]:
    # One snapshot: a close committed between two of these reads would leave its loss out of
    # both the realised and the open PnL (a tripped switch showing a day PnL of 0).
    with read_transaction(conn):
        switch = store.kill_switch_state(conn)
        pnl = day_pnl(conn, now)
    return {
        "tripped": switch.tripped,
        "tripped_at": iso_from_us(switch.tripped_at),
        "reason": switch.reason,
        "daily_loss_limit": limit,
        "day_pnl": pnl,
    }


def trip(control: SessionControl, now: datetime, reason: str) -> int:
    """Mark the switch tripped and panic-close every active session; returns how many."""
    conn = control.conn
    with write_transaction(conn):
        store.set_kill_switch(conn, tripped=True, reason=reason, now_us=to_us(now))
        record_event(
            conn,
            now,
            "kill_switch_tripped",
            f"kill switch tripped: {reason}",
            details={"reason": reason},
            level=logging.WARNING,
        )
    return control.end_all_active(now, f"kill switch: {reason}")


def rearm(conn: sqlite3.Connection, now: datetime, by: str) -> None:
    with write_transaction(conn):
        store.set_kill_switch(conn, tripped=False, reason=None, now_us=to_us(now))
        record_event(conn, now, "kill_switch_rearmed", f"kill switch re-armed by {by}")


def check_daily_loss(control: SessionControl, now: datetime, limit: float) -> bool:
    """Trip when the day's PnL (since the last re-arm, if that was today) reaches -`limit`;
    True when it tripped now."""
    conn = control.conn
    with read_transaction(conn):
        switch = store.kill_switch_state(conn)
        if switch.tripped:
            return False
        # After a re-arm only what is lost from then on counts, or the switch would trip again
        # at once on the losses that tripped it.
        since = max(to_us(day_start(now)), switch.updated_at)
        pnl = store.realised_pnl_since(conn, since) + store.active_unrealised_pnl(conn)
    if pnl > -limit:
        return False
    reason = f"day PnL {pnl:.2f} USD passed the daily loss limit of {limit:.2f} USD"
    closed = trip(control, now, reason)
    # The engine itself, not a person, trips the switch on the daily loss limit.
    record_system_audit(
        "kill_switch.trip", target=KILL_SWITCH_TARGET, reason=reason, sessions_closed=closed
    )
    return True
