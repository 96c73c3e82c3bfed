from __future__ import annotations

import itertools
import math
import random
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest

from control_plane.trading.expiries import expiry_for_rule, next_daily_expiry, next_weekly_expiry
from control_plane.trading.market import SimulatedMarket, gbm_path, strike_grid, strikes_covering

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_same_seed_gives_the_same_path_and_another_seed_does_not() -> None:
    first = SimulatedMarket("BTC", START, seed=7)
    second = SimulatedMarket("BTC", START, seed=7)
    other = SimulatedMarket("BTC", START, seed=8)
    times = [START + timedelta(minutes=m) for m in (0, 1, 30, 600)]
    path = [first.spot_at(t) for t in times]
    # Asked in reverse order, the second market must still give the same prices.
    assert [second.spot_at(t) for t in reversed(times)] == list(reversed(path))
    assert [other.spot_at(t) for t in times] != path
    assert path[0] == 60_000.0
    assert len(set(path)) == 4


def test_spot_holds_between_samples_and_refuses_earlier_times() -> None:
    market = SimulatedMarket("ETH", START, seed=1, step=timedelta(minutes=5))
    assert market.spot_at(START + timedelta(minutes=9)) == market.spot_at(
        START + timedelta(minutes=5)
    )
    with pytest.raises(ValueError):
        market.spot_at(START - timedelta(seconds=1))


def test_gbm_log_returns_have_the_requested_volatility() -> None:
    step_years = 1 / 365
    prices = gbm_path(100.0, 0.0, 0.5, step_years, 20_000, random.Random(3))
    returns = [math.log(b / a) for a, b in itertools.pairwise(prices)]
    assert statistics.stdev(returns) / math.sqrt(step_years) == pytest.approx(0.5, rel=0.03)
    assert all(p > 0 for p in prices)


def test_strike_grid_is_centred_on_spot() -> None:
    assert strike_grid(60_130.0, 200.0, 2) == [59_800.0, 60_000.0, 60_200.0, 60_400.0, 60_600.0]
    assert strike_grid(25.0, 20.0, 2) == [20.0, 40.0, 60.0]  # non-positive strikes dropped


def test_chain_quotes_every_strike_with_consistent_greeks() -> None:
    market = SimulatedMarket("BTC", START, seed=11)
    at = START + timedelta(hours=1)
    chain = market.chain(next_daily_expiry(at), at, strikes_each_side=5)
    assert len(chain.quotes) == 22
    spot = market.spot_at(at)
    calls = sorted((q for q in chain.quotes if q.option_type == "call"), key=lambda q: q.strike)
    puts = sorted((q for q in chain.quotes if q.option_type == "put"), key=lambda q: q.strike)
    assert [q.mid for q in calls] == sorted((q.mid for q in calls), reverse=True)
    assert [q.mid for q in puts] == sorted(q.mid for q in puts)
    for call, put in zip(calls, puts, strict=True):
        assert call.mid - put.mid == pytest.approx(spot - call.strike, abs=1e-6)
        assert 0 < call.greeks.delta < 1 and -1 < put.greeks.delta < 0
    assert chain.quote("put", puts[0].strike) is puts[0]
    with pytest.raises(KeyError):
        chain.quote("put", 1.0)


def test_expiries_follow_delta_schedule() -> None:
    morning = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday
    evening = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert next_daily_expiry(morning) == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert next_daily_expiry(evening) == datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    assert next_weekly_expiry(morning) == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert next_weekly_expiry(evening) == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_expiry_rules() -> None:
    thursday = datetime(2026, 11, 19, 15, 0, tzinfo=UTC)
    assert expiry_for_rule("nearest_daily", thursday) == datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert expiry_for_rule("nearest_weekly", thursday) == datetime(2026, 11, 20, 12, tzinfo=UTC)
    assert expiry_for_rule(date(2026, 12, 25), thursday) == datetime(2026, 12, 25, 12, tzinfo=UTC)
    with pytest.raises(ValueError):
        expiry_for_rule("monthly", thursday)


def test_default_chain_spans_four_standard_deviations() -> None:
    # 4 x 0.5 x sqrt(0.25) x 60000 = 60000 -> 300 strikes of 200; short tenors keep 10
    assert strikes_covering(60_000.0, 200.0, 0.5, 0.25) == 300
    assert strikes_covering(60_000.0, 200.0, 0.5, 1 / 365 / 24) == 10
    assert strikes_covering(60_000.0, 200.0, 0.5, 0.0) == 10
    market = SimulatedMarket("BTC", START, seed=2)
    at = START + timedelta(hours=3)
    chain = market.chain(at + timedelta(days=28), at)
    spot = market.spot_at(at)
    strikes = sorted({q.strike for q in chain.quotes})
    # 4 x 0.5 x sqrt(28/365) = 55.4 % of spot each way
    assert strikes[0] <= spot * (1 - 0.55) and strikes[-1] >= spot * (1 + 0.55)
