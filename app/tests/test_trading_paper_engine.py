from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from control_plane.trading.exits import profit_pct
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.market import SimulatedMarket
from control_plane.trading.paper_engine import (
    ClosedPosition,
    EngineState,
    OpenPosition,
    StepOutcome,
    step,
)
from control_plane.trading.pricing import intrinsic_value
from control_plane.trading.schedule import entry_session_start, exit_deadline
from control_plane.trading.strategy_config import StrategyConfig

START = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)  # a Friday; the daily expires at 12:00 UTC
ENTRY = START + timedelta(hours=1)


def config(**overrides: Any) -> StrategyConfig:
    values: dict[str, Any] = {
        "name": "paper",
        "underlying": "BTC",
        "expiry_rule": "nearest_daily",
        "strike_selection": {"kind": "delta", "low": 0.10, "high": 0.15},
        "quantity": 10,
        "entry_time": "01:00",
        "exit_time": "11:00",
        "timezone": "UTC",
        # Wide limits so that only the rule a test is about can fire.
        "max_loss_pct": 1000,
        "max_profit_pct": 100,
        "trailing_stops": [],
        "active": True,
    }
    values.update(overrides)
    return StrategyConfig.model_validate(values)


def run(
    strategy: StrategyConfig, seed: int, hours: int = 24, underlying: str = "BTC"
) -> tuple[SimulatedMarket, list[tuple[datetime, StepOutcome]]]:
    market = SimulatedMarket(underlying, START, seed=seed)  # type: ignore[arg-type]
    state = EngineState()
    outcomes = []
    for minute in range(hours * 60):
        now = START + timedelta(minutes=minute)
        outcome = step(strategy, market, now, state)
        state = outcome.state
        outcomes.append((now, outcome))
    return market, outcomes


def opened(outcomes: list[tuple[datetime, StepOutcome]]) -> list[OpenPosition]:
    return [o.opened for _, o in outcomes if o.opened is not None]


def closed(outcomes: list[tuple[datetime, StepOutcome]]) -> list[ClosedPosition]:
    return [o.closed for _, o in outcomes if o.closed is not None]


def mark_pct(market: SimulatedMarket, position: OpenPosition, at: datetime) -> float:
    call = market.quote("call", position.call.strike, position.expiry, at)
    put = market.quote("put", position.put.strike, position.expiry, at)
    return profit_pct(position.call.entry_price + position.put.entry_price, call.mid + put.mid)


def test_entry_sells_the_strikes_in_the_delta_band_below_mid_and_pays_fees() -> None:
    market, outcomes = run(config(), seed=0, hours=2)
    (position,) = opened(outcomes)
    assert position.opened_at == ENTRY
    assert position.expiry == datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert position.exit_deadline == datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
    assert 0.10 <= position.call.entry_delta <= 0.15
    assert 0.10 <= -position.put.entry_delta <= 0.15
    spot = market.spot_at(ENTRY)
    assert position.put.strike < spot < position.call.strike
    chain = market.chain(position.expiry, ENTRY, 40)
    for leg in (position.call, position.put):
        mid = chain.quote(leg.option_type, leg.strike).mid
        # 0.5 % default slippage given up on the sale
        assert leg.entry_price == pytest.approx(mid * 0.995)
    # Per leg: min(0.03 % of 0.001 BTC notional, 10 % of the premium per contract) x 10 contracts
    expected_fees = sum(
        min(0.0003 * spot * 0.001, 0.10 * leg.entry_price * 0.001) * 10
        for leg in (position.call, position.put)
    )
    assert position.entry_fees == pytest.approx(expected_fees)
    assert position.premium_collected == pytest.approx(
        (position.call.entry_price + position.put.entry_price) * 0.001 * 10
    )


def test_premium_band_picks_strikes_by_price_per_contract() -> None:
    _, outcomes = run(
        config(underlying="ETH", strike_selection={"kind": "premium", "low": 0.05, "high": 0.10}),
        seed=4,
        hours=2,
        underlying="ETH",
    )
    (position,) = opened(outcomes)
    for leg in (position.call, position.put):
        assert 0.05 <= leg.entry_mid * 0.01 <= 0.10


def test_same_seed_gives_the_same_trades() -> None:
    strategy = config(max_profit_pct=30)
    first = [(c.reason, c.closed_at, c.net_pnl) for c in closed(run(strategy, seed=3)[1])]
    second = [(c.reason, c.closed_at, c.net_pnl) for c in closed(run(strategy, seed=3)[1])]
    assert first == second and len(first) == 1


def check_accounting(trade: ClosedPosition) -> None:
    position = trade.position
    premium = (position.call.entry_price + position.put.entry_price) * 0.001 * 10
    cost = (trade.call_exit_price + trade.put_exit_price) * 0.001 * 10
    assert trade.gross_pnl == pytest.approx(premium - cost)
    assert trade.net_pnl == pytest.approx(premium - cost - position.entry_fees - trade.exit_fees)
    assert trade.as_trade().net_pnl == trade.net_pnl
    assert trade.as_trade().fees == pytest.approx(position.entry_fees + trade.exit_fees)


def test_stop_loss() -> None:
    market, outcomes = run(config(max_loss_pct=20), seed=1)
    (trade,) = closed(outcomes)
    assert trade.reason == "stop_loss"
    assert mark_pct(market, trade.position, trade.closed_at) <= -20
    assert mark_pct(market, trade.position, trade.closed_at - timedelta(minutes=1)) > -20
    assert trade.net_pnl < 0
    check_accounting(trade)


