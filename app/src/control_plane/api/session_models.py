"""Response bodies of the sessions and kill switch routes (the OpenAPI schema the UI is typed from).

The views in `sessions.view` and `sessions.kill_switch` build plain dicts (the WebSocket
sends them as they are); these models type and document the same shapes for HTTP.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from control_plane.api.query_params import SessionStatus
from control_plane.trading.market import Underlying
from control_plane.trading.pricing import OptionType
from control_plane.trading.strategy_config import StrategyConfig


class PositionLeg(BaseModel):
    """Prices are USD per coin of the underlying (Delta quotes options per coin); delta and
    implied volatility are the option's at its last mark (null once expired)."""

    option_type: OptionType
    strike: float
    entry_price: float
    entry_delta: float
    mark_price: float | None
    delta: float | None
    iv: float | None


class SessionPosition(BaseModel):
    """`contract_size` is coins per contract; premium and PnL are USD for the whole position;
    `net_delta` is the short strangle's delta in coins."""

    opened_at: datetime
    expiry: datetime
    exit_deadline: datetime
    contracts: int
    contract_size: float
    legs: list[PositionLeg]
    premium_collected: float
    unrealised_pnl: float
    net_delta: float | None


class SessionOut(BaseModel):
    id: int
    strategy_id: int
    strategy_name: str
    underlying: Underlying | None
    mode: Literal["paper", "live"]
    status: SessionStatus
    started_at: datetime
    ended_at: datetime | None
    status_reason: str | None
    realised_pnl: float
    unrealised_pnl: float
    fees: float
    trade_count: int
    spot: float | None = Field(description="USD per coin at the session's last mark")
    position: SessionPosition | None
    next_entry_at: datetime | None = Field(
        description="When a running session may next open a position (now when it may at"
        " its next tick); null when paused or ended"
    )
    next_exit_at: datetime | None = Field(
        description="When the open position must close by the clock, or, when flat, when the"
        " position of the next entry would"
    )
    updated_at: datetime


class SessionDetail(SessionOut):
    config: StrategyConfig = Field(description="The strategy as it was when the session started")


class SessionFill(BaseModel):
    """`price` is USD per coin; `fee` is USD for the whole fill."""

    id: int
    time: datetime
    option_type: OptionType
    strike: float
    side: Literal["buy", "sell"]
    price: float
    contracts: int
    fee: float


class FillPage(BaseModel):
    items: list[SessionFill]
    page: int
    page_size: int
    total: int


class SessionEvent(BaseModel):
    id: int
    time: datetime
    event: str
    session_id: int | None
    strategy_id: int | None
    message: str
    details: dict[str, Any]
    pnl: float | None


class EventPage(BaseModel):
    items: list[SessionEvent]
    page: int
    page_size: int
    total: int


class KillSwitchOut(BaseModel):
    tripped: bool
    tripped_at: datetime | None
    reason: str | None
    daily_loss_limit: float
    day_pnl: float
