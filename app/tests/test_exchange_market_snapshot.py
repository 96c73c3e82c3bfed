"""The paper engine's step run on live-shaped data fetched from the fake Delta server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest

from control_plane.exchange.client import DeltaClient
from control_plane.exchange.market_snapshot import DeltaMarketSnapshot, SnapshotMismatch
from control_plane.trading.expiries import expiry_for_rule
from control_plane.trading.market import SimulatedMarket
from control_plane.trading.paper_engine import EngineState, step
from control_plane.trading.strategy_config import StrategyConfig
from tests.fakes.delta_server import FakeDelta, serve_fake_delta

START = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 09:30 in Kolkata
CONFIG = StrategyConfig(
    name="live",
    underlying="BTC",
    expiry_rule="nearest_daily",
    strike_selection={"kind": "delta", "low": 0.10, "high": 0.15},
    quantity=5,
    entry_time=time(9, 30),
    exit_time=time(17, 0),
    timezone="Asia/Kolkata",
    max_loss_pct=50,
    max_profit_pct=80,
    trailing_stops=[],
    active=True,
)


def fetch_snapshot(fake: FakeDelta, expiry: datetime) -> DeltaMarketSnapshot:
    async def fetch() -> DeltaMarketSnapshot:
        with serve_fake_delta(fake) as url:
            async with DeltaClient(url) as client:
                return await DeltaMarketSnapshot.fetch(client, "BTC", expiry, START)

    return asyncio.run(fetch())


def test_step_opens_a_strangle_on_a_live_snapshot() -> None:
    expiry = expiry_for_rule(CONFIG.expiry_rule, START)
    fake = FakeDelta(market=SimulatedMarket("BTC", START, seed=5), expiry=expiry)
    snapshot = fetch_snapshot(fake, expiry)
    assert snapshot.spot == pytest.approx(60_000)

    outcome = step(CONFIG, snapshot, START, EngineState())  # type: ignore[arg-type]

    position = outcome.state.position
    assert outcome.opened is not None and position is not None
    assert position.put.strike < snapshot.spot < position.call.strike
    assert 0.10 <= abs(position.call.entry_delta) <= 0.15
    symbol, product_id = snapshot.product_for("call", position.call.strike)
    assert symbol == f"C-BTC-{int(position.call.strike)}-{expiry:%d%m%y}"
    assert fake.products[product_id or 0]["symbol"] == symbol

    later = step(CONFIG, snapshot, START + timedelta(minutes=1), outcome.state)  # type: ignore[arg-type]
    assert later.closed is None and later.state.position is not None


def test_snapshot_refuses_another_expiry() -> None:
    expiry = expiry_for_rule(CONFIG.expiry_rule, START)
    snapshot = fetch_snapshot(
        FakeDelta(market=SimulatedMarket("BTC", START, seed=5), expiry=expiry), expiry
    )
    with pytest.raises(SnapshotMismatch):
        snapshot.chain(expiry + timedelta(days=1), START)
    with pytest.raises(SnapshotMismatch):
        DeltaMarketSnapshot.from_tickers("ETH", expiry, START, [])