def test_take_profit_buys_back_above_mid() -> None:
    market, outcomes = run(config(max_profit_pct=30), seed=0)
    (trade,) = closed(outcomes)
    assert trade.reason == "take_profit"
    assert mark_pct(market, trade.position, trade.closed_at) >= 30
    assert mark_pct(market, trade.position, trade.closed_at - timedelta(minutes=1)) < 30
    call_mid = market.quote(
        "call", trade.position.call.strike, trade.position.expiry, trade.closed_at
    ).mid
    assert trade.call_exit_price == pytest.approx(call_mid * 1.005)
    assert trade.net_pnl > 0
    check_accounting(trade)


def test_trailing_stop_locks_after_the_trigger_was_reached() -> None:
    strategy = config(trailing_stops=[{"trigger_pct": 15, "lock_pct": 5}])
    market, outcomes = run(strategy, seed=0)
    (trade,) = closed(outcomes)
    assert trade.reason == "trailing_stop"
    minutes = int((trade.closed_at - ENTRY) / timedelta(minutes=1))
    marks = [
        mark_pct(market, trade.position, ENTRY + timedelta(minutes=m)) for m in range(1, minutes)
    ]
    assert max(marks) >= 15
    assert mark_pct(market, trade.position, trade.closed_at) <= 5
    # Without the rule the same path runs on to the exit time.
    (untrailed,) = closed(run(config(), seed=0)[1])
    assert untrailed.reason == "exit_time"
    check_accounting(trade)


def test_exit_time() -> None:
    _, outcomes = run(config(), seed=0)
    (trade,) = closed(outcomes)
    assert trade.reason == "exit_time"
    assert trade.closed_at == datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
    check_accounting(trade)


def test_expiry_settles_at_intrinsic_value() -> None:
    strategy = config(
        strike_selection={"kind": "delta", "low": 0.30, "high": 0.45},
        entry_time="11:00",
        exit_time="13:00",
    )
    market, outcomes = run(strategy, seed=2)
    (trade,) = closed(outcomes)
    assert trade.reason == "expiry"
    assert trade.closed_at == trade.position.expiry == datetime(2026, 11, 20, 12, tzinfo=UTC)
    spot = market.spot_at(trade.position.expiry)
    assert trade.call_exit_price == intrinsic_value("call", spot, trade.position.call.strike)
    assert trade.put_exit_price == intrinsic_value("put", spot, trade.position.put.strike)
    assert trade.exit_fees == 0
    check_accounting(trade)


def test_one_strangle_per_entry_window() -> None:
    _, outcomes = run(config(max_profit_pct=30), seed=0, hours=48)
    assert [p.opened_at for p in opened(outcomes)] == [ENTRY, ENTRY + timedelta(days=1)]
    skipped = {o.skipped for now, o in outcomes if ENTRY < now < START + timedelta(hours=11)}
    assert "already entered in this window" in skipped


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"active": False}, "strategy is not active"),
        ({"strike_selection": {"kind": "premium", "low": 5000, "high": 6000}}, "no call strike"),
        ({"expiry_rule": date(2026, 11, 19).isoformat()}, "the configured expiry has passed"),
    ],
)
def test_no_entry_and_why(overrides: dict[str, Any], reason: str) -> None:
    _, outcomes = run(config(**overrides), seed=0, hours=2)
    assert opened(outcomes) == []
    assert any(reason in (o.skipped or "") for now, o in outcomes if now == ENTRY)
    assert outcomes[0][1].skipped in ("outside the entry window", "strategy is not active")


def test_entry_window_in_a_time_zone_spanning_midnight() -> None:
    strategy = config(entry_time="23:00", exit_time="02:00", timezone="Asia/Kolkata")
    # 23:00 IST = 17:30 UTC; 02:00 IST next day = 20:30 UTC
    window_start = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)
    assert entry_session_start(strategy, window_start - timedelta(minutes=1)) is None
    assert entry_session_start(strategy, window_start) == window_start
    assert entry_session_start(strategy, datetime(2026, 11, 20, 20, 29, tzinfo=UTC)) == window_start
    assert entry_session_start(strategy, datetime(2026, 11, 20, 20, 30, tzinfo=UTC)) is None
    deadline = exit_deadline(strategy, window_start)
    assert deadline == datetime(2026, 11, 20, 20, 30, tzinfo=UTC)
    assert deadline.astimezone(strategy.zone).time() == time(2, 0)


def test_slippage_and_fee_arithmetic() -> None:
    costs = ExecutionCosts(slippage_pct=1.0, fee_rate_of_notional=0.0003, fee_cap_of_premium=0.1)
    assert costs.sell_price(200.0) == pytest.approx(198.0)
    assert costs.buy_price(200.0) == pytest.approx(202.0)
    # notional fee 0.0003 x 60000 x 0.001 = 0.018 < cap 0.1 x 200 x 0.001 = 0.02 -> 0.018 x 5
    assert costs.fee(60_000.0, 200.0, 0.001, 5) == pytest.approx(0.09)
    # cheap option: cap 0.1 x 50 x 0.001 = 0.005 < 0.018 -> 0.005 x 5
    assert costs.fee(60_000.0, 50.0, 0.001, 5) == pytest.approx(0.025)


def test_market_of_another_underlying_is_refused() -> None:
    with pytest.raises(ValueError, match="strategy trades BTC"):
        step(config(), SimulatedMarket("ETH", START, seed=0), ENTRY, EngineState())


def test_far_fixed_expiry_still_finds_strikes_in_the_band() -> None:
    _, outcomes = run(config(expiry_rule="2026-12-18"), seed=0, hours=2)
    (position,) = opened(outcomes)
    assert position.expiry == datetime(2026, 12, 18, 12, 0, tzinfo=UTC)
    assert 0.10 <= position.call.entry_delta <= 0.15
    assert 0.10 <= -position.put.entry_delta <= 0.15
