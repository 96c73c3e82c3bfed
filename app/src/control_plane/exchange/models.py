"""Delta's JSON answers as typed records (numbers arrive as strings; they become floats)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

ContractType = Literal["call_options", "put_options", "perpetual_futures", "futures"]
Side = Literal["buy", "sell"]
OrderType = Literal["limit_order", "market_order"]


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def expiry_date_param(expiry: date) -> str:
    """Delta's `expiry_date` filter is DD-MM-YYYY."""
    return expiry.strftime("%d-%m-%Y")


@dataclass(frozen=True, slots=True)
class Greeks:
    delta: float
    gamma: float
    theta: float
    vega: float


@dataclass(frozen=True, slots=True)
class Ticker:
    symbol: str
    product_id: int | None
    contract_type: str
    underlying: str | None
    strike: float | None
    spot: float | None
    mark_price: float | None
    best_bid: float | None
    best_ask: float | None
    mark_iv: float | None
    greeks: Greeks | None
    expiry: datetime | None

    @property
    def mid(self) -> float | None:
        """Mid of the best bid and ask, or the mark price when one side of the book is empty."""
        if self.best_bid is not None and self.best_ask is not None:
            return (self.best_bid + self.best_ask) / 2
        return self.mark_price

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Ticker:
        quotes = raw.get("quotes") or {}
        greeks = raw.get("greeks")
        return cls(
            symbol=raw["symbol"],
            product_id=raw.get("product_id"),
            contract_type=raw.get("contract_type", ""),
            underlying=raw.get("underlying_asset_symbol"),
            strike=_float(raw.get("strike_price")),
            spot=_float(raw.get("spot_price")),
            mark_price=_float(raw.get("mark_price")),
            best_bid=_float(quotes.get("best_bid")),
            best_ask=_float(quotes.get("best_ask")),
            mark_iv=_float(quotes.get("mark_iv")),
            greeks=Greeks(
                delta=float(greeks.get("delta") or 0),
                gamma=float(greeks.get("gamma") or 0),
                theta=float(greeks.get("theta") or 0),
                vega=float(greeks.get("vega") or 0),
            )
            if greeks
            else None,
            expiry=_time(raw.get("settlement_time")),
        )


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    symbol: str
    contract_type: str
    strike: float | None
    expiry: datetime | None
    contract_value: float | None

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Product:
        return cls(
            id=raw["id"],
            symbol=raw["symbol"],
            contract_type=raw.get("contract_type", ""),
            strike=_float(raw.get("strike_price")),
            expiry=_time(raw.get("settlement_time")),
            contract_value=_float(raw.get("contract_value")),
        )


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    client_order_id: str | None
    product_id: int
    product_symbol: str | None
    side: Side
    size: int
    unfilled_size: int
    state: str
    limit_price: float | None
    average_fill_price: float | None
    paid_commission: float | None = None

    @property
    def filled(self) -> bool:
        """Completely filled: no size left and a price to record."""
        return self.unfilled_size == 0 and self.average_fill_price is not None

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Order:
        return cls(
            id=raw["id"],
            client_order_id=raw.get("client_order_id"),
            product_id=raw["product_id"],
            product_symbol=raw.get("product_symbol"),
            side=raw["side"],
            size=int(raw["size"]),
            unfilled_size=int(raw.get("unfilled_size", 0)),
            state=raw.get("state", ""),
            limit_price=_float(raw.get("limit_price")),
            average_fill_price=_float(raw.get("average_fill_price")),
            paid_commission=_float(raw.get("paid_commission")),
        )


@dataclass(frozen=True, slots=True)
class Position:
    product_id: int
    product_symbol: str | None
    size: int  # negative when short
    entry_price: float | None

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Position:
        return cls(
            product_id=raw["product_id"],
            product_symbol=raw.get("product_symbol"),
            size=int(raw["size"]),
            entry_price=_float(raw.get("entry_price")),
        )


@dataclass(frozen=True, slots=True)
class WalletBalance:
    asset_symbol: str
    balance: float
    available_balance: float

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> WalletBalance:
        return cls(
            asset_symbol=raw["asset_symbol"],
            balance=float(raw.get("balance") or 0),
            available_balance=float(raw.get("available_balance") or 0),
        )


@dataclass(frozen=True, slots=True)
class OrderRequest:
    product_id: int
    side: Side
    size: int
    client_order_id: str
    order_type: OrderType = "limit_order"
    limit_price: float | None = None
    reduce_only: bool = False

    def __post_init__(self) -> None:
        if self.size < 1:
            raise ValueError("size must be at least one contract")
        if self.order_type == "limit_order" and self.limit_price is None:
            raise ValueError("a limit order needs limit_price")
        if not 1 <= len(self.client_order_id) <= 32:
            raise ValueError("client_order_id must be 1-32 characters")

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "product_id": self.product_id,
            "size": self.size,
            "side": self.side,
            "order_type": self.order_type,
            "client_order_id": self.client_order_id,
        }
        if self.limit_price is not None:
            body["limit_price"] = str(self.limit_price)
        if self.reduce_only:
            body["reduce_only"] = True
        return body
