"""What happens to one session: an engine step, a close at market, a change of status.

Each operation runs in one write transaction over the session's row, its fills and its
timeline events, and writes a JSON log line per event carrying `event`, `strategy_id`,
`session_id` and the correlation id bound by the caller (a request's, or the engine tick's).
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from pydantic import ValidationError

from control_plane.correlation import correlation_id_var, new_correlation_id
from control_plane.db.sqlite import dumps, write_transaction
from control_plane.sessions import store
from control_plane.sessions.live_orders import CloseRequest
from control_plane.sessions.times import from_us, iso_z, to_us
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.market import SimulatedMarket
from control_plane.trading.paper_engine import (
    ClosedPosition,
    CloseReason,
    EngineState,
    OpenPosition,
    close_position,
    mark_to_market,
    step,
)
from control_plane.trading.state_codec import UnreadableState, state_from_json, state_to_json
from control_plane.trading.strategy_config import StrategyConfig

logger = logging.getLogger("control_plane.sessions")

# The simulated spot moves once a minute; a session's path is fixed by its seed and start.
MARKET_STEP = timedelta(minutes=1)
END_STATUSES = {"stopped": "stopped", "panic_closed": "panic"}


class ImpossibleTransition(Exception):
    """The session's status does not allow the requested change."""


class SessionNotFound(Exception):
    pass


@dataclass(frozen=True, slots=True)
class RestoredSession:
    row: sqlite3.Row
    config: StrategyConfig
    state: EngineState
    market: SimulatedMarket


class MarketCache:
    """One simulated market per session, kept between ticks so its path is not regenerated."""

    def __init__(self) -> None:
        self._markets: dict[tuple[str, int, int], SimulatedMarket] = {}

    def market(self, underlying: str, seed: int, start_us: int) -> SimulatedMarket:
        key = (underlying, seed, start_us)
        if key not in self._markets:
            self._markets[key] = SimulatedMarket(
                underlying,  # type: ignore[arg-type]
                from_us(start_us),
                seed=seed,
                step=MARKET_STEP,
            )
        return self._markets[key]

    def forget(self, underlying: str, seed: int, start_us: int) -> None:
        self._markets.pop((underlying, seed, start_us), None)

    def keep_only(self, live: list[sqlite3.Row]) -> None:
        """Drop the markets of sessions that ended, wherever they were ended."""
        wanted = {(row["market_seed"], row["market_start"]) for row in live}
        for key in [key for key in self._markets if key[1:] not in wanted]:
            del self._markets[key]


def decode(row: sqlite3.Row) -> tuple[StrategyConfig, EngineState]:
    """A session's stored configuration and engine state; raises UnreadableState when either
    is unusable."""
    try:
        config = StrategyConfig.model_validate(orjson.loads(row["config"]))
        state = state_from_json(orjson.loads(row["engine_state"] or "{}") or _EMPTY_STATE)
    except (orjson.JSONDecodeError, ValidationError) as exc:
        raise UnreadableState(f"stored session cannot be restored: {exc}") from exc
    return config, state


def restore(row: sqlite3.Row, markets: MarketCache) -> RestoredSession:
    """Raises UnreadableState when the stored configuration or engine state is unusable."""
    config, state = decode(row)
    market = markets.market(config.underlying, row["market_seed"], row["market_start"])
    return RestoredSession(row, config, state, market)


_EMPTY_STATE = state_to_json(EngineState())


def record_event(
    conn: sqlite3.Connection,
    now: datetime,
    event: str,
    message: str,
    row: sqlite3.Row | None = None,
    *,
    details: dict[str, Any] | None = None,
    pnl: float | None = None,
    fees: float | None = None,
    level: int = logging.INFO,
) -> None:
    # Work no request or tick started (the CLI's demo) still gets an id to follow.
    scope = nullcontext() if correlation_id_var.get() else new_correlation_id("session")
    session_id = row["id"] if row is not None else None
    strategy_id = row["strategy_id"] if row is not None else None
    with scope:
        store.insert_event(
            conn,
            time_us=to_us(now),
            event=event,
            message=message,
            session_id=session_id,
            strategy_id=strategy_id,
            strategy_name=row["strategy_name"] if row is not None else None,
            details={**(details or {}), "correlation_id": correlation_id_var.get()},
            pnl=pnl,
            fees=fees,
        )
        logger.log(
            level,
            message,
            extra={
                "event": event,
                "strategy_id": strategy_id,
                "session_id": session_id,
                "pnl": pnl,
            },
        )


