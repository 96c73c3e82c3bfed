from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from control_plane.trading.metrics import (
    ClosedTrade,
    StatisticsAccumulator,
    cumulative_pnl_series,
    daily_net_pnl,
    drawdown_series,
    sharpe_annualised,
    trade_statistics,
)

DAY1 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)
DAY3 = DAY1 + timedelta(days=2)


def trade(net: float, at: datetime, fees: float = 1.0) -> ClosedTrade:
    return ClosedTrade(net_pnl=net, fees=fees, closed_at=at)


# Net PnL in close order: +100, -50, -30, +200, +40, -120, -10
MIXED = [
    trade(100, DAY1),
    trade(-50, DAY1 + timedelta(hours=1)),
    trade(-30, DAY1 + timedelta(hours=2), fees=2.0),
    trade(200, DAY2),
    trade(40, DAY2 + timedelta(hours=1)),
    trade(-120, DAY3),
    trade(-10, DAY3 + timedelta(hours=1), fees=0.5),
]


def test_statistics_of_a_mixed_history() -> None:
    # Shuffled on purpose: everything is computed in close order.
    stats = trade_statistics(list(reversed(MIXED)))
    assert stats.trade_count == 7
    # 100 - 50 - 30 + 200 + 40 - 120 - 10 = 130
    assert stats.net_pnl == pytest.approx(130)
    # fees 1 + 1 + 2 + 1 + 1 + 1 + 0.5 = 7.5; gross = 130 + 7.5
    assert stats.fees == pytest.approx(7.5)
    assert stats.gross_pnl == pytest.approx(137.5)
    assert (stats.wins, stats.losses) == (3, 4)
    assert stats.win_rate == pytest.approx(3 / 7)
    # wins 100 + 200 + 40 = 340 -> 340 / 3; losses -50 - 30 - 120 - 10 = -210 -> -52.5
    assert stats.average_win == pytest.approx(340 / 3)
    assert stats.average_loss == pytest.approx(-52.5)
    assert stats.profit_factor == pytest.approx(340 / 210)
    # cumulative 100, 50, 20, 220, 260, 140, 130: peak 260, trough after it 130 -> 130
    assert stats.max_drawdown == pytest.approx(130)
    # W L L W W L L: longest wins 2, longest losses 2
    assert (stats.longest_win_streak, stats.longest_loss_streak) == (2, 2)
    # days: 100 - 50 - 30 = 20, 200 + 40 = 240, -120 - 10 = -130
    assert stats.trading_days == 3
    assert stats.profitable_days == 2
    # mean (20 + 240 - 130) / 3 = 43.3333; deviations -23.333, 196.667, -173.333;
    # squares 544.44 + 38677.78 + 30044.44 = 69266.67; / 2 = 34633.33; stdev = 186.0997
    # 43.3333 / 186.0997 * sqrt(365) = 0.232850 * 19.104973 = 4.448574
    assert stats.sharpe_annualised == pytest.approx(4.448574, rel=1e-5)


def test_series_of_cumulative_pnl_and_drawdown() -> None:
    assert [p.value for p in cumulative_pnl_series(MIXED)] == [100, 50, 20, 220, 260, 140, 130]
    # running peak 100, 100, 100, 220, 260, 260, 260
    assert [p.value for p in drawdown_series(MIXED)] == [0, -50, -80, 0, 0, -120, -130]
    assert [p.at for p in drawdown_series(MIXED)] == [t.closed_at for t in MIXED]


def test_drawdown_counts_from_zero_when_the_first_trade_loses() -> None:
    # cumulative -40, -10, -70: peak stays at the starting 0, so the drawdown is 70
    stats = trade_statistics([trade(-40, DAY1), trade(30, DAY2), trade(-60, DAY3)])
    assert stats.max_drawdown == pytest.approx(70)
    assert (stats.longest_win_streak, stats.longest_loss_streak) == (1, 1)


def test_no_trades() -> None:
    stats = trade_statistics([])
    assert stats.trade_count == 0
    assert (stats.net_pnl, stats.gross_pnl, stats.fees, stats.max_drawdown) == (0, 0, 0, 0)
    assert stats.win_rate is None
    assert stats.average_win is None and stats.average_loss is None
    assert stats.profit_factor is None
    assert stats.sharpe_annualised is None
    assert (stats.longest_win_streak, stats.longest_loss_streak) == (0, 0)
    assert (stats.trading_days, stats.profitable_days) == (0, 0)
    assert cumulative_pnl_series([]) == [] and drawdown_series([]) == []


def test_all_wins_leave_profit_factor_undefined() -> None:
    stats = trade_statistics([trade(10, DAY1), trade(30, DAY2), trade(20, DAY3)])
    assert stats.win_rate == 1.0
    assert stats.profit_factor is None
    assert stats.average_loss is None
    assert stats.max_drawdown == 0
    assert stats.longest_win_streak == 3
    # daily 10, 30, 20: mean 20, stdev sqrt((100 + 100 + 0) / 2) = 10 -> 2 * sqrt(365)
    assert stats.sharpe_annualised == pytest.approx(2 * math.sqrt(365))


def test_one_day_has_no_sharpe() -> None:
    stats = trade_statistics([trade(10, DAY1), trade(-4, DAY1 + timedelta(hours=3))])
    assert stats.trading_days == 1
    assert stats.profitable_days == 1
    assert stats.sharpe_annualised is None
    assert sharpe_annualised([5.0, 5.0]) is None  # no variation


def test_break_even_trade_is_neither_and_breaks_streaks() -> None:
    # W W 0 W: two separate runs of wins
    trades = [trade(5, DAY1), trade(5, DAY1), trade(0, DAY2), trade(5, DAY3)]
    stats = trade_statistics(trades)
    assert (stats.wins, stats.losses, stats.trade_count) == (3, 0, 4)
    assert stats.win_rate == 0.75
    assert stats.longest_win_streak == 2


def test_days_follow_the_requested_time_zone() -> None:
    late = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)  # 01:30 on 3 Nov in India
    early = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)
    ist = timezone(timedelta(hours=5, minutes=30))
    trades = [trade(10, late), trade(-25, early)]
    assert len(daily_net_pnl(trades)) == 2
    assert list(daily_net_pnl(trades, ist).values()) == [-15]
    assert trade_statistics(trades, ist).profitable_days == 0


def test_streaming_statistics_match_and_need_close_order() -> None:
    accumulator = StatisticsAccumulator()
    for item in MIXED:
        accumulator.add(item)
    assert accumulator.statistics() == trade_statistics(MIXED)
    with pytest.raises(ValueError, match="close order"):
        accumulator.add(trade(1, DAY1))


def test_sums_are_exact_like_fsum() -> None:
    # 1e16 + 1 - 1e16 is 0 with plain float addition; the exact sum is 1.
    accumulator = StatisticsAccumulator()
    for net, hours in ((1e16, 0), (1.0, 1), (-1e16, 2)):
        accumulator.add(trade(net, DAY1 + timedelta(hours=hours), fees=0.0))
    assert accumulator.statistics().net_pnl == 1.0
