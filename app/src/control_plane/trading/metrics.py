"""Performance figures over closed trades, as pure functions.

Conventions: a trade is a win when its net PnL is above zero and a loss when below; a
break-even trade counts in the trade count and the win rate's denominator but is neither, and
it ends both streaks. Drawdown is measured on cumulative net PnL from a starting level of 0.
Figures that are undefined for the data (an average with nothing to average, a profit factor
without losses, a Sharpe ratio from fewer than two days or without variation) are None rather
than infinite, so they serialise to JSON null.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

DAYS_PER_YEAR = 365


@dataclass(frozen=True, slots=True)
class ClosedTrade:
    net_pnl: float
    fees: float
    closed_at: datetime

    @property
    def gross_pnl(self) -> float:
        return self.net_pnl + self.fees


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    at: datetime
    value: float


@dataclass(frozen=True, slots=True)
class TradeStatistics:
    trade_count: int
    gross_pnl: float
    fees: float
    net_pnl: float
    wins: int
    losses: int
    win_rate: float | None
    average_win: float | None
    average_loss: float | None
    profit_factor: float | None
    max_drawdown: float
    longest_win_streak: int
    longest_loss_streak: int
    trading_days: int
    profitable_days: int
    sharpe_annualised: float | None


def in_close_order(trades: Iterable[ClosedTrade]) -> list[ClosedTrade]:
    return sorted(trades, key=lambda trade: trade.closed_at)


def cumulative_pnl_series(trades: Iterable[ClosedTrade]) -> list[SeriesPoint]:
    points: list[SeriesPoint] = []
    total = 0.0
    for trade in in_close_order(trades):
        total += trade.net_pnl
        points.append(SeriesPoint(trade.closed_at, total))
    return points


def drawdown_series(trades: Iterable[ClosedTrade]) -> list[SeriesPoint]:
    """Cumulative PnL minus its running peak (never above 0) after each trade."""
    points: list[SeriesPoint] = []
    peak = 0.0
    for point in cumulative_pnl_series(trades):
        peak = max(peak, point.value)
        points.append(SeriesPoint(point.at, point.value - peak))
    return points


def max_drawdown(trades: Iterable[ClosedTrade]) -> float:
    """The largest fall from a peak of cumulative PnL, as a positive amount (0 if none)."""
    return max((-point.value for point in drawdown_series(trades)), default=0.0)


def longest_streaks(trades: Iterable[ClosedTrade]) -> tuple[int, int]:
    """(longest run of consecutive wins, longest run of consecutive losses)."""
    best_wins = best_losses = wins = losses = 0
    for trade in in_close_order(trades):
        wins = wins + 1 if trade.net_pnl > 0 else 0
        losses = losses + 1 if trade.net_pnl < 0 else 0
        best_wins = max(best_wins, wins)
        best_losses = max(best_losses, losses)
    return best_wins, best_losses


def daily_net_pnl(trades: Iterable[ClosedTrade], zone: tzinfo = UTC) -> dict[date, float]:
    """Net PnL per calendar day (in `zone`) on which at least one trade closed."""
    days: dict[date, float] = {}
    for trade in in_close_order(trades):
        day = trade.closed_at.astimezone(zone).date()
        days[day] = days.get(day, 0.0) + trade.net_pnl
    return days


def sharpe_annualised(daily_pnl: Sequence[float]) -> float | None:
    """mean / sample stdev of daily PnL * sqrt(365) (crypto trades every day of the year)."""
    if len(daily_pnl) < 2:
        return None
    spread = statistics.stdev(daily_pnl)
    if spread == 0:
        return None
    return statistics.fmean(daily_pnl) / spread * math.sqrt(DAYS_PER_YEAR)


def _mean_or_none(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def trade_statistics(trades: Iterable[ClosedTrade], zone: tzinfo = UTC) -> TradeStatistics:
    ordered = in_close_order(trades)
    winners = [t.net_pnl for t in ordered if t.net_pnl > 0]
    losers = [t.net_pnl for t in ordered if t.net_pnl < 0]
    win_streak, loss_streak = longest_streaks(ordered)
    days = daily_net_pnl(ordered, zone)
    return TradeStatistics(
        trade_count=len(ordered),
        gross_pnl=math.fsum(t.gross_pnl for t in ordered),
        fees=math.fsum(t.fees for t in ordered),
        net_pnl=math.fsum(t.net_pnl for t in ordered),
        wins=len(winners),
        losses=len(losers),
        win_rate=len(winners) / len(ordered) if ordered else None,
        average_win=_mean_or_none(winners),
        average_loss=_mean_or_none(losers),
        profit_factor=math.fsum(winners) / -math.fsum(losers) if losers else None,
        max_drawdown=max_drawdown(ordered),
        longest_win_streak=win_streak,
        longest_loss_streak=loss_streak,
        trading_days=len(days),
        profitable_days=sum(1 for pnl in days.values() if pnl > 0),
        sharpe_annualised=sharpe_annualised(list(days.values())),
    )
