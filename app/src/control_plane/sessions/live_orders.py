"""The orders of one live open or close, written to the session's row before they are sent.

Their `client_order_id`s are fixed when written, so whatever happens after (a lost answer, a
crash, a redeploy) the next engine finds each order on Delta by that id instead of sending a
second one. A random part keeps ids unique across databases sharing one Delta account.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson

from control_plane.exchange.models import Side
from control_plane.trading.paper_engine import CloseReason, EngineState, OpenPosition
from control_plane.trading.pricing import OptionType
from control_plane.trading.state_codec import UnreadableState, state_from_json, state_to_json


@dataclass(frozen=True, slots=True)
class LegOrder:
    option_type: OptionType
    strike: float
    product_id: int
    symbol: str
    side: Side
    size: int
    client_order_id: str


@dataclass(frozen=True, slots=True)
class PendingOrders:
    kind: Literal["open", "close"]
    orders: tuple[LegOrder, ...]  # call first, then put
    # open: the position as priced before sending; close: the position being bought back.
    position: OpenPosition
    spot: float
    # open: the entry window it trades in; close: why it closes.
    last_entry_session: datetime | None = None
    reason: CloseReason | None = None

    def to_json(self) -> str:
        state = state_to_json(EngineState(self.position, self.last_entry_session))
        return orjson.dumps(
            {
                "kind": self.kind,
                "orders": [
                    {
                        "option_type": o.option_type,
                        "strike": o.strike,
                        "product_id": o.product_id,
                        "symbol": o.symbol,
                        "side": o.side,
                        "size": o.size,
                        "client_order_id": o.client_order_id,
                    }
                    for o in self.orders
                ],
                "state": state,
                "spot": self.spot,
                "reason": self.reason,
            }
        ).decode()

    @classmethod
    def from_json(cls, text: str) -> PendingOrders:
        try:
            document: dict[str, Any] = orjson.loads(text)
            state = state_from_json(document["state"])
            if state.position is None or document["kind"] not in ("open", "close"):
                raise ValueError("pending orders without a position or kind")
            return cls(
                kind=document["kind"],
                orders=tuple(LegOrder(**order) for order in document["orders"]),
                position=state.position,
                spot=float(document["spot"]),
                last_entry_session=state.last_entry_session,
                reason=document["reason"],
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise UnreadableState(f"pending orders cannot be read: {exc}") from exc


def client_order_id(session_id: int, kind: str, option_type: OptionType, token: str) -> str:
    """At most 32 characters, as Delta requires: `ds<session><o|c><token><c|p>`."""
    return f"ds{session_id}{kind[0]}{token}{option_type[0]}"


def new_token() -> str:
    return secrets.token_hex(6)


def leg_orders(
    session_id: int,
    kind: Literal["open", "close"],
    position: OpenPosition,
    products: dict[OptionType, tuple[str, int | None]],
) -> tuple[LegOrder, ...]:
    """Sell both legs to open, buy both back to close, under ids sharing one fresh token."""
    token = new_token()
    side: Side = "sell" if kind == "open" else "buy"
    orders = []
    for leg in (position.call, position.put):
        symbol, product_id = products[leg.option_type]
        if product_id is None:
            raise ValueError(f"Delta gave no product id for {symbol}")
        orders.append(
            LegOrder(
                option_type=leg.option_type,
                strike=leg.strike,
                product_id=product_id,
                symbol=symbol,
                side=side,
                size=position.contracts,
                client_order_id=client_order_id(session_id, kind, leg.option_type, token),
            )
        )
    return tuple(orders)


@dataclass(frozen=True, slots=True)
class CloseRequest:
    """An operator's stop or panic, or the kill switch, asked of a live session."""

    status: Literal["stopped", "panic_closed"]
    reason: str
    close_reason: CloseReason

    def to_json(self) -> str:
        return orjson.dumps(
            {"status": self.status, "reason": self.reason, "close_reason": self.close_reason}
        ).decode()

    @classmethod
    def from_row(cls, text: str | None) -> CloseRequest | None:
        if not text:
            return None
        document = orjson.loads(text)
        return cls(document["status"], document["reason"], document["close_reason"])
