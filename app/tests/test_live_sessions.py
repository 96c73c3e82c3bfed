"""Live sessions against the local fake Delta server over real HTTP: entries and exits as
market orders, fills recorded at Delta's prices and commissions, the dead-man switch, and
orders whose answer was lost found again by client_order_id instead of sent twice."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from control_plane.db.migrate import upgrade_to_head
from control_plane.db.sqlite import with_connection
from control_plane.main import create_app
from control_plane.sessions.control import SessionControl, start_session
from control_plane.sessions.kill_switch import trip
from control_plane.sessions.live import LiveExecutor
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings
from control_plane.trading.expiries import expiry_for_rule
from control_plane.trading.market import SimulatedMarket
from control_plane.trading.strategy_config import StrategyConfig
from tests.conftest import login, make_settings
from tests.fakes.delta_server import FakeDelta, Fault, serve_fake_delta
from tests.sessiontools import create_strategy, db, session_json, strategy_body, wait_for
from tests.test_exchange_client import EXPIRY, START
from tests.test_trading_paper_engine import config as paper_engine_config

HEARTBEAT_ID = "delta-strangle-control-plane"


def strategy(**overrides: Any) -> StrategyConfig:
    # Enters from START (04:00 UTC); the daily it trades expires at 12:00 (EXPIRY).
    return paper_engine_config(
        **{"name": "live test", "quantity": 3, "entry_time": "04:00", **overrides}
    )


def lose_the_call_answer(fake: FakeDelta) -> None:
    """The call is placed but its answer never arrives, and looking it up fails too."""
    fake.fail_next(1, Fault(stall_seconds=1.5, path="/v2/orders"))
    fake.fail_next(2, Fault(status=503, path_prefix="/v2/orders/client_order_id/"))


@pytest.fixture
def fake() -> FakeDelta:
    return FakeDelta(market=SimulatedMarket("BTC", START, seed=3), expiry=EXPIRY)


@pytest.fixture
def delta_url(fake: FakeDelta) -> Iterator[str]:
    with serve_fake_delta(fake) as url:
        yield url


def live_settings(tmp_path: Any, delta_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DELTA_BASE_URL": delta_url,
        "DELTA_API_KEY": "fake-key",
        "DELTA_API_SECRET": "fake-secret",
        "LIVE_TRADING_ENABLED": True,
        "DELTA_TIMEOUT_SECONDS": 1.0,
        "DELTA_MAX_ATTEMPTS": 2,
        **overrides,
    }
    return make_settings(tmp_path, **values)


@pytest.fixture
def settings(tmp_path: Any, delta_url: str) -> Settings:
    settings = live_settings(tmp_path, delta_url)
    upgrade_to_head(settings)
    return settings


def start(settings: Settings, config: StrategyConfig, *, enter_now: bool = False) -> int:
    return with_connection(
        settings.database_path,
        lambda conn: start_session(conn, 1, config, START, mode="live", enter_now=enter_now),
    )


def ticks(settings: Settings, *times: datetime, trader: LiveExecutor | None = None) -> None:
    """One engine process ticking at the given times."""

    async def run() -> None:
        live = trader or LiveExecutor(settings)
        try:
            for now in times:
                await live.tick(now)
        finally:
            await live.aclose()

    asyncio.run(run())


def session_row(settings: Settings, session_id: int) -> Any:
    with db(settings) as conn:
        return conn.execute("SELECT * FROM trading_sessions WHERE id = ?", (session_id,)).fetchone()


def fills(settings: Settings, session_id: int) -> list[Any]:
    with db(settings) as conn:
        return conn.execute(
            "SELECT * FROM trading_fills WHERE session_id = ? ORDER BY id", (session_id,)
        ).fetchall()


def events(settings: Settings, session_id: int) -> list[str]:
    with db(settings) as conn:
        rows = conn.execute(
            "SELECT event FROM timeline_events WHERE session_id = ? ORDER BY id", (session_id,)
        ).fetchall()
    return [row["event"] for row in rows]


def order_posts(fake: FakeDelta) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in fake.received if r.path == "/v2/orders" and r.body]


def minutes(count: int) -> datetime:
    return START + timedelta(minutes=count)


def test_entry_and_exit_time_trade_on_delta_at_its_prices(
    settings: Settings, fake: FakeDelta
) -> None:
    session_id = start(settings, strategy())
    ticks(settings, minutes(1))

    sells = order_posts(fake)
    assert [(o["side"], o["order_type"], o["size"]) for o in sells] == [
        ("sell", "market_order", 3),
        ("sell", "market_order", 3),
    ]
    assert not any(o.get("reduce_only") for o in sells)
    opened = fills(settings, session_id)
    for fill, order in zip(opened, fake.orders.values(), strict=True):
        assert fill["client_order_id"] == order["client_order_id"]
        assert fill["exchange_order_id"] == order["id"]
        assert fill["price"] == pytest.approx(float(order["average_fill_price"]))
        assert fill["fee"] == pytest.approx(float(order["paid_commission"]))
    assert {p: s for p, s in fake.positions.items() if s} == {
        o["product_id"]: -3 for o in fake.orders.values()
    }
    # Armed while the session runs.
    assert fake.heartbeats[HEARTBEAT_ID]["ttl"] == 30_000

    fake.reprice(minutes(120))
    ticks(settings, minutes(120))
    row = session_row(settings, session_id)
    marks = json.loads(row["marks"])
    call_symbol = fake.orders[min(fake.orders)]["product_symbol"]
    assert marks["call"] == pytest.approx(
        float(fake.tickers[call_symbol]["quotes"]["best_bid"]) / 0.99
    )
    assert len(fake.orders) == 2  # managed, not traded again in the same window

    ticks(settings, START.replace(hour=11))
    closing = order_posts(fake)[2:]
    assert [(o["side"], o["size"], o.get("reduce_only")) for o in closing] == [
        ("buy", 3, True),
        ("buy", 3, True),
    ]
    assert not any(fake.positions.values())
    all_fills = fills(settings, session_id)
    premium = sum(f["price"] * 0.001 * 3 for f in all_fills if f["side"] == "sell")
    cost = sum(f["price"] * 0.001 * 3 for f in all_fills if f["side"] == "buy")
    row = session_row(settings, session_id)
    assert row["status"] == "running" and row["trade_count"] == 1
    assert row["realised_pnl"] == pytest.approx(premium - cost - sum(f["fee"] for f in all_fills))
    assert row["pending_orders"] is None and row["unrealised_pnl"] == 0.0
    assert events(settings, session_id) == ["session_started", "position_opened", "position_closed"]
    with db(settings) as conn:
        closed = conn.execute(
            "SELECT details FROM timeline_events WHERE event = 'position_closed'"
        ).fetchone()
    assert json.loads(closed["details"])["reason"] == "exit_time"


def test_stop_loss_on_delta_prices_and_the_switch_disarmed_after_stop(
    settings: Settings, fake: FakeDelta
) -> None:
    # Selling at the bid and marking at the mid is a loss of about 1% of the premium at once.
    session_id = start(settings, strategy(max_loss_pct=0.5))
    ticks(settings, minutes(1), minutes(2))
    with db(settings) as conn:
        closed = conn.execute(
            "SELECT details FROM timeline_events WHERE event = 'position_closed'"
        ).fetchone()
    assert json.loads(closed["details"])["reason"] == "stop_loss"
    assert len(fake.orders) == 4 and not any(fake.positions.values())

    with_connection(
        settings.database_path,
        lambda conn: SessionControl(conn).end(session_id, minutes(3), "stopped", "test"),
    )
    assert session_row(settings, session_id)["status"] == "stopped"  # flat: ends at once
    trader = LiveExecutor(settings)
    trader.armed = True  # this process armed it before the stop
    ticks(settings, minutes(4), trader=trader)
    assert fake.heartbeat_log[-1] == {"heartbeat_id": HEARTBEAT_ID, "ttl": 0}


def test_a_lost_order_answer_is_found_by_client_order_id_after_a_restart(
    settings: Settings, fake: FakeDelta
) -> None:
    session_id = start(settings, strategy())
    lose_the_call_answer(fake)
    ticks(settings, minutes(1))
    row = session_row(settings, session_id)
    pending = json.loads(row["pending_orders"])
    call_id, put_id = (o["client_order_id"] for o in pending["orders"])
    assert len(fake.orders_with_client_id(call_id)) == 1
    assert fake.orders_with_client_id(put_id) == []
    assert fills(settings, session_id) == []

    # A new process (nothing in memory) completes the open from the row.
    ticks(settings, minutes(2))
    assert len(fake.orders_with_client_id(call_id)) == 1
    assert len(fake.orders_with_client_id(put_id)) == 1
    assert len(fake.orders) == 2
    assert [f["client_order_id"] for f in fills(settings, session_id)] == [call_id, put_id]
    row = session_row(settings, session_id)
    assert row["pending_orders"] is None
    assert json.loads(row["engine_state"])["position"] is not None


def test_a_refused_entry_is_recorded_and_not_retried_in_the_window(
    settings: Settings, fake: FakeDelta
) -> None:
    session_id = start(settings, strategy())
    fake.fail_next(1, Fault(status=400, path="/v2/orders"))
    ticks(settings, minutes(1), minutes(2))
    assert fake.orders == {}
    row = session_row(settings, session_id)
    assert row["status"] == "running" and row["pending_orders"] is None
    assert json.loads(row["engine_state"])["position"] is None
    assert events(settings, session_id) == ["session_started", "entry_refused"]


def test_one_leg_left_on_delta_interrupts_the_session_with_its_order(
    settings: Settings, fake: FakeDelta
) -> None:
    session_id = start(settings, strategy())
    lose_the_call_answer(fake)
    ticks(settings, minutes(1))
    put_symbol = json.loads(session_row(settings, session_id)["pending_orders"])["orders"][1][
        "symbol"
    ]
    del fake.tickers[put_symbol]  # the put can no longer be traded
    ticks(settings, minutes(2))
    row = session_row(settings, session_id)
    assert row["status"] == "interrupted"
    (call_order,) = fake.orders.values()
    assert f"order {call_order['id']}) filled 3 of 3" in row["status_reason"]
    assert "product_expired" in row["status_reason"]


def test_no_entry_while_the_dead_man_switch_cannot_be_armed(
    settings: Settings, fake: FakeDelta
) -> None:
    session_id = start(settings, strategy())
    fake.fail_next(2, Fault(status=503, path="/v2/heartbeat"))
    trader = LiveExecutor(settings)  # one process throughout
    ticks(settings, minutes(1), trader=trader)
    assert fake.orders == {}
    assert fake.heartbeat_log == []
    # What the health detail reports: Delta unreachable, the reason, no renewal yet.
    assert trader.heartbeat_renewed_at is None and "503" in (trader.exchange_error or "")
    ticks(settings, minutes(2), trader=trader)
    assert len(fake.orders) == 2
    assert fake.heartbeat_log == [{"heartbeat_id": HEARTBEAT_ID, "ttl": 30_000}]
    assert trader.exchange_error is None and trader.heartbeat_renewed_at is not None
    registry = CollectorRegistry()
    for collector in trader.metrics.collectors():
        registry.register(collector)
    sample = registry.get_sample_value
    assert sample("control_plane_exchange_orders_total", {"outcome": "accepted"}) == 2
    assert sample("control_plane_exchange_request_errors_total", {"kind": "server_error"}) == 2
    heartbeat = {"method": "POST", "endpoint": "/v2/heartbeat"}
    assert sample("control_plane_exchange_request_duration_seconds_count", heartbeat) >= 3
    creates = [r for r in fake.received if r.path == "/v2/heartbeat/create"]
    assert len(creates) == 2  # created again after the failure, in case Delta lost it
    assert session_row(settings, session_id)["trade_count"] == 0


def test_kill_switch_buys_a_live_position_back_on_delta(
    settings: Settings, fake: FakeDelta
) -> None:
    session_id = start(settings, strategy())
    ticks(settings, minutes(1))
    with_connection(
        settings.database_path, lambda conn: trip(SessionControl(conn), minutes(2), "test")
    )
    row = session_row(settings, session_id)
    assert row["status"] == "running" and json.loads(row["close_request"])["close_reason"] == (
        "kill_switch"
    )
    ticks(settings, minutes(2))
    row = session_row(settings, session_id)
    assert row["status"] == "panic_closed"
    assert [o["side"] for o in fake.orders.values()] == ["sell", "sell", "buy", "buy"]
    assert not any(fake.positions.values())
    assert events(settings, session_id)[-3:] == [
        "close_requested",
        "position_closed",
        "session_panic_closed",
    ]


def test_an_expired_position_is_settled_without_orders(settings: Settings, fake: FakeDelta) -> None:
    session_id = start(settings, strategy(exit_time="13:00"))
    ticks(settings, minutes(1))
    fake.delist_options()
    ticks(settings, EXPIRY)
    assert len(fake.orders) == 2
    settled = [f for f in fills(settings, session_id) if f["side"] == "buy"]
    spot = float(fake.tickers["BTCUSD"]["spot_price"])
    for fill in settled:
        intrinsic = (
            max(spot - fill["strike"], 0)
            if fill["leg"] == "call"
            else max(fill["strike"] - spot, 0)
        )
        assert fill["price"] == pytest.approx(intrinsic) and fill["fee"] == 0
    assert session_row(settings, session_id)["trade_count"] == 1


def test_live_start_is_refused_unless_enabled_with_a_key(tmp_path: Any, delta_url: str) -> None:
    for overrides, message in (
        ({"LIVE_TRADING_ENABLED": False}, "LIVE_TRADING_ENABLED=false"),
        ({"DELTA_API_KEY": ""}, "needs DELTA_API_KEY"),
    ):
        settings = live_settings(tmp_path / message[:4], delta_url, **overrides)
        upgrade_to_head(settings)
        with TestClient(create_app(settings)) as client:
            headers = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
            strategy_id = create_strategy(client, headers)
            response = client.post(
                f"/api/strategies/{strategy_id}/sessions", json={"mode": "live"}, headers=headers
            )
            assert response.status_code == 409
            assert message in response.json()["detail"]


def test_live_session_through_the_api_and_the_running_engine(
    tmp_path: Any,
) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    # A wide band: the fake's strikes are 200 USD apart, coarse for an expiry hours away.
    body = strategy_body(
        expiry_rule="nearest_daily", strike_selection={"kind": "delta", "low": 0.03, "high": 0.3}
    )
    fake = FakeDelta(
        market=SimulatedMarket("BTC", now, seed=5), expiry=expiry_for_rule("nearest_daily", now)
    )
    with serve_fake_delta(fake) as url:
        settings = live_settings(tmp_path, url, ENGINE_TICK_SECONDS=0.2)
        upgrade_to_head(settings)
        with TestClient(create_app(settings)) as client:
            headers = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
            strategy_id = create_strategy(client, headers, **body)
            response = client.post(
                f"/api/strategies/{strategy_id}/sessions",
                json={"mode": "live", "enter_now": True},
                headers=headers,
            )
            assert response.status_code == 201, response.text
            session_id = response.json()["id"]
            assert response.json()["mode"] == "live"
            wait_for(lambda: session_json(client, headers, session_id)["position"])
            assert fake.heartbeats[HEARTBEAT_ID]["ttl"] == 30_000

            response = client.post(f"/api/sessions/{session_id}/panic", headers=headers)
            assert response.status_code == 200, response.text
            assert response.json()["status"] == "panic_closed"
            assert response.json()["trade_count"] == 1
            assert [o["side"] for o in fake.orders.values()] == ["sell", "sell", "buy", "buy"]
            wait_for(lambda: fake.heartbeat_log[-1]["ttl"] == 0)


def test_a_stop_asked_while_no_engine_ran_is_recorded_late_then_carried_out(
    settings: Settings, fake: FakeDelta
) -> None:
    session_id = start(settings, strategy())
    ticks(settings, minutes(1))
    assert json.loads(session_row(settings, session_id)["engine_state"])["position"]
    with_connection(
        settings.database_path,
        lambda conn: SessionControl(conn).end(session_id, minutes(2), "stopped", "operator"),
    )
    # No engine until minute 7: the one taking over records the stop as late, then buys back.
    SessionRunner(settings).recover(minutes(7))
    ticks(settings, minutes(7))
    with db(settings) as conn:
        late = conn.execute(
            "SELECT details FROM timeline_events WHERE event = 'session_exit_late'"
        ).fetchone()
    details = json.loads(late["details"])
    assert (details["due_at"], details["delay_seconds"]) == ("2026-11-23T04:02:00Z", 300.0)
    assert events(settings, session_id)[-3:] == [
        "session_exit_late",
        "position_closed",
        "session_stopped",
    ]
    assert session_row(settings, session_id)["status"] == "stopped"
    assert len(fake.orders) == 4