class SessionExecutor:
    def __init__(
        self,
        conn: sqlite3.Connection,
        markets: MarketCache | None = None,
        costs: ExecutionCosts | None = None,
    ) -> None:
        self.conn = conn
        self.markets = markets or MarketCache()
        self.costs = costs or ExecutionCosts()

    def _load(self, session_id: int) -> sqlite3.Row:
        row = store.load_session(self.conn, session_id)
        if row is None:
            raise SessionNotFound(session_id)
        return row

    def interrupt(
        self, row: sqlite3.Row, now: datetime, reason: str, level: int = logging.WARNING
    ) -> None:
        store.update_session(
            self.conn,
            row["id"],
            status="interrupted",
            status_reason=reason,
            ended_at=to_us(now),
            updated_at=to_us(now),
        )
        record_event(
            self.conn,
            now,
            "session_interrupted",
            f"session interrupted: {reason}",
            row,
            details={"reason": reason},
            level=level,
        )

    def advance(self, session_id: int, now: datetime) -> None:
        """One engine step for a live session. A paused session enters nothing new but its
        open position is still marked and still exits on its rules."""
        with write_transaction(self.conn):
            row = self._load(session_id)
            # A tick whose clock was read just before the session started has nothing to do.
            if (
                row["status"] not in store.LIVE_STATUSES
                or row["mode"] != "paper"  # live sessions trade on Delta (sessions.live)
                or to_us(now) < row["market_start"]
            ):
                return
            try:
                session = restore(row, self.markets)
            except UnreadableState as exc:
                self.interrupt(row, now, str(exc))
                return
            running = row["status"] == "running"
            config = session.config.model_copy(update={"active": running})
            enter_now = running and bool(row["enter_now"])
            outcome = step(
                config, session.market, now, session.state, self.costs, enter_now=enter_now
            )
            changes: dict[str, Any] = {}
            if outcome.opened is not None:
                changes.update(self._opened(row, now, session.market, outcome.opened))
                changes["enter_now"] = 0
            if outcome.closed is not None:
                changes.update(self._closed(row, now, session.market, outcome.closed))
            changes.update(mark_columns(session.market, now, outcome.state.position))
            changes["engine_state"] = dumps(state_to_json(outcome.state))
            if _differs(row, changes):
                changes["updated_at"] = to_us(now)
                store.update_session(self.conn, session_id, **changes)

    def _paper_fills(
        self, row: sqlite3.Row, order: str, spot: float, position: OpenPosition, prices: Any
    ) -> tuple[LegFill, LegFill]:
        sequence = store.count_fills(self.conn, row["id"]) // 4 + 1
        return tuple(  # type: ignore[return-value]
            LegFill(
                client_order_id=f"paper-s{row['id']}-{order}{sequence}-{option_type}",
                fee=0.0
                if price is None
                else self.costs.fee(spot, price, position.contract_size, position.contracts),
            )
            for option_type, price in zip(("call", "put"), prices, strict=True)
        )

    def _opened(
        self, row: sqlite3.Row, now: datetime, market: SimulatedMarket, position: OpenPosition
    ) -> dict[str, Any]:
        prices = (position.call.entry_price, position.put.entry_price)
        fills = self._paper_fills(row, "open", market.spot_at(now), position, prices)
        return record_open(self.conn, row, now, position, fills)

    def _closed(
        self, row: sqlite3.Row, now: datetime, market: SimulatedMarket, closed: ClosedPosition
    ) -> dict[str, Any]:
        position = closed.position
        spot = market.spot_at(min(now, position.expiry))
        # Settlement at expiry is not a trade: no fee.
        prices = (
            (None, None)
            if closed.reason == "expiry"
            else (closed.call_exit_price, closed.put_exit_price)
        )
        fills = self._paper_fills(row, "close", spot, position, prices)
        return record_close(self.conn, row, now, closed, fills)

    def change_status(self, session_id: int, now: datetime, target: str, reason: str) -> None:
        """pause (running -> paused) and resume (paused -> running)."""
        source = {"paused": "running", "running": "paused"}[target]
        with write_transaction(self.conn):
            row = self._load(session_id)
            if row["status"] != source:
                raise ImpossibleTransition(f"session {session_id} is {row['status']}")
            store.update_session(
                self.conn, session_id, status=target, status_reason=reason, updated_at=to_us(now)
            )
            event = "session_paused" if target == "paused" else "session_resumed"
            record_event(self.conn, now, event, f"session {target}: {reason}", row)

    def end(
        self,
        session_id: int,
        now: datetime,
        status: str,
        reason: str,
        close_reason: CloseReason | None = None,
    ) -> bool:
        """stop or panic: close any open position at market now, then end the session. A live
        session holding a position is only asked to close (the engine buys it back on Delta);
        returns whether the session has ended."""
        with write_transaction(self.conn):
            row = self._load(session_id)
            if row["status"] not in store.LIVE_STATUSES:
                raise ImpossibleTransition(f"session {session_id} is {row['status']}")
            close = close_reason or END_STATUSES[status]
            if row["mode"] == "live":
                return request_live_close(self.conn, row, now, CloseRequest(status, reason, close))  # type: ignore[arg-type]
            self._end_live(row, now, status, reason, close)
            return True

    def _end_live(
        self, row: sqlite3.Row, now: datetime, status: str, reason: str, close: CloseReason
    ) -> None:
        changes: dict[str, Any] = {}
        try:
            session = restore(row, self.markets)
        except UnreadableState as exc:
            # Nothing can be closed without the position; say so rather than lose it.
            reason = f"{reason}; {exc}"
            session = None
        if session is not None and session.state.position is not None:
            closed = close_position(session.market, now, session.state.position, close, self.costs)
            changes.update(self._closed(row, now, session.market, closed))
            changes["engine_state"] = dumps(
                state_to_json(EngineState(None, session.state.last_entry_session))
            )
        finish_session(self.conn, row, now, status, reason, changes)
        if session is not None:
            config = session.config
            self.markets.forget(config.underlying, row["market_seed"], row["market_start"])

    def end_all_live(self, now: datetime, reason: str) -> int:
        """Panic-close every running or paused session (the kill switch)."""
        ended = 0
        with write_transaction(self.conn):
            for row in store.live_sessions(self.conn):
                if row["mode"] == "live":
                    request = CloseRequest("panic_closed", reason, "kill_switch")
                    request_live_close(self.conn, row, now, request)
                else:
                    self._end_live(row, now, "panic_closed", reason, "kill_switch")
                ended += 1
        return ended


