"""Sessions, fills and events as the API serves them."""

from __future__ import annotations

from typing import Any

import orjson

from control_plane.sessions.store import FillRecord, SessionRecord, TimelineEvent
from control_plane.times import iso_from_us, iso_z
from control_plane.trading.state_codec import UnreadableState, state_from_json


def _position(session: SessionRecord) -> dict[str, Any] | None:
    try:
        state = state_from_json(orjson.loads(session.engine_state or "{}"))
    except (UnreadableState, orjson.JSONDecodeError):
        return None
    position = state.position
    if position is None:
        return None
    marks = orjson.loads(session.marks) if session.marks else {}
    return {
        "opened_at": iso_z(position.opened_at),
        "expiry": iso_z(position.expiry),
        "contracts": position.contracts,
        "legs": [
            {
                "option_type": leg.option_type,
                "strike": leg.strike,
                "entry_price": leg.entry_price,
                "mark_price": marks.get(leg.option_type),
            }
            for leg in (position.call, position.put)
        ],
        "premium_collected": position.premium_collected,
        "unrealised_pnl": session.unrealised_pnl,
    }


def session_view(session: SessionRecord) -> dict[str, Any]:
    return {
        "id": session.id,
        "strategy_id": session.strategy_id,
        "strategy_name": session.strategy_name,
        "mode": session.mode,
        "status": session.status,
        "started_at": iso_from_us(session.started_at),
        "ended_at": iso_from_us(session.ended_at),
        "status_reason": session.status_reason,
        "realised_pnl": session.realised_pnl,
        "unrealised_pnl": session.unrealised_pnl,
        "fees": session.fees,
        "trade_count": session.trade_count,
        "position": _position(session),
        "updated_at": iso_from_us(session.updated_at),
    }


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
        "time": iso_from_us(fill.time),
        "option_type": fill.leg,
        "strike": fill.strike,
        "side": fill.side,
        "price": fill.price,
        "contracts": fill.contracts,
        "fee": fill.fee,
    }
