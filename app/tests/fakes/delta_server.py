"""A local stand-in for Delta's REST API: a real HTTP server for tests.

It checks `api-key`, the 5 s `timestamp` window and the HMAC `signature` the way Delta
documents them, keeps orders, positions, a wallet and heartbeats, refuses a `client_order_id`
held by an open order (Delta's rule: unique among open orders only), and can be told to
answer the next requests with a 429 (with `X-RATE-LIMIT-RESET`), a 5xx, or a stall after the
request was carried out (a lost answer).
Market orders fill whole at the best bid or ask, with a commission on Delta's option schedule;
`reprice` moves the listed prices along its simulated market.

    cd app && uv run --locked python -m tests.fakes.delta_server --port 8900   # DELTA_API_*
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import itertools
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from control_plane.exchange.signing import SIGNATURE_WINDOW_SECONDS, signature
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.market import SimulatedMarket
from tests.servers import serve_in_thread


@dataclass(frozen=True, slots=True)
class Fault:
    status: int = 503
    reset_ms: int | None = None  # for 429: X-RATE-LIMIT-RESET
    stall_seconds: float = 0.0  # carry the request out, then answer this late
    path: str | None = None  # only requests to this path
    path_prefix: str | None = None  # only requests to paths starting with this

    def matches(self, path: str) -> bool:
        if self.path_prefix is not None:
            return path.startswith(self.path_prefix)
        return self.path in (None, path)


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    method: str
    path: str
    query: str
    body: str
    timestamp: str | None
    answered: int
    at: float


def _num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


@dataclass
class FakeDelta:
    api_key: str = "fake-key"
    api_secret: str = "fake-secret"
    market: SimulatedMarket | None = None
    expiry: datetime | None = None
    clock: Callable[[], float] = time.time
    wallet_usd: float = 10_000.0
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    tickers: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    positions: dict[int, int] = field(default_factory=dict)
    heartbeats: dict[str, dict[str, Any]] = field(default_factory=dict)
    heartbeat_log: list[dict[str, Any]] = field(default_factory=list)
    received: list[ReceivedRequest] = field(default_factory=list)
    _faults: deque[Fault] = field(default_factory=deque)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.market is not None:
            at = self.market.start
            expiry = self.expiry or (at + timedelta(days=1)).replace(
                hour=12, minute=0, second=0, microsecond=0
            )
            self.expiry = expiry
            self._list_chain(self.market, expiry, at)

    def _list_chain(self, market: SimulatedMarket, expiry: datetime, at: datetime) -> None:
        """List (or re-price, keeping product ids) the chain and the perpetual as of `at`."""
        chain = market.chain(expiry, at, strikes_each_side=10)
        settlement = expiry.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        ids = {ticker["symbol"]: ticker["product_id"] for ticker in self.tickers.values()}
        for quote in chain.quotes:
            prefix = "C" if quote.option_type == "call" else "P"
            symbol = f"{prefix}-{market.underlying}-{int(quote.strike)}-{expiry:%d%m%y}"
            product_id = ids.get(symbol) or next(self._ids)
            contract_type = f"{quote.option_type}_options"
            self.products[product_id] = {
                "id": product_id,
                "symbol": symbol,
                "contract_type": contract_type,
                "strike_price": _num(quote.strike),
                "settlement_time": settlement,
                "contract_value": _num(market.profile.contract_size),
                "underlying_asset": {"symbol": market.underlying},
            }
            self.tickers[symbol] = {
                "symbol": symbol,
                "product_id": product_id,
                "contract_type": contract_type,
                "underlying_asset_symbol": market.underlying,
                "strike_price": _num(quote.strike),
                "spot_price": _num(chain.spot),
                "mark_price": _num(quote.mid),
                "settlement_time": settlement,
                "quotes": {
                    "best_bid": _num(quote.mid * 0.99),
                    "best_ask": _num(quote.mid * 1.01),
                    "mark_iv": _num(quote.iv),
                },
                "greeks": {
                    "delta": _num(quote.greeks.delta),
                    "gamma": _num(quote.greeks.gamma),
                    "theta": _num(quote.greeks.theta),
                    "vega": _num(quote.greeks.vega),
                },
            }
        perpetual = f"{market.underlying}USD"
        self.tickers[perpetual] = {
            "symbol": perpetual,
            "product_id": ids.get(perpetual) or next(self._ids),
            "contract_type": "perpetual_futures",
            "underlying_asset_symbol": market.underlying,
            "spot_price": _num(chain.spot),
            "mark_price": _num(chain.spot),
        }

    def reprice(self, at: datetime) -> None:
        """Move the listed prices to the simulated market's at `at` (a test control)."""
        if self.market is None or self.expiry is None:
            raise ValueError("the fake lists no market")
        with self._lock:
            self._list_chain(self.market, self.expiry, at)

    def delist_options(self) -> None:
        """Drop every option from the listing, as Delta does once they expire."""
        with self._lock:
            for symbol in [s for s, t in self.tickers.items() if t.get("strike_price")]:
                del self.tickers[symbol]

    # Test controls.

    def fail_next(self, count: int, fault: Fault) -> None:
        with self._lock:
            self._faults.extend([fault] * count)

    def _next_fault(self, path: str) -> Fault | None:
        with self._lock:
            if self._faults and self._faults[0].matches(path):
                return self._faults.popleft()
        return None

    def orders_with_client_id(self, client_order_id: str) -> list[dict[str, Any]]:
        return [o for o in self.orders.values() if o["client_order_id"] == client_order_id]

    # Request handling.

    def _authenticate(self, request: Request, body: str) -> JSONResponse | None:
        key = request.headers.get("api-key")
        if key != self.api_key:
            return _error(401, "InvalidApiKey")
        timestamp = request.headers.get("timestamp", "")
        if not timestamp.isdigit():
            return _error(401, "InvalidTimestamp")
        if self.clock() - int(timestamp) > SIGNATURE_WINDOW_SECONDS:
            return _error(401, "SignatureExpired")
        query = f"?{request.url.query}" if request.url.query else ""
        expected = signature(
            self.api_secret, request.method, timestamp, request.url.path, query, body
        )
        if not hmac.compare_digest(expected, request.headers.get("signature", "")):
            return _error(401, "SignatureMismatch")
        return None

    async def handle(self, request: Request) -> Response:
        body = (await request.body()).decode()
        fault = self._next_fault(request.url.path)
        if fault is not None and not fault.stall_seconds:
            response: Response = _error(fault.status, "injected_fault")
            if fault.reset_ms is not None:
                response.headers["X-RATE-LIMIT-RESET"] = str(fault.reset_ms)
        else:
            response = self._route(request, body)
        self.received.append(
            ReceivedRequest(
                request.method,
                request.url.path,
                request.url.query,
                body,
                request.headers.get("timestamp"),
                response.status_code,
                self.clock(),
            )
        )
        if fault is not None and fault.stall_seconds:
            await asyncio.sleep(fault.stall_seconds)
        return response

    def _route(self, request: Request, body: str) -> Response:
        path, method = request.url.path, request.method
        params = request.query_params
        if method == "GET" and path == "/v2/tickers":
            return _ok(self._filtered_tickers(params))
        if method == "GET" and path.startswith("/v2/tickers/"):
            ticker = self.tickers.get(path.removeprefix("/v2/tickers/"))
            return _ok(ticker) if ticker else _error(404, "not_found")
        if method == "GET" and path == "/v2/products":
            kinds = params.get("contract_types")
            wanted = set(kinds.split(",")) if kinds else None
            products = [
                p for p in self.products.values() if not wanted or p["contract_type"] in wanted
            ]
            return _ok(products)
        refused = self._authenticate(request, body)
        if refused is not None:
            return refused
        document = json.loads(body) if body else {}
        with self._lock:
            return self._private(method, path, document, params)

    def _filtered_tickers(self, params: Any) -> list[dict[str, Any]]:
        kinds = params.get("contract_types")
        wanted = set(kinds.split(",")) if kinds else None
        underlyings = params.get("underlying_asset_symbols")
        expiry = params.get("expiry_date")  # DD-MM-YYYY
        chosen = []
        for ticker in self.tickers.values():
            if wanted and ticker["contract_type"] not in wanted:
                continue
            if underlyings and ticker["underlying_asset_symbol"] not in underlyings.split(","):
                continue
            if expiry:
                settlement = ticker.get("settlement_time")
                if settlement is None:
                    continue
                settles = datetime.fromisoformat(settlement.replace("Z", "+00:00"))
                if settles.strftime("%d-%m-%Y") != expiry:
                    continue
            chosen.append(ticker)
        return chosen

    def _private(self, method: str, path: str, document: dict[str, Any], params: Any) -> Response:
        if method == "POST" and path == "/v2/orders":
            return self._place(document)
        if method == "GET" and path.startswith("/v2/orders/client_order_id/"):
            found = self.orders_with_client_id(path.rsplit("/", 1)[1])
            return _ok(found[0]) if found else _error(404, "not_found")
        if method == "DELETE" and path == "/v2/orders":
            order = self.orders.get(document.get("id", -1))
            if order is None or order["product_id"] != document.get("product_id"):
                return _error(404, "not_found")
            if order["state"] == "open":
                order["state"] = "cancelled"
            return _ok(order)
        if method == "GET" and path == "/v2/positions/margined":
            return _ok(
                [
                    {
                        "product_id": pid,
                        "product_symbol": self.products[pid]["symbol"],
                        "size": size,
                        "entry_price": None,
                    }
                    for pid, size in self.positions.items()
                    if size
                ]
            )
        if method == "GET" and path == "/v2/wallet/balances":
            usd = _num(self.wallet_usd)
            return _ok([{"asset_symbol": "USD", "balance": usd, "available_balance": usd}])
        if method == "POST" and path == "/v2/heartbeat/create":
            beat_id = document.get("heartbeat_id")
            if not beat_id:
                return _error(400, "invalid_heartbeat")
            self.heartbeats[beat_id] = {"config": document, "ttl": None, "renewed_at": None}
            return _ok({"heartbeat_id": beat_id})
        if method == "POST" and path == "/v2/heartbeat":
            beat = self.heartbeats.get(document.get("heartbeat_id", ""))
            ttl = document.get("ttl")
            if beat is None or not isinstance(ttl, int) or ttl < 0:
                return _error(400, "invalid_heartbeat")
            beat.update(ttl=ttl, renewed_at=self.clock())
            self.heartbeat_log.append({"heartbeat_id": document["heartbeat_id"], "ttl": ttl})
            return _ok(
                {"heartbeat_timestamp": str(time.time_ns() // 1000), "process_enabled": True}
            )
        if method == "GET" and path == "/v2/heartbeat":
            return _ok([{"heartbeat_id": k, **v} for k, v in self.heartbeats.items()])
        return _error(404, "not_found")

    def _place(self, document: dict[str, Any]) -> Response:
        client_order_id = document.get("client_order_id")
        # As Delta documents it: unique among the user's open orders only, so an id whose order
        # has filled (a market order at once) can be placed again.
        if client_order_id and any(
            o["state"] == "open" for o in self.orders_with_client_id(client_order_id)
        ):
            return _error(400, "duplicate_client_order_id")
        product = self.products.get(document.get("product_id", -1))
        size = document.get("size")
        side = document.get("side")
        if product is None or not isinstance(size, int) or size < 1 or side not in ("buy", "sell"):
            return _error(400, "invalid_order")
        ticker = self.tickers.get(product["symbol"])
        if ticker is None:
            return _error(400, "product_expired")
        held = self.positions.get(product["id"], 0)
        if document.get("reduce_only") and not (
            (side == "buy" and held <= -size) or (side == "sell" and held >= size)
        ):
            return _error(400, "reduce_only_violated")
        # A market order takes the other side's best price; a limit order fills at its limit.
        touch = ticker["quotes"]["best_bid" if side == "sell" else "best_ask"]
        price = float(document.get("limit_price") or touch)
        contract_value = float(product["contract_value"])
        commission = ExecutionCosts(slippage_pct=0).fee(
            float(ticker["spot_price"]), price, contract_value, size
        )
        order_id = next(self._ids)
        order = {
            "id": order_id,
            "client_order_id": client_order_id,
            "product_id": product["id"],
            "product_symbol": product["symbol"],
            "side": side,
            "size": size,
            "unfilled_size": 0,
            "state": "closed",
            "order_type": document.get("order_type", "limit_order"),
            "limit_price": document.get("limit_price"),
            "average_fill_price": _num(price),
            "paid_commission": _num(commission),
        }
        self.orders[order_id] = order
        signed_size = size if side == "buy" else -size
        self.positions[product["id"]] = self.positions.get(product["id"], 0) + signed_size
        premium = price * contract_value * size
        self.wallet_usd += (premium if side == "sell" else -premium) - commission
        return _ok(order)


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"success": True, "result": result})


def _error(status: int, code: str) -> JSONResponse:
    return JSONResponse({"success": False, "error": {"code": code, "context": {}}}, status)


def build_app(fake: FakeDelta) -> Starlette:
    methods = ["GET", "POST", "PUT", "DELETE"]
    return Starlette(routes=[Route("/{path:path}", fake.handle, methods=methods)])


def serve_fake_delta(fake: FakeDelta, host: str = "127.0.0.1", port: int = 0) -> Any:
    """Run the fake on a loopback port in a background thread; yields its base URL."""
    return serve_in_thread(build_app(fake), host, port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--underlying", choices=["BTC", "ETH"], default="BTC")
    args = parser.parse_args()
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    fake = FakeDelta(
        api_key=os.environ.get("DELTA_API_KEY") or "fake-key",
        api_secret=os.environ.get("DELTA_API_SECRET") or "fake-secret",
        market=SimulatedMarket(args.underlying, start, seed=0),
    )
    with serve_fake_delta(fake, args.host, args.port) as url:
        print(f"fake Delta at {url} (DELTA_BASE_URL); Ctrl-C stops it", flush=True)
        with suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
