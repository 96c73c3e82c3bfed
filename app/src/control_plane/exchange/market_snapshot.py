"""Live market data in the shape `trading.paper_engine.step` reads from `SimulatedMarket`.

`step` is synchronous, so the runner fetches a snapshot first and steps on it:

    expiry = expiry_for_rule(config.expiry_rule, now)      # or the open position's expiry
    market = await DeltaMarketSnapshot.fetch(client, config.underlying, expiry, now)
    outcome = step(config, market, now, state)

It answers `spot_at`, `chain` and `quote` for the one expiry it was fetched for; prices are
the order book's mid (mark price when a side is empty), greeks and IV are Delta's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from control_plane.exchange.client import DeltaClient
from control_plane.exchange.models import Ticker
from control_plane.trading.market import (
    PROFILES,
    OptionChain,
    OptionQuote,
    Underlying,
    UnderlyingProfile,
)
from control_plane.trading.pricing import Greeks, OptionType


class SnapshotMismatch(ValueError):
    """Asked for an expiry or strike the snapshot was not fetched for."""


@dataclass(frozen=True, slots=True)
class DeltaMarketSnapshot:
    underlying: Underlying
    at: datetime
    expiry: datetime
    spot: float
    quotes: tuple[OptionQuote, ...]
    symbols: dict[tuple[OptionType, float], tuple[str, int | None]]

    @property
    def profile(self) -> UnderlyingProfile:
        # Contract size and strike grid are Delta's own, which the simulated profiles copy.
        return PROFILES[self.underlying]

    @classmethod
    async def fetch(
        cls, client: DeltaClient, underlying: Underlying, expiry: datetime, at: datetime
    ) -> DeltaMarketSnapshot:
        tickers = await client.option_chain(underlying, expiry.date())
        return cls.from_tickers(underlying, expiry, at, tickers)

    @classmethod
    def from_tickers(
        cls, underlying: Underlying, expiry: datetime, at: datetime, tickers: list[Ticker]
    ) -> DeltaMarketSnapshot:
        quotes: list[OptionQuote] = []
        symbols: dict[tuple[OptionType, float], tuple[str, int | None]] = {}
        spots = []
        for ticker in tickers:
            option_type = _option_type(ticker.contract_type)
            if option_type is None or ticker.strike is None or ticker.mid is None:
                continue
            greeks = ticker.greeks
            quotes.append(
                OptionQuote(
                    option_type=option_type,
                    strike=ticker.strike,
                    iv=ticker.mark_iv or 0.0,
                    mid=ticker.mid,
                    greeks=Greeks(greeks.delta, greeks.gamma, greeks.theta, greeks.vega)
                    if greeks
                    else Greeks(0.0, 0.0, 0.0, 0.0),
                )
            )
            symbols[(option_type, ticker.strike)] = (ticker.symbol, ticker.product_id)
            if ticker.spot is not None:
                spots.append(ticker.spot)
        if not quotes or not spots:
            raise SnapshotMismatch(f"Delta listed no {underlying} options for {expiry:%Y-%m-%d}")
        quotes.sort(key=lambda q: (q.strike, q.option_type))
        return cls(underlying, at, expiry, spots[0], tuple(quotes), symbols)

    def spot_at(self, when: datetime) -> float:
        """The spot when fetched: a live market has no other (settlement uses Delta's own)."""
        return self.spot

    def chain(
        self, expiry: datetime, at: datetime, strikes_each_side: int | None = None
    ) -> OptionChain:
        self._check_expiry(expiry)
        quotes = self.quotes
        if strikes_each_side is not None:
            strikes = sorted({q.strike for q in quotes}, key=lambda s: abs(s - self.spot))
            kept = set(strikes[: 2 * strikes_each_side + 1])
            quotes = tuple(q for q in quotes if q.strike in kept)
        return OptionChain(self.underlying, self.spot, self.at, self.expiry, quotes)

    def quote(
        self, option_type: OptionType, strike: float, expiry: datetime, at: datetime
    ) -> OptionQuote:
        self._check_expiry(expiry)
        for quote in self.quotes:
            if quote.option_type == option_type and quote.strike == strike:
                return quote
        raise SnapshotMismatch(f"no {option_type} at strike {strike} in the snapshot")

    def product_for(self, option_type: OptionType, strike: float) -> tuple[str, int | None]:
        """Delta's symbol and product id of a leg, for placing its order."""
        try:
            return self.symbols[(option_type, strike)]
        except KeyError:
            raise SnapshotMismatch(f"no {option_type} at strike {strike}") from None

    def _check_expiry(self, expiry: datetime) -> None:
        if expiry != self.expiry:
            raise SnapshotMismatch(f"snapshot is for expiry {self.expiry}, not {expiry}")


OPTION_TYPES: dict[str, OptionType] = {"call_options": "call", "put_options": "put"}


def _option_type(contract_type: str) -> OptionType | None:
    return OPTION_TYPES.get(contract_type)
