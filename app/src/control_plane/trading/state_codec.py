"""The paper engine's state as JSON, so a session can be persisted and resumed after a restart."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from control_plane.trading.paper_engine import EngineState, Leg, OpenPosition


class UnreadableState(ValueError):
    """The stored state cannot be turned back into an EngineState."""


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _leg(leg: Leg) -> dict[str, Any]:
    return {
        "option_type": leg.option_type,
        "strike": leg.strike,
        "entry_mid": leg.entry_mid,
        "entry_price": leg.entry_price,
        "entry_delta": leg.entry_delta,
    }


def state_to_json(state: EngineState) -> dict[str, Any]:
    position = state.position
    return {
        "version": 1,
        "last_entry_session": _time(state.last_entry_session),
        "position": None
        if position is None
        else {
            "contracts": position.contracts,
            "contract_size": position.contract_size,
            "expiry": _time(position.expiry),
            "opened_at": _time(position.opened_at),
            "exit_deadline": _time(position.exit_deadline),
            "call": _leg(position.call),
            "put": _leg(position.put),
            "entry_fees": position.entry_fees,
            "peak_profit_pct": position.peak_profit_pct,
        },
    }


def _aware(value: Any) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"time without an offset: {value!r}")
    return parsed


def state_from_json(document: Any) -> EngineState:
    try:
        if document.get("version") != 1:
            raise ValueError(f"unknown state version {document.get('version')!r}")
        last = document["last_entry_session"]
        raw = document["position"]
        position = None
        if raw is not None:
            position = OpenPosition(
                contracts=int(raw["contracts"]),
                contract_size=float(raw["contract_size"]),
                expiry=_aware(raw["expiry"]),
                opened_at=_aware(raw["opened_at"]),
                exit_deadline=_aware(raw["exit_deadline"]),
                call=Leg(**raw["call"]),
                put=Leg(**raw["put"]),
                entry_fees=float(raw["entry_fees"]),
                peak_profit_pct=float(raw["peak_profit_pct"]),
            )
        return EngineState(position, last_entry_session=None if last is None else _aware(last))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise UnreadableState(f"engine state cannot be restored: {exc}") from exc
