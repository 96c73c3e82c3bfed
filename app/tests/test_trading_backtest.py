from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from control_plane.trading.backtest import PerTradeFigures, per_trade_figures, run_backtest
from control_plane.trading.market import SimulatedMarket
from control_plane.trading.strategy_config import StrategyConfig

START = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)

STRATEGY = StrategyConfig.model_validate(
    {
        "name": "bt",
        "underlying": "BTC",
        "expiry_rule": "nearest_daily",
        "strike_selection": {"kind": "delta", "low": 0.10, "high": 0.15},
        "quantity": 10,
        "entry_time": "01:00",
        "exit_time": "11:00",
        "timezone": "UTC",
        "max_loss_pct": 100,
        "max_profit_pct": 60,
        "trailing_stops": [{"trigger_pct": 40, "lock_pct": 15}],
        "active": False,
    }
)


def test_one_trade_per_day_and_statistics_over_them() -> None:
    market = SimulatedMarket("BTC", START, seed=5)
    result = run_backtest(STRATEGY, market, START + timedelta(days=5), timedelta(minutes=5))
    assert len(result.trades) == 5
    assert [t.position.opened_at for t in result.trades] == [
        START + timedelta(days=d, hours=1) for d in range(5)
    ]
    assert result.still_open is None
    stats = result.statistics
    assert stats.trade_count == 5
    assert stats.net_pnl == pytest.approx(sum(t.net_pnl for t in result.trades))
    assert stats.fees == pytest.approx(sum(t.fees for t in result.trades))
    assert stats.trading_days == 5
    assert {t.reason for t in result.trades} <= {
        "stop_loss",
        "take_profit",
        "trailing_stop",
        "exit_time",
    }


def test_same_seed_same_result_and_open_position_reported() -> None:
    end = START + timedelta(days=2, hours=3)
    first = run_backtest(STRATEGY, SimulatedMarket("BTC", START, seed=9), end, timedelta(minutes=5))
    again = run_backtest(STRATEGY, SimulatedMarket("BTC", START, seed=9), end, timedelta(minutes=5))
    assert first == again
    assert len(first.trades) == 2
    assert first.still_open is not None
    assert first.still_open.opened_at == START + timedelta(days=2, hours=1)


def test_interval_must_be_positive() -> None:
    with pytest.raises(ValueError):
        run_backtest(STRATEGY, SimulatedMarket("BTC", START, seed=1), START, timedelta(0))


def test_per_trade_figures() -> None:
    figures = per_trade_figures([30.0, -12.5, 4.0, -40.0, 0.0])
    assert figures.average_trade == pytest.approx(-18.5 / 5)
    assert (figures.largest_win, figures.largest_loss) == (30.0, -40.0)
    only_wins = per_trade_figures([1.0, 2.0])
    assert (only_wins.largest_win, only_wins.largest_loss) == (2.0, None)
    assert per_trade_figures([]) == PerTradeFigures(None, None, None)
