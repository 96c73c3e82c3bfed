"""What a session's trades and changes write, paper or live: fills, timeline events (each
also a JSON log line), and the columns of the session they change.

Each log line carries `event`, `strategy_id`, `session_id` and the correlation id bound by the
caller (a request's, or the engine tick's).
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from control_plane.correlation import correlation_id_var, new_correlation_id
from control_plane.db.sqlite import dumps
from control_plane.sessions import store
from control_plane.sessions.store import SessionChanges, SessionRecord
from control_plane.times import iso_z, to_us
from control_plane.trading.market import Market
from control_plane.trading.paper_engine import (
    ClosedPosition,
    EngineState,
    Leg,
    OpenPosition,
    mark_to_market,
)
from control_plane.trading.state_codec import UnreadableState, state_from_json, state_to_json
from control_plane.trading.strategy_config import StrategyConfig

logger = logging.getLogger("control_plane.sessions")

EndStatus = Literal["stopped", "panic_closed"]
_EMPTY_STATE = state_to_json(EngineState())


def decode(session: SessionRecord) -> tuple[StrategyConfig, EngineState]:
    """A session's stored configuration and engine state; raises UnreadableState when either
    is unusable."""
    try:
        config = StrategyConfig.model_validate(orjson.loads(session.config))
        state = state_from_json(orjson.loads(session.engine_state or "{}") or _EMPTY_STATE)
    except (orjson.JSONDecodeError, ValidationError) as exc:
        raise UnreadableState(f"stored session cannot be restored: {exc}") from exc
    return config, state


def record_event(
    conn: sqlite3.Connection,
    now: datetime,
    event: str,
    message: str,
    session: SessionRecord | None = None,
    *,
    details: dict[str, Any] | None = None,
    pnl: float | None = None,
    fees: float | None = None,
    level: int = logging.INFO,
    log_details: bool = False,
) -> None:
    """`log_details` puts the details in the log line's fields too (what notifications read)."""
    # Work no request or tick started (the CLI's demo) still gets an id to follow.
    scope = nullcontext() if correlation_id_var.get() else new_correlation_id("session")
    session_id = session.id if session is not None else None
    strategy_id = session.strategy_id if session is not None else None
    with scope:
        store.insert_event(
            conn,
            time_us=to_us(now),
            event=event,
            message=message,
            session_id=session_id,
            strategy_id=strategy_id,
            strategy_name=session.strategy_name if session is not None else None,
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
                **(details if log_details and details else {}),
            },
        )


def interrupt(
    conn: sqlite3.Connection,
    session: SessionRecord,
    now: datetime,
    reason: str,
    level: int = logging.WARNING,
) -> None:
    store.update_session(
        conn,
        session.id,
        {
            "status": "interrupted",
            "status_reason": reason,
            "ended_at": to_us(now),
            "updated_at": to_us(now),
        },
    )
    record_event(
        conn,
        now,
        "session_interrupted",
        f"session interrupted: {reason}",
        session,
        details={"reason": reason},
        level=level,
    )


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


def differs(session: SessionRecord, changes: SessionChanges) -> bool:
    return any(getattr(session, name) != value for name, value in changes.items())


@dataclass(frozen=True, slots=True)
class LegFill:
    """How one leg's fill is recorded: its order's ids and the fee it paid."""

    client_order_id: str
    fee: float
    exchange_order_id: int | None = None


LegFills = tuple[LegFill, LegFill]


def _insert_fill(
    conn: sqlite3.Connection,
    session: SessionRecord,
    now: datetime,
    leg: Leg,
    side: store.FillSide,
    price: float,
    contracts: int,
    fill: LegFill,
) -> None:
    store.insert_fill(
        conn,
        store.NewFill(
            session_id=session.id,
            strategy_id=session.strategy_id,
            client_order_id=fill.client_order_id,
            exchange_order_id=fill.exchange_order_id,
            leg=leg.option_type,
            side=side,
            strike=leg.strike,
            price=price,
            contracts=contracts,
            fee=fill.fee,
            time=to_us(now),
        ),
    )


def record_open(
    conn: sqlite3.Connection,
    session: SessionRecord,
    now: datetime,
    position: OpenPosition,
    fills: LegFills,
) -> SessionChanges:
    """The two sell fills and the `position_opened` event; returns the session's changes."""
    for leg, fill in zip((position.call, position.put), fills, strict=True):
        _insert_fill(conn, session, now, leg, "sell", leg.entry_price, position.contracts, fill)
    record_event(
        conn,
        now,
        "position_opened",
        f"sold {position.contracts} x {position.call.strike:g} call and"
        f" {position.put.strike:g} put expiring {iso_z(position.expiry)}"
        f" for {position.premium_collected:.2f} USD",
        session,
        details=position_details(position),
        fees=position.entry_fees,
    )
    return {"fees": session.fees + position.entry_fees}


def record_close(
    conn: sqlite3.Connection,
    session: SessionRecord,
    now: datetime,
    closed: ClosedPosition,
    fills: LegFills,
) -> SessionChanges:
    """The two buy fills and the `position_closed` event; returns the session's changes."""
    position = closed.position
    prices = (closed.call_exit_price, closed.put_exit_price)
    for leg, price, fill in zip((position.call, position.put), prices, fills, strict=True):
        _insert_fill(conn, session, now, leg, "buy", price, position.contracts, fill)
    record_event(
        conn,
        now,
        "position_closed",
        f"closed on {closed.reason}: net {closed.net_pnl:.2f} USD",
        session,
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
        "realised_pnl": session.realised_pnl + closed.net_pnl,
        "fees": session.fees + closed.exit_fees,
        "trade_count": session.trade_count + 1,
        "unrealised_pnl": 0.0,
        "marks": None,
    }


def finish_session(
    conn: sqlite3.Connection,
    session: SessionRecord,
    now: datetime,
    status: EndStatus,
    reason: str,
    changes: SessionChanges | None = None,
) -> None:
    """End a flat session as stopped or panic_closed, with `changes` written alongside."""
    final: SessionChanges = {
        **(changes or {}),
        "status": status,
        "status_reason": reason,
        "ended_at": to_us(now),
        "updated_at": to_us(now),
        "unrealised_pnl": 0.0,
        "marks": None,
    }
    store.update_session(conn, session.id, final)
    event = "session_stopped" if status == "stopped" else "session_panic_closed"
    record_event(
        conn,
        now,
        event,
        f"session {status.replace('_', ' ')}: {reason}",
        session,
        details={"reason": reason},
    )


def flat_state(last_entry_session: datetime | None) -> str:
    """The engine state once its position is gone (the entry window it used is kept)."""
    return dumps(state_to_json(EngineState(None, last_entry_session)))


def mark_columns(market: Market, now: datetime, position: OpenPosition | None) -> SessionChanges:
    """The session's `unrealised_pnl` and `marks` for an open position at `now`; a flat
    session's marks are the spot alone (what its next entry is chosen against)."""
    if position is None:
        return {"unrealised_pnl": 0.0, "marks": dumps({"spot": market.spot_at(now)})}
    marks = mark_to_market(market, now, position)
    return {
        "unrealised_pnl": marks.unrealised_pnl,
        "marks": dumps(
            {
                "call": marks.call.mid,
                "put": marks.put.mid,
                "spot": marks.spot,
                "call_iv": marks.call.iv,
                "put_iv": marks.put.iv,
                "call_delta": marks.call.delta,
                "put_delta": marks.put.delta,
            }
        ),
    }
