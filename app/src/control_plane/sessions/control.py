"""Starting a session: the strategy's configuration is copied into it, so editing or deleting
the strategy later does not change a session that is trading."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from control_plane.db.sqlite import write_transaction
from control_plane.sessions import store
from control_plane.sessions.execution import MARKET_STEP, record_event
from control_plane.sessions.kill_switch import is_tripped
from control_plane.sessions.times import EPOCH, to_us
from control_plane.trading.strategy_config import StrategyConfig


class KillSwitchTripped(Exception):
    """New sessions are refused until an admin re-arms the kill switch."""


def start_session(
    conn: sqlite3.Connection,
    strategy_id: int,
    config: StrategyConfig,
    now: datetime,
    *,
    mode: str = "paper",
    enter_now: bool = False,
    market_seed: int | None = None,
    market_start: datetime | None = None,
) -> int:
    """The simulated market starts at the minute of `now` (or `market_start`) with the
    session's id as seed unless given, so a restart rebuilds the same prices."""
    start = market_start or EPOCH + (now - EPOCH) // MARKET_STEP * MARKET_STEP
    with write_transaction(conn):
        if is_tripped(conn):
            raise KillSwitchTripped
        session_id = store.insert_session(
            conn,
            strategy_id=strategy_id,
            strategy_name=config.name,
            mode=mode,
            config=config.model_dump(mode="json"),
            enter_now=enter_now,
            market_seed=market_seed,
            market_start_us=to_us(start),
            now_us=to_us(now),
        )
        row = store.load_session(conn, session_id)
        record_event(
            conn,
            now,
            "session_started",
            f"{mode} session started" + (" (enter now)" if enter_now else ""),
            row,
            details={"mode": mode, "enter_now": enter_now},
        )
    return session_id
