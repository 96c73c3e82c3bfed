"""An operator's commands to sessions: start, pause and resume, stop and panic (one session, or
every active one for the kill switch).

Starting copies the strategy's configuration into the session, so editing or deleting the
strategy later does not change a session that is trading. A paper session is closed at market
at once; a live session holding a position is only asked to close (the live executor buys it
back on Delta).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Literal

import orjson

from control_plane.db.schema import SessionMode
from control_plane.db.sqlite import write_transaction
from control_plane.sessions import store
from control_plane.sessions.ledger import EndStatus, finish_session, record_event
from control_plane.sessions.live_orders import CloseRequest
from control_plane.sessions.paper import MARKET_STEP, MarketCache, PaperExecutor
from control_plane.sessions.store import SessionRecord
from control_plane.times import EPOCH, to_us
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.paper_engine import CloseReason
from control_plane.trading.strategy_config import StrategyConfig

END_CLOSE_REASONS: dict[EndStatus, CloseReason] = {"stopped": "stopped", "panic_closed": "panic"}


class KillSwitchTripped(Exception):
    """New sessions are refused until an admin re-arms the kill switch."""


class ImpossibleTransition(Exception):
    """The session's status does not allow the requested change."""


class SessionNotFound(Exception):
    pass


def start_session(
    conn: sqlite3.Connection,
    strategy_id: int,
    config: StrategyConfig,
    now: datetime,
    *,
    mode: SessionMode = "paper",
    enter_now: bool = False,
    market_seed: int | None = None,
    market_start: datetime | None = None,
) -> int:
    """The simulated market starts at the minute of `now` (or `market_start`) with the
    session's id as seed unless given, so a restart rebuilds the same prices."""
    start = market_start or EPOCH + (now - EPOCH) // MARKET_STEP * MARKET_STEP
    with write_transaction(conn):
        if store.kill_switch_state(conn).tripped:
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
        record_event(
            conn,
            now,
            "session_started",
            f"{mode} session started" + (" (enter now)" if enter_now else ""),
            store.load_session(conn, session_id),
            details={"mode": mode, "enter_now": enter_now},
        )
    return session_id


class SessionControl:
    def __init__(
        self,
        conn: sqlite3.Connection,
        markets: MarketCache | None = None,
        costs: ExecutionCosts | None = None,
    ) -> None:
        self.conn = conn
        self.paper = PaperExecutor(conn, markets, costs)

    def _load(self, session_id: int) -> SessionRecord:
        session = store.load_session(self.conn, session_id)
        if session is None:
            raise SessionNotFound(session_id)
        return session

    def change_status(
        self, session_id: int, now: datetime, target: Literal["running", "paused"], reason: str
    ) -> None:
        """pause (running -> paused) and resume (paused -> running)."""
        source = "running" if target == "paused" else "paused"
        with write_transaction(self.conn):
            session = self._load(session_id)
            if session.status != source:
                raise ImpossibleTransition(f"session {session_id} is {session.status}")
            store.update_session(
                self.conn,
                session_id,
                {
                    "status": target,
                    "status_reason": reason,
                    "updated_at": to_us(now),
                },
            )
            event = "session_paused" if target == "paused" else "session_resumed"
            record_event(self.conn, now, event, f"session {target}: {reason}", session)

    def end(
        self,
        session_id: int,
        now: datetime,
        status: EndStatus,
        reason: str,
        close_reason: CloseReason | None = None,
    ) -> bool:
        """stop or panic: close any open position at market now, then end the session. A live
        session holding a position is only asked to close (the engine buys it back on Delta);
        returns whether the session has ended."""
        with write_transaction(self.conn):
            session = self._load(session_id)
            if not session.active:
                raise ImpossibleTransition(f"session {session_id} is {session.status}")
            close = close_reason or END_CLOSE_REASONS[status]
            if session.mode == "live":
                request = CloseRequest(status, reason, close)
                return request_live_close(self.conn, session, now, request)
            self.paper.close_and_end(session, now, status, reason, close)
            return True

    def end_all_active(self, now: datetime, reason: str) -> int:
        """Panic-close every running or paused session (the kill switch)."""
        ended = 0
        with write_transaction(self.conn):
            for session in store.active_sessions(self.conn):
                if session.mode == "live":
                    request = CloseRequest("panic_closed", reason, "kill_switch")
                    request_live_close(self.conn, session, now, request)
                else:
                    self.paper.close_and_end(session, now, "panic_closed", reason, "kill_switch")
                ended += 1
        return ended


def request_live_close(
    conn: sqlite3.Connection, session: SessionRecord, now: datetime, request: CloseRequest
) -> bool:
    """A live session that is flat ends at once; one with a position or orders in flight is
    marked for the engine to close on Delta (a later panic overrides an earlier stop)."""
    state = orjson.loads(session.engine_state or "{}")
    if not state.get("position") and not session.pending_orders:
        finish_session(conn, session, now, request.status, request.reason)
        return True
    store.update_session(
        conn,
        session.id,
        {
            "close_request": request.to_json(),
            "status_reason": f"{request.reason}; closing the position on Delta",
            "updated_at": to_us(now),
        },
    )
    record_event(
        conn,
        now,
        "close_requested",
        f"close requested ({request.status.replace('_', ' ')}): {request.reason}",
        session,
        details={"reason": request.reason, "status": request.status},
    )
    return False
