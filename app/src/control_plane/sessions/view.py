"""Sessions, fills and events as the API serves them."""

from __future__ import annotations

import sqlite3
from typing import Any

import orjson

from control_plane.sessions.times import iso_from_us, iso_z
from control_plane.trading.state_codec import UnreadableState, state_from_json


def _position(row: sqlite3.Row) -> dict[str, Any] | None:
    try:
        state = state_from_json(orjson.loads(row["engine_state"] or "{}"))
    except (UnreadableState, orjson.JSONDecodeError):
        return None
    position = state.position
    if position is None:
        return None
    marks = orjson.loads(row["marks"]) if row["marks"] else {}
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
        "unrealised_pnl": row["unrealised_pnl"],
    }


def session_view(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "strategy_id": row["strategy_id"],
        "strategy_name": row["strategy_name"],
        "mode": row["mode"],
        "status": row["status"],
        "started_at": iso_from_us(row["started_at"]),
        "ended_at": iso_from_us(row["ended_at"]),
        "status_reason": row["status_reason"],
        "realised_pnl": row["realised_pnl"],
        "unrealised_pnl": row["unrealised_pnl"],
        "fees": row["fees"],
        "trade_count": row["trade_count"],
        "position": _position(row),
        "updated_at": iso_from_us(row["updated_at"]),
    }


def event_view(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "time": iso_from_us(row["time"]),
        "event": row["event"],
        "session_id": row["session_id"],
        "strategy_id": row["strategy_id"],
        "message": row["message"],
        "details": orjson.loads(row["details"]),
        "pnl": row["pnl"],
    }


def fill_view(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "time": iso_from_us(row["time"]),
        "option_type": row["leg"],
        "strike": row["strike"],
        "side": row["side"],
        "price": row["price"],
        "contracts": row["contracts"],
        "fee": row["fee"],
    }
