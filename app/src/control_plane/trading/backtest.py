"""Run the paper engine over a stretch of simulated time and summarise the trades."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.market import SimulatedMarket
from control_plane.trading.metrics import TradeStatistics, trade_statistics
from control_plane.trading.paper_engine import ClosedPosition, EngineState, OpenPosition, step
from control_plane.trading.strategy_config import StrategyConfig


@dataclass(frozen=True, slots=True)
class PerTradeFigures:
    """What a backtest reports per trade beside TradeStatistics; None without trades (or
    without a win, or a loss)."""

    average_trade: float | None
    largest_win: float | None
    largest_loss: float | None


def per_trade_figures(net_pnls: Sequence[float]) -> PerTradeFigures:
    wins = [pnl for pnl in net_pnls if pnl > 0]
    losses = [pnl for pnl in net_pnls if pnl < 0]
    return PerTradeFigures(
        average_trade=math.fsum(net_pnls) / len(net_pnls) if net_pnls else None,
        largest_win=max(wins) if wins else None,
        largest_loss=min(losses) if losses else None,
    )


@dataclass(frozen=True, slots=True)
class BacktestResult:
    trades: list[ClosedPosition]
    statistics: TradeStatistics
    still_open: OpenPosition | None

    @property
    def per_trade(self) -> PerTradeFigures:
        return per_trade_figures([trade.net_pnl for trade in self.trades])


def run_backtest(
    config: StrategyConfig,
    market: SimulatedMarket,
    end: datetime,
    interval: timedelta,
    costs: ExecutionCosts | None = None,
) -> BacktestResult:
    """Steps from the market's start up to (not including) `end`. The strategy is run as if
    active: a backtest asks how it would have traded, whatever its switch says now."""
    if interval <= timedelta(0):
        raise ValueError("interval must be positive")
    strategy = config.model_copy(update={"active": True})
    state = EngineState()
    trades: list[ClosedPosition] = []
    now = market.start
    while now < end:
        outcome = step(strategy, market, now, state, costs)
        state = outcome.state
        if outcome.closed is not None:
            trades.append(outcome.closed)
        now += interval
    statistics = trade_statistics(trade.as_trade() for trade in trades)
    return BacktestResult(trades, statistics, state.position)
