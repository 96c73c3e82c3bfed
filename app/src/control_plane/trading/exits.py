"""Why an open strangle must be closed now, if it must.

Profit is a percent of the premium collected, marked at mid prices. Expiry comes first
(settlement is not optional), then stop loss, take profit, trailing stop and exit time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from control_plane.trading.strategy_config import StrategyConfig, TrailingStopRule

ExitReason = Literal["expiry", "stop_loss", "take_profit", "trailing_stop", "exit_time"]


def profit_pct(premium_collected: float, cost_to_close: float) -> float:
    return (premium_collected - cost_to_close) / premium_collected * 100


def armed_trailing_rule(
    rules: Sequence[TrailingStopRule], peak_profit_pct: float
) -> TrailingStopRule | None:
    """The rule with the highest trigger the peak profit has reached."""
    reached = [rule for rule in rules if peak_profit_pct >= rule.trigger_pct]
    return max(reached, key=lambda rule: rule.trigger_pct, default=None)


def exit_reason(
    config: StrategyConfig,
    current_profit_pct: float,
    peak_profit_pct: float,
    now: datetime,
    deadline: datetime,
    expiry: datetime,
) -> ExitReason | None:
    if now >= expiry:
        return "expiry"
    if current_profit_pct <= -config.max_loss_pct:
        return "stop_loss"
    if current_profit_pct >= config.max_profit_pct:
        return "take_profit"
    rule = armed_trailing_rule(config.trailing_stops, peak_profit_pct)
    if rule is not None and current_profit_pct <= rule.lock_pct:
        return "trailing_stop"
    if now >= deadline:
        return "exit_time"
    return None
