"""Response bodies of the sessions and kill switch routes (the OpenAPI schema the UI is typed from).

The views in `sessions.view` and `sessions.kill_switch` build plain dicts (the WebSocket
sends them as they are); these models type and document the same shapes for HTTP.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from control_plane.api.query_params import SessionStatus
from control_plane.trading.pricing import OptionType


class PositionLeg(BaseModel):
    option_type: OptionType
    strike: float
    entry_price: float
    mark_price: float | None


class SessionPosition(BaseModel):
    opened_at: datetime
    expiry: datetime
    contracts: int
    legs: list[PositionLeg]
    premium_collected: float
    unrealised_pnl: float


class SessionOut(BaseModel):
    id: int
    strategy_id: int
    strategy_name: str
    mode: Literal["paper", "live"]
    status: SessionStatus
    started_at: datetime
    ended_at: datetime | None
    status_reason: str | None
    realised_pnl: float
    unrealised_pnl: float
    fees: float
    trade_count: int
    position: SessionPosition | None
    updated_at: datetime


class SessionEvent(BaseModel):
    id: int
    time: datetime
    event: str
    session_id: int | None
    strategy_id: int | None
    message: str
    details: dict[str, Any]
    pnl: float | None


class KillSwitchOut(BaseModel):
    tripped: bool
    tripped_at: datetime | None
    reason: str | None
    daily_loss_limit: float
    day_pnl: float