def position_details(position: OpenPosition) -> dict[str, Any]:
    return {
        "contracts": position.contracts,
        "expiry": iso_z(position.expiry),
        "opened_at": iso_z(position.opened_at),
        "call_strike": position.call.strike,
        "put_strike": position.put.strike,
        "call_entry_price": position.call.entry_price,
        "put_entry_price": position.put.entry_price,
        "premium_collected": position.premium_collected,
    }


def _differs(row: sqlite3.Row, changes: dict[str, Any]) -> bool:
    return any(row[name] != value for name, value in changes.items())


@dataclass(frozen=True, slots=True)
class LegFill:
    """How one leg's fill is recorded: its order's ids and the fee it paid."""

    client_order_id: str
    fee: float
    exchange_order_id: int | None = None


def _insert_fill(
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    now: datetime,
    leg: Any,
    side: str,
    price: float,
    contracts: int,
    fill: LegFill,
) -> None:
    store.insert_fill(
        conn,
        session_id=row["id"],
        strategy_id=row["strategy_id"],
        client_order_id=fill.client_order_id,
        exchange_order_id=fill.exchange_order_id,
        leg=leg.option_type,
        side=side,
        strike=leg.strike,
        price=price,
        contracts=contracts,
        fee=fill.fee,
        time=to_us(now),
    )


