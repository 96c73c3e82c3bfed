"""Signed REST client for Delta Exchange (v2), with bounded, idempotent retries.

Every attempt is signed just before it is sent, so a retry never carries a timestamp older
than Delta's 5 s window. 429 waits for `X-RATE-LIMIT-RESET` (milliseconds). Reads are
retried on timeouts and 5xx. An order placement whose outcome is unknown (a timeout or 5xx) is
looked up by its `client_order_id` before it is sent again: Delta refuses a reused id only
while its order is open, and a market order is closed as soon as it fills, so resending
blindly could trade twice.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx

from control_plane import __version__
from control_plane.exchange.errors import (
    DeltaApiError,
    DeltaError,
    DeltaNotConfigured,
    DeltaOutcomeUnknown,
    DeltaUnavailable,
)
from control_plane.exchange.models import (
    ContractType,
    Order,
    OrderRequest,
    Position,
    Product,
    Ticker,
    WalletBalance,
    expiry_date_param,
)
from control_plane.exchange.signing import query_string, signature

USER_AGENT = f"delta-strangle-control-plane/{__version__}"
# Error codes Delta may use for a client_order_id held by an open order (not confirmed in its
# public docs).
DUPLICATE_CLIENT_ORDER_ID_CODES = frozenset({"duplicate_client_order_id", "DuplicateClientOrderId"})


# Told of every attempt: method, path, seconds, and the failure's kind (None when answered).
RequestObserver = Callable[[str, str, float, str | None], None]


def failure_kind(status_code: int) -> str | None:
    if status_code == 429:
        return "rate_limited"
    if status_code >= 500:
        return "server_error"
    return "refused" if status_code >= 400 else None


class DeltaClient:
    def __init__(
        self,
        base_url: str,
        api_key: str = "",
        api_secret: str = "",
        *,
        timeout_seconds: float = 5.0,
        max_attempts: int = 4,
        backoff_seconds: float = 0.25,
        max_rate_limit_wait_seconds: float = 10.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._api_key = api_key
        self._api_secret = api_secret
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._max_rate_limit_wait = max_rate_limit_wait_seconds
        self._clock = clock
        self._sleep = sleep
        self._base_path = httpx.URL(base_url).path.rstrip("/")
        self.observe: RequestObserver | None = None
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout_seconds,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    @classmethod
    def from_settings(cls, settings: Any) -> DeltaClient:
        return cls(
            settings.DELTA_BASE_URL,
            settings.DELTA_API_KEY,
            settings.DELTA_API_SECRET,
            timeout_seconds=settings.DELTA_TIMEOUT_SECONDS,
            max_attempts=settings.DELTA_MAX_ATTEMPTS,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> DeltaClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    # Market data (public).

    async def tickers(
        self,
        contract_types: list[ContractType] | None = None,
        underlying: str | None = None,
        expiry: date | None = None,
    ) -> list[Ticker]:
        params = {
            "contract_types": ",".join(contract_types) if contract_types else None,
            "underlying_asset_symbols": underlying,
            "expiry_date": expiry_date_param(expiry) if expiry else None,
        }
        result = await self._call("GET", "/v2/tickers", params=params)
        return [Ticker.from_api(raw) for raw in result]

    async def ticker(self, symbol: str) -> Ticker:
        return Ticker.from_api(await self._call("GET", f"/v2/tickers/{quote(symbol, safe='')}"))

    async def option_chain(self, underlying: str, expiry: date) -> list[Ticker]:
        """Calls and puts of one underlying and expiry, sorted by strike then type."""
        tickers = await self.tickers(["call_options", "put_options"], underlying, expiry)
        return sorted(tickers, key=lambda t: (t.strike or 0.0, t.contract_type))

    async def products(self, contract_types: list[ContractType] | None = None) -> list[Product]:
        params = {"contract_types": ",".join(contract_types) if contract_types else None}
        return [Product.from_api(raw) for raw in await self._call("GET", "/v2/products", params)]

    # Account (signed).

    async def place_order(self, order: OrderRequest) -> Order:
        """Place once, whatever the retries: after an unknown outcome the order is looked up
        by its client_order_id, and sent again (same id) only when Delta does not have it."""
        for attempt in range(1, self._max_attempts + 1):
            try:
                raw = await self._call(
                    "POST", "/v2/orders", body=order.body(), signed=True, resend_safe=False
                )
            except DeltaOutcomeUnknown as exc:
                try:
                    existing = await self.order_by_client_id(order.client_order_id)
                except DeltaError as lookup_error:
                    raise DeltaOutcomeUnknown(
                        f"order {order.client_order_id!r} may have been placed and could not be"
                        f" looked up ({lookup_error}); look it up by that id"
                    ) from exc
                if existing is not None:
                    return existing
                if attempt == self._max_attempts:
                    raise DeltaOutcomeUnknown(
                        f"order {order.client_order_id!r}: no answer after {attempt} attempts"
                        " and Delta does not list it; look it up by that id before retrying"
                    ) from exc
                await self._sleep(self._backoff_delay(attempt))
                continue
            except DeltaApiError as error:
                if error.code in DUPLICATE_CLIENT_ORDER_ID_CODES:
                    existing = await self.order_by_client_id(order.client_order_id)
                    if existing is not None:
                        return existing
                raise
            return Order.from_api(raw)
        raise AssertionError("unreachable")

    async def order_by_client_id(self, client_order_id: str) -> Order | None:
        path = f"/v2/orders/client_order_id/{quote(client_order_id, safe='')}"
        try:
            return Order.from_api(await self._call("GET", path, signed=True))
        except DeltaApiError as error:
            if error.status == 404:
                return None
            raise

    async def cancel_order(self, order_id: int, product_id: int) -> Order:
        body = {"id": order_id, "product_id": product_id}
        return Order.from_api(await self._call("DELETE", "/v2/orders", body=body, signed=True))

    async def positions(self, underlying: str | None = None) -> list[Position]:
        params = {"underlying_asset_symbol": underlying}
        result = await self._call("GET", "/v2/positions/margined", params, signed=True)
        return [Position.from_api(raw) for raw in result]

    async def wallet_balances(self) -> list[WalletBalance]:
        result = await self._call("GET", "/v2/wallet/balances", signed=True)
        return [WalletBalance.from_api(raw) for raw in result]

    # Dead-man switch: Delta cancels the orders in scope when a heartbeat is not renewed in time.

    async def create_heartbeat(
        self, heartbeat_id: str, unhealthy_count: int = 1, impact: str = "contracts"
    ) -> None:
        body = {
            "heartbeat_id": heartbeat_id,
            "impact": impact,
            "contract_types": ["call_options", "put_options"],
            "config": [{"action": "cancel_orders", "unhealthy_count": unhealthy_count}],
        }
        await self._call("POST", "/v2/heartbeat/create", body=body, signed=True, resend_safe=True)

    async def renew_heartbeat(self, heartbeat_id: str, ttl_ms: int) -> None:
        """Arm or renew for `ttl_ms` milliseconds; ttl 0 disarms (a planned stop)."""
        body = {"heartbeat_id": heartbeat_id, "ttl": ttl_ms}
        await self._call("POST", "/v2/heartbeat", body=body, signed=True, resend_safe=True)

    # Transport.

    def _signed_headers(self, method: str, path: str, query: str, body: str) -> dict[str, str]:
        if not (self._api_key and self._api_secret):
            raise DeltaNotConfigured("set DELTA_API_KEY and DELTA_API_SECRET")
        timestamp = str(int(self._clock()))
        full_path = f"{self._base_path}{path}"
        return {
            "api-key": self._api_key,
            "timestamp": timestamp,
            "signature": signature(self._api_secret, method, timestamp, full_path, query, body),
        }

    def _backoff_delay(self, attempt: int) -> float:
        return self._backoff * 2.0 ** (attempt - 1)

    async def _call(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        body: Any = None,
        signed: bool = False,
        resend_safe: bool | None = None,
    ) -> Any:
        """`resend_safe`: may be sent again after a timeout or 5xx (reads always may)."""
        if resend_safe is None:
            resend_safe = method == "GET"
        query = query_string(params)
        # Serialised once: the bytes signed are the bytes sent.
        body_text = json.dumps(body, separators=(",", ":")) if body is not None else ""
        for attempt in range(1, self._max_attempts + 1):
            last = attempt == self._max_attempts
            headers = {"Content-Type": "application/json"} if body_text else {}
            if signed:
                headers |= self._signed_headers(method, path, query, body_text)
            started = time.perf_counter()
            try:
                response = await self._http.request(
                    method, f"{path}{query}", content=body_text or None, headers=headers
                )
            except httpx.TransportError as exc:
                self._observed(method, path, started, "transport")
                if not resend_safe:
                    raise DeltaOutcomeUnknown(f"{method} {path}: {type(exc).__name__}") from exc
                if last:
                    raise DeltaUnavailable(f"{method} {path}: {type(exc).__name__}") from exc
                await self._sleep(self._backoff_delay(attempt))
                continue
            self._observed(method, path, started, failure_kind(response.status_code))
            if response.status_code == 429:
                if last:
                    raise DeltaUnavailable(f"{method} {path}: still rate limited")
                await self._sleep(self._rate_limit_wait(response, attempt))
                continue
            if response.status_code >= 500:
                if not resend_safe:
                    raise DeltaOutcomeUnknown(f"{method} {path}: HTTP {response.status_code}")
                if last:
                    raise DeltaUnavailable(f"{method} {path}: HTTP {response.status_code}")
                await self._sleep(self._backoff_delay(attempt))
                continue
            return self._unwrap(response, after_retry=attempt > 1)
        raise AssertionError("unreachable")

    def _observed(self, method: str, path: str, started: float, error: str | None) -> None:
        if self.observe is not None:
            self.observe(method, path, time.perf_counter() - started, error)

    def _rate_limit_wait(self, response: httpx.Response, attempt: int) -> float:
        reset = response.headers.get("X-RATE-LIMIT-RESET")
        try:
            wait = int(reset) / 1000 if reset is not None else self._backoff_delay(attempt)
        except ValueError:
            wait = self._backoff_delay(attempt)
        return min(max(wait, 0.0), self._max_rate_limit_wait)

    @staticmethod
    def _unwrap(response: httpx.Response, *, after_retry: bool) -> Any:
        try:
            document = response.json()
        except ValueError:
            document = None
        if response.is_success and isinstance(document, dict) and document.get("success", True):
            return document.get("result")
        error = document.get("error") if isinstance(document, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        context = error.get("context") if isinstance(error, dict) else None
        raise DeltaApiError(
            str(code or "http_error"), response.status_code, context, after_retry=after_retry
        )
