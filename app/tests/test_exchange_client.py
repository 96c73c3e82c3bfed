"""The Delta client against the local fake Delta server, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest

from control_plane.exchange.client import DeltaClient
from control_plane.exchange.errors import DeltaApiError, DeltaOutcomeUnknown
from control_plane.exchange.models import OrderRequest
from control_plane.exchange.signing import query_string, signature
from control_plane.trading.expiries import expiry_for_rule
from control_plane.trading.market import SimulatedMarket
from tests.fakes.delta_server import FakeDelta, Fault, serve_fake_delta

T = TypeVar("T")
START = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 09:30 in Kolkata
EXPIRY = expiry_for_rule("nearest_daily", START)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture
def fake() -> FakeDelta:
    return FakeDelta(market=SimulatedMarket("BTC", START, seed=3), expiry=EXPIRY)


@pytest.fixture
def base_url(fake: FakeDelta) -> Iterator[str]:
    with serve_fake_delta(fake) as url:
        yield url


def client(base_url: str, fake: FakeDelta, **options: Any) -> DeltaClient:
    options.setdefault("backoff_seconds", 0.01)
    return DeltaClient(base_url, fake.api_key, fake.api_secret, **options)


def test_signature_matches_openssl_on_delta_documented_payload() -> None:
    secret = "7b6f39dcf660ec1c7c664f612c60410a2bd0c258416b498bf0311f94228f"
    query = query_string({"product_id": 1, "state": "open"})
    assert query == "?product_id=1&state=open"
    openssl = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", secret],
        input=b"GET1542110948/orders?product_id=1&state=open",
        capture_output=True,
        check=True,
    )
    expected = openssl.stdout.decode().split()[-1]
    assert signature(secret, "GET", "1542110948", "/orders", query) == expected
    assert query_string({}) == query_string({"x": None}) == ""


def test_option_chain_and_ticker(fake: FakeDelta, base_url: str) -> None:
    async def scenario() -> None:
        async with client(base_url, fake) as delta:
            chain = await delta.option_chain("BTC", EXPIRY.date())
            assert {t.contract_type for t in chain} == {"call_options", "put_options"}
            assert all(t.expiry == EXPIRY for t in chain)
            assert [t.strike for t in chain] == sorted(t.strike for t in chain)
            assert await delta.option_chain("ETH", EXPIRY.date()) == []
            one = await delta.ticker(chain[0].symbol)
            assert one.symbol == chain[0].symbol and one.mid is not None
            products = await delta.products(["put_options"])
            assert products and {p.contract_type for p in products} == {"put_options"}

    run(scenario())
    tickers = [r for r in fake.received if r.path == "/v2/tickers"]
    assert tickers[0].query.startswith("contract_types=call_options%2Cput_options")


def test_signed_query_and_body_are_accepted_and_state_is_kept(
    fake: FakeDelta, base_url: str
) -> None:
    async def scenario() -> None:
        async with client(base_url, fake) as delta:
            product = (await delta.products(["call_options"]))[0]
            order = await delta.place_order(
                OrderRequest(product.id, "sell", 2, "cp-1-call-open", limit_price=150.5)
            )
            assert (order.state, order.size, order.client_order_id) == (
                "closed",
                2,
                "cp-1-call-open",
            )
            positions = await delta.positions(underlying="BTC")
            assert [(p.product_id, p.size) for p in positions] == [(product.id, -2)]
            # The premium less the commission, which is charged on Delta's option schedule.
            assert order.paid_commission is not None and order.paid_commission > 0
            (usd,) = await delta.wallet_balances()
            assert usd.balance == pytest.approx(10_000 + 150.5 * 0.001 * 2 - order.paid_commission)
            assert (await delta.order_by_client_id("cp-1-call-open")).id == order.id
            assert await delta.order_by_client_id("never-used") is None
            cancelled = await delta.cancel_order(order.id, product.id)
            assert cancelled.id == order.id

    run(scenario())
    signed_query = [r for r in fake.received if r.path == "/v2/positions/margined"]
    assert signed_query[0].query == "underlying_asset_symbol=BTC"
    assert all(
        r.answered == 200
        for r in fake.received
        if r.path != "/v2/orders/client_order_id/never-used"
    )


def test_wrong_secret_and_stale_timestamp_are_refused_once(fake: FakeDelta, base_url: str) -> None:
    async def scenario() -> tuple[DeltaApiError, DeltaApiError]:
        wrong = DeltaClient(base_url, fake.api_key, "not-the-secret")
        stale = client(base_url, fake, clock=lambda: time.time() - 6)
        async with wrong, stale:
            with pytest.raises(DeltaApiError) as mismatch:
                await wrong.wallet_balances()
            with pytest.raises(DeltaApiError) as expired:
                await stale.wallet_balances()
        return mismatch.value, expired.value

    mismatch, expired = run(scenario())
    assert (mismatch.status, mismatch.code) == (401, "SignatureMismatch")
    assert (expired.status, expired.code) == (401, "SignatureExpired")
    assert len(fake.received) == 2


def test_a_retry_is_signed_again_inside_the_5s_window(fake: FakeDelta, base_url: str) -> None:
    # The first attempt is signed 4 s in the past; resending that signature after a 1.2 s
    # backoff would be more than 5 s old, so only a fresh signature gets through.
    times = iter([time.time() - 4])
    fake.fail_next(1, Fault(status=503, path="/v2/wallet/balances"))

    async def scenario() -> None:
        clock = lambda: next(times, time.time())  # noqa: E731
        async with client(base_url, fake, clock=clock, backoff_seconds=1.2) as delta:
            assert (await delta.wallet_balances())[0].asset_symbol == "USD"

    run(scenario())
    first, second = fake.received
    assert (first.answered, second.answered) == (503, 200)
    assert int(second.timestamp or 0) > int(first.timestamp or 0)


def test_rate_limit_waits_for_the_reset_header(fake: FakeDelta, base_url: str) -> None:
    fake.fail_next(2, Fault(status=429, reset_ms=250))
    waits: list[float] = []

    async def recording_sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(seconds)

    async def scenario() -> None:
        async with client(base_url, fake, sleep=recording_sleep) as delta:
            assert await delta.option_chain("BTC", EXPIRY.date())

    run(scenario())
    assert waits == [0.25, 0.25]
    assert [r.answered for r in fake.received] == [429, 429, 200]


def test_order_whose_answer_was_lost_is_placed_once(fake: FakeDelta, base_url: str) -> None:
    # Carried out, then answered too late: the client times out and finds it by its id. Delta
    # would accept the same id again, as the limit order filled and is no longer open.
    fake.fail_next(1, Fault(stall_seconds=1.0, path="/v2/orders"))

    async def scenario() -> None:
        async with client(base_url, fake, timeout_seconds=0.3) as delta:
            product = (await delta.products(["put_options"]))[0]
            order = await delta.place_order(
                OrderRequest(product.id, "sell", 3, "cp-7-put", limit_price=80)
            )
            assert order.client_order_id == "cp-7-put"
            positions = await delta.positions()
            assert [(p.product_id, p.size) for p in positions] == [(product.id, -3)]

    run(scenario())
    assert len(fake.orders_with_client_id("cp-7-put")) == 1
    placements = [r.answered for r in fake.received if r.path == "/v2/orders"]
    assert placements == [200]  # never sent again
    lookups = [r.answered for r in fake.received if r.path == "/v2/orders/client_order_id/cp-7-put"]
    assert lookups == [200]


def test_order_after_a_5xx_is_placed_once(fake: FakeDelta, base_url: str) -> None:
    fake.fail_next(2, Fault(status=502, path="/v2/orders"))

    async def scenario() -> None:
        async with client(base_url, fake) as delta:
            product = (await delta.products(["call_options"]))[0]
            await delta.place_order(OrderRequest(product.id, "sell", 1, "cp-8", limit_price=10))
            assert [p.size for p in await delta.positions()] == [-1]

    run(scenario())
    assert len(fake.orders_with_client_id("cp-8")) == 1
    assert [r.answered for r in fake.received if r.path == "/v2/orders"] == [502, 502, 200]
    # Each 502 was followed by a lookup that found nothing, before sending again.
    assert [r.answered for r in fake.received if r.path.startswith("/v2/orders/client")] == [
        404,
        404,
    ]


def test_a_cancel_is_not_resent_after_a_5xx(fake: FakeDelta, base_url: str) -> None:
    fake.fail_next(1, Fault(status=500, path="/v2/orders"))

    async def scenario() -> None:
        async with client(base_url, fake) as delta:
            with pytest.raises(DeltaOutcomeUnknown):
                await delta.cancel_order(1, 1)

    run(scenario())
    assert len([r for r in fake.received if r.path == "/v2/orders"]) == 1


def test_heartbeat_is_armed_renewed_and_disarmed(fake: FakeDelta, base_url: str) -> None:
    async def scenario() -> None:
        async with client(base_url, fake) as delta:
            await delta.create_heartbeat("strangle-bot")
            await delta.renew_heartbeat("strangle-bot", ttl_ms=30_000)
            await delta.renew_heartbeat("strangle-bot", ttl_ms=30_000)
            await delta.renew_heartbeat("strangle-bot", ttl_ms=0)
            with pytest.raises(DeltaApiError):
                await delta.renew_heartbeat("never-created", ttl_ms=30_000)

    run(scenario())
    config = fake.heartbeats["strangle-bot"]["config"]
    assert config["config"] == [{"action": "cancel_orders", "unhealthy_count": 1}]
    assert [entry["ttl"] for entry in fake.heartbeat_log] == [30_000, 30_000, 0]


def test_an_order_never_answered_is_reported_as_unknown(fake: FakeDelta, base_url: str) -> None:
    fake.fail_next(3, Fault(status=503, path="/v2/orders"))

    async def scenario() -> None:
        async with client(base_url, fake, max_attempts=3) as delta:
            product = (await delta.products(["call_options"]))[0]
            with pytest.raises(DeltaOutcomeUnknown):
                await delta.place_order(OrderRequest(product.id, "sell", 1, "cp-9", limit_price=5))

    run(scenario())
    assert [r.answered for r in fake.received if r.path == "/v2/orders"] == [503, 503, 503]


def test_an_order_that_cannot_be_looked_up_is_not_sent_again(
    fake: FakeDelta, base_url: str
) -> None:
    fake.fail_next(1, Fault(status=503, path="/v2/orders"))
    fake.fail_next(4, Fault(status=503, path_prefix="/v2/orders/client_order_id/"))

    async def scenario() -> None:
        async with client(base_url, fake) as delta:
            product = (await delta.products(["call_options"]))[0]
            with pytest.raises(DeltaOutcomeUnknown, match="could not be looked up"):
                await delta.place_order(OrderRequest(product.id, "sell", 1, "cp-10", limit_price=5))

    run(scenario())
    assert [r.answered for r in fake.received if r.path == "/v2/orders"] == [503]


def test_endpoints_with_a_variable_segment_are_named_by_their_template() -> None:
    from control_plane.exchange.metrics import endpoint_of

    assert endpoint_of("/v2/tickers/C-BTC-90000-221124") == "/v2/tickers/:id"
    assert (
        endpoint_of("/v2/orders/client_order_id/ds-7-open-call") == "/v2/orders/client_order_id/:id"
    )
    assert endpoint_of("/v2/orders") == "/v2/orders"