def record_open(
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    now: datetime,
    position: OpenPosition,
    fills: tuple[LegFill, LegFill],
) -> dict[str, Any]:
    """The two sell fills and the `position_opened` event; returns the session's changes."""
    for leg, fill in zip((position.call, position.put), fills, strict=True):
        _insert_fill(conn, row, now, leg, "sell", leg.entry_price, position.contracts, fill)
    record_event(
        conn,
        now,
        "position_opened",
        f"sold {position.contracts} x {position.call.strike:g} call and"
        f" {position.put.strike:g} put expiring {iso_z(position.expiry)}"
        f" for {position.premium_collected:.2f} USD",
        row,
        details=position_details(position),
        fees=position.entry_fees,
    )
    return {"fees": row["fees"] + position.entry_fees}


def record_close(
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    now: datetime,
    closed: ClosedPosition,
    fills: tuple[LegFill, LegFill],
) -> dict[str, Any]:
    """The two buy fills and the `position_closed` event; returns the session's changes."""
    position = closed.position
    prices = (closed.call_exit_price, closed.put_exit_price)
    for leg, price, fill in zip((position.call, position.put), prices, fills, strict=True):
        _insert_fill(conn, row, now, leg, "buy", price, position.contracts, fill)
    record_event(
        conn,
        now,
        "position_closed",
        f"closed on {closed.reason}: net {closed.net_pnl:.2f} USD",
        row,
        details={
            **position_details(position),
            "reason": closed.reason,
            "call_exit_price": closed.call_exit_price,
            "put_exit_price": closed.put_exit_price,
            "gross_pnl": closed.gross_pnl,
        },
        pnl=closed.net_pnl,
        fees=closed.fees,
    )
    return {
        "realised_pnl": row["realised_pnl"] + closed.net_pnl,
        "fees": row["fees"] + closed.exit_fees,
        "trade_count": row["trade_count"] + 1,
        "unrealised_pnl": 0.0,
        "marks": None,
    }


def finish_session(
    conn: sqlite3.Connection,
    row: sqlite3.Row,
    now: datetime,
    status: str,
    reason: str,
    changes: dict[str, Any] | None = None,
) -> None:
    """End a flat session as stopped or panic_closed, with `changes` written alongside."""
    store.update_session(
        conn,
        row["id"],
        **{
            **(changes or {}),
            "status": status,
            "status_reason": reason,
            "ended_at": to_us(now),
            "updated_at": to_us(now),
            "unrealised_pnl": 0.0,
            "marks": None,
        },
    )
    event = "session_stopped" if status == "stopped" else "session_panic_closed"
    record_event(
        conn,
        now,
        event,
        f"session {status.replace('_', ' ')}: {reason}",
        row,
        details={"reason": reason},
    )


def request_live_close(
    conn: sqlite3.Connection, row: sqlite3.Row, now: datetime, request: CloseRequest
) -> bool:
    """A live session that is flat ends at once; one with a position or orders in flight is
    marked for the engine to close on Delta (a later panic overrides an earlier stop)."""
    state = orjson.loads(row["engine_state"] or "{}")
    if not state.get("position") and not row["pending_orders"]:
        finish_session(conn, row, now, request.status, request.reason)
        return True
    store.update_session(
        conn,
        row["id"],
        close_request=request.to_json(),
        status_reason=f"{request.reason}; closing the position on Delta",
        updated_at=to_us(now),
    )
    record_event(
        conn,
        now,
        "close_requested",
        f"close requested ({request.status.replace('_', ' ')}): {request.reason}",
        row,
        details={"reason": request.reason, "status": request.status},
    )
    return False


def mark_columns(market: Any, now: datetime, position: OpenPosition | None) -> dict[str, Any]:
    """The session's `unrealised_pnl` and `marks` for an open position (or none) at `now`, on
    the simulated market or a Delta snapshot."""
    if position is None:
        return {"unrealised_pnl": 0.0, "marks": None}
    marks = mark_to_market(market, now, position)
    return {
        "unrealised_pnl": marks.unrealised_pnl,
        "marks": dumps({"call": marks.call_mid, "put": marks.put_mid}),
    }
