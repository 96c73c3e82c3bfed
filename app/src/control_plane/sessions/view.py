"""Sessions, fills and events as the API serves them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from control_plane.sessions.ledger import decode
from control_plane.sessions.outlook import session_outlook
from control_plane.sessions.store import FillRecord, SessionRecord, TimelineEvent
from control_plane.times import iso_from_us, iso_z, utc_now
from control_plane.trading.paper_engine import Leg, OpenPosition
from control_plane.trading.schedule import exit_deadline
from control_plane.trading.state_codec import UnreadableState, state_from_json


def _leg(leg: Leg, marks: dict[str, Any]) -> dict[str, Any]:
    kind = leg.option_type
    return {
        "option_type": kind,
        "strike": leg.strike,
        "entry_price": leg.entry_price,
        "entry_delta": leg.entry_delta,
        "mark_price": marks.get(kind),
        "delta": marks.get(f"{kind}_delta"),
        "iv": marks.get(f"{kind}_iv"),
    }


def _net_delta(position: OpenPosition, marks: dict[str, Any]) -> float | None:
    """Delta of the short strangle in coins of the underlying (sold, so the legs' sign flips)."""
    deltas = [marks.get(f"{leg.option_type}_delta") for leg in (position.call, position.put)]
    if any(delta is None for delta in deltas):
        return None
    coins = position.contract_size * position.contracts
    return -sum(float(delta or 0.0) for delta in deltas) * coins


def _position(session: SessionRecord, marks: dict[str, Any]) -> dict[str, Any] | None:
    try:
        state = state_from_json(orjson.loads(session.engine_state or "{}"))
    except (UnreadableState, orjson.JSONDecodeError):
        return None
    position = state.position
    if position is None:
        return None
    return {
        "opened_at": iso_z(position.opened_at),
        "expiry": iso_z(position.expiry),
        "exit_deadline": iso_z(position.exit_deadline),
        "contracts": position.contracts,
        "contract_size": position.contract_size,
        "legs": [_leg(leg, marks) for leg in (position.call, position.put)],
        "premium_collected": position.premium_collected,
        "unrealised_pnl": session.unrealised_pnl,
        "net_delta": _net_delta(position, marks),
    }


def _config(session: SessionRecord) -> dict[str, Any]:
    try:
        config = orjson.loads(session.config)
    except orjson.JSONDecodeError:
        return {}
    return config if isinstance(config, dict) else {}


def _iso(moment: datetime | None) -> str | None:
    return iso_z(moment) if moment is not None else None


def _next_times(session: SessionRecord, now: datetime) -> dict[str, str | None]:
    """When an active session may next enter and must next exit (sessions.outlook); a flat
    session's next exit is the deadline of the position its next entry would open."""
    none: dict[str, str | None] = {"next_entry_at": None, "next_exit_at": None}
    if not session.active:
        return none
    try:
        config, _state = decode(session)
        outlook = session_outlook(session, now)
    except UnreadableState:
        return none
    entry_at, exit_at = outlook.next_entry_at, outlook.next_exit_at
    if exit_at is None and entry_at is not None:
        exit_at = exit_deadline(config, entry_at)
    return {"next_entry_at": _iso(entry_at), "next_exit_at": _iso(exit_at)}


def session_view(session: SessionRecord, now: datetime | None = None) -> dict[str, Any]:
    marks = orjson.loads(session.marks) if session.marks else {}
    return {
        "id": session.id,
        "strategy_id": session.strategy_id,
        "strategy_name": session.strategy_name,
        "underlying": _config(session).get("underlying"),
        "mode": session.mode,
        "status": session.status,
        "started_at": iso_from_us(session.started_at),
        "ended_at": iso_from_us(session.ended_at),
        "status_reason": session.status_reason,
        "realised_pnl": session.realised_pnl,
        "unrealised_pnl": session.unrealised_pnl,
        "fees": session.fees,
        "trade_count": session.trade_count,
        "spot": marks.get("spot"),
        "position": _position(session, marks),
        **_next_times(session, now or utc_now()),
        "updated_at": iso_from_us(session.updated_at),
    }


def session_detail_view(session: SessionRecord, now: datetime | None = None) -> dict[str, Any]:
    """A session with the strategy configuration it runs with (copied when it started)."""
    return {**session_view(session, now), "config": _config(session)}


def event_view(event: TimelineEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "time": iso_from_us(event.time),
        "event": event.event,
        "session_id": event.session_id,
        "strategy_id": event.strategy_id,
        "message": event.message,
        "details": orjson.loads(event.details),
        "pnl": event.pnl,
    }


def fill_view(fill: FillRecord) -> dict[str, Any]:
    return {
        "id": fill.id,
        "time": iso_from_us(fill.time),
        "option_type": fill.leg,
        "strike": fill.strike,
        "side": fill.side,
        "price": fill.price,
        "contracts": fill.contracts,
        "fee": fill.fee,
    }
