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


class StatisticsAccumulator:
    """Takes trades one at a time, in close order, and keeps only running figures and one
    number per day, so the statistics of millions of trades stream in constant memory.
    With `keep_series`, it also records the cumulative PnL and drawdown after each trade."""

    def __init__(self, zone: tzinfo = UTC, *, keep_series: bool = False) -> None:
        self.zone = zone
        self.keep_series = keep_series
        self.cumulative: list[SeriesPoint] = []
        self.drawdown: list[SeriesPoint] = []
        self._count = self._wins = self._losses = 0
        self._net: list[float] = []  # partial sums kept short; see _add_exact
        self._fees: list[float] = []
        self._win_total: list[float] = []
        self._loss_total: list[float] = []
        self._running = self._peak = self._max_drawdown = 0.0
        self._win_run = self._loss_run = self._best_win_run = self._best_loss_run = 0
        self._days: dict[date, float] = {}
        self._last: datetime | None = None

    def add(self, trade: ClosedTrade) -> None:
        if self._last is not None and trade.closed_at < self._last:
            raise ValueError("trades must be added in close order")
        self._last = trade.closed_at
        pnl = trade.net_pnl
        self._count += 1
        _add_exact(self._net, pnl)
        _add_exact(self._fees, trade.fees)
        if pnl > 0:
            self._wins += 1
            _add_exact(self._win_total, pnl)
        elif pnl < 0:
            self._losses += 1
            _add_exact(self._loss_total, pnl)
        self._win_run = self._win_run + 1 if pnl > 0 else 0
        self._loss_run = self._loss_run + 1 if pnl < 0 else 0
        self._best_win_run = max(self._best_win_run, self._win_run)
        self._best_loss_run = max(self._best_loss_run, self._loss_run)
        self._running += pnl
        self._peak = max(self._peak, self._running)
        self._max_drawdown = max(self._max_drawdown, self._peak - self._running)
        if self.keep_series:
            self.cumulative.append(SeriesPoint(trade.closed_at, self._running))
            self.drawdown.append(SeriesPoint(trade.closed_at, self._running - self._peak))
        day = trade.closed_at.astimezone(self.zone).date()
        self._days[day] = self._days.get(day, 0.0) + pnl

    @property
    def daily_pnl(self) -> dict[date, float]:
        return dict(self._days)

    def statistics(self) -> TradeStatistics:
        count = self._count
        net, fees = math.fsum(self._net), math.fsum(self._fees)
        wins_total, losses_total = math.fsum(self._win_total), math.fsum(self._loss_total)
        return TradeStatistics(
            trade_count=count,
            gross_pnl=net + fees,
            fees=fees,
            net_pnl=net,
            wins=self._wins,
            losses=self._losses,
            win_rate=self._wins / count if count else None,
            average_win=wins_total / self._wins if self._wins else None,
            average_loss=losses_total / self._losses if self._losses else None,
            profit_factor=wins_total / -losses_total if self._losses else None,
            max_drawdown=self._max_drawdown,
            longest_win_streak=self._best_win_run,
            longest_loss_streak=self._best_loss_run,
            trading_days=len(self._days),
            profitable_days=sum(1 for pnl in self._days.values() if pnl > 0),
            sharpe_annualised=sharpe_annualised(list(self._days.values())),
        )


def _add_exact(partials: list[float], value: float) -> None:
    """Shewchuk's exact partial sums (what math.fsum does), kept incrementally."""
    i = 0
    for partial in partials:
        if abs(value) < abs(partial):
            value, partial = partial, value
        high = value + partial
        low = partial - (high - value)
        if low:
            partials[i] = low
            i += 1
        value = high
    partials[i:] = [value]


def _accumulated(trades: Iterable[ClosedTrade], zone: tzinfo = UTC) -> StatisticsAccumulator:
    accumulator = StatisticsAccumulator(zone, keep_series=True)
    for trade in in_close_order(trades):
        accumulator.add(trade)
    return accumulator


def cumulative_pnl_series(trades: Iterable[ClosedTrade]) -> list[SeriesPoint]:
    return _accumulated(trades).cumulative


def drawdown_series(trades: Iterable[ClosedTrade]) -> list[SeriesPoint]:
    """Cumulative PnL minus its running peak (never above 0, the starting level) after each
    trade."""
    return _accumulated(trades).drawdown


def max_drawdown(trades: Iterable[ClosedTrade]) -> float:
    """The largest fall from a peak of cumulative PnL, as a positive amount (0 if none)."""
    return _accumulated(trades).statistics().max_drawdown


def longest_streaks(trades: Iterable[ClosedTrade]) -> tuple[int, int]:
    """(longest run of consecutive wins, longest run of consecutive losses)."""
    stats = _accumulated(trades).statistics()
    return stats.longest_win_streak, stats.longest_loss_streak


def daily_net_pnl(trades: Iterable[ClosedTrade], zone: tzinfo = UTC) -> dict[date, float]:
    """Net PnL per calendar day (in `zone`) on which at least one trade closed."""
    return _accumulated(trades, zone).daily_pnl


def sharpe_annualised(daily_pnl: Sequence[float]) -> float | None:
    """mean / sample stdev of daily PnL * sqrt(365) (crypto trades every day of the year)."""
    if len(daily_pnl) < 2:
        return None
    spread = statistics.stdev(daily_pnl)
    if spread == 0:
        return None
    return statistics.fmean(daily_pnl) / spread * math.sqrt(DAYS_PER_YEAR)


def trade_statistics(trades: Iterable[ClosedTrade], zone: tzinfo = UTC) -> TradeStatistics:
    return _accumulated(trades, zone).statistics()
