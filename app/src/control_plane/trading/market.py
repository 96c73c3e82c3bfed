"""Markets the engine trades on: the `Market` protocol it reads, and the simulated market (a
seeded geometric Brownian motion for the underlying, option chains priced off it with
Black-Scholes and a volatility skew)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, Protocol

from control_plane.trading.expiries import years_between
from control_plane.trading.pricing import (
    Greeks,
    OptionType,
    VolatilitySkew,
    option_greeks,
    option_price,
)

Underlying = Literal["BTC", "ETH"]
OPTION_TYPES: tuple[OptionType, ...] = ("call", "put")


@dataclass(frozen=True, slots=True)
class UnderlyingProfile:
    initial_spot: float
    realised_vol: float
    strike_step: float
    contract_size: float  # units of the underlying per option contract, as on Delta
    skew: VolatilitySkew


PROFILES: dict[Underlying, UnderlyingProfile] = {
    "BTC": UnderlyingProfile(60_000.0, 0.50, 200.0, 0.001, VolatilitySkew(base=0.50)),
    "ETH": UnderlyingProfile(3_000.0, 0.65, 20.0, 0.01, VolatilitySkew(base=0.65)),
}


def gbm_path(
    initial: float,
    drift: float,
    vol: float,
    step_years: float,
    steps: int,
    rng: random.Random,
) -> list[float]:
    """`steps` + 1 prices starting at `initial`; exact log-normal steps, so no discretisation
    drift however coarse the step."""
    drift_term = (drift - 0.5 * vol * vol) * step_years
    shock_scale = vol * math.sqrt(step_years)
    prices = [initial]
    for _ in range(steps):
        prices.append(prices[-1] * math.exp(drift_term + shock_scale * rng.gauss(0.0, 1.0)))
    return prices


@dataclass(frozen=True, slots=True)
class OptionQuote:
    option_type: OptionType
    strike: float
    iv: float
    mid: float
    greeks: Greeks


@dataclass(frozen=True, slots=True)
class OptionChain:
    underlying: Underlying
    spot: float
    at: datetime
    expiry: datetime
    quotes: tuple[OptionQuote, ...]

    def quote(self, option_type: OptionType, strike: float) -> OptionQuote:
        for candidate in self.quotes:
            if candidate.option_type == option_type and candidate.strike == strike:
                return candidate
        raise KeyError(f"no {option_type} at strike {strike}")


class Market(Protocol):
    """What the engine reads of a market: the simulated one, or a snapshot of Delta's chain
    (control_plane.exchange.market_snapshot)."""

    @property
    def underlying(self) -> Underlying: ...

    @property
    def profile(self) -> UnderlyingProfile: ...

    def spot_at(self, when: datetime) -> float: ...

    def quote(
        self, option_type: OptionType, strike: float, expiry: datetime, at: datetime
    ) -> OptionQuote: ...

    def chain(
        self, expiry: datetime, at: datetime, strikes_each_side: int | None = None
    ) -> OptionChain: ...


@dataclass
class SimulatedMarket:
    """Spot of one underlying sampled every `step` from `start`; the same seed gives the same
    path. The path is extended lazily, always in order, so the result does not depend on the
    order in which times are asked for."""

    underlying: Underlying
    start: datetime
    seed: int
    step: timedelta = timedelta(minutes=1)
    rate: float = 0.0
    drift: float = 0.0
    initial_spot: float | None = None
    _rng: random.Random = field(init=False, repr=False)
    _path: list[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.step <= timedelta(0):
            raise ValueError("step must be positive")
        self._rng = random.Random(self.seed)
        self._path = [self.initial_spot or self.profile.initial_spot]

    @property
    def profile(self) -> UnderlyingProfile:
        return PROFILES[self.underlying]

    def spot_at(self, when: datetime) -> float:
        """Spot at the last sample at or before `when`."""
        if when < self.start:
            raise ValueError("time is before the start of the simulated market")
        index = int((when - self.start) / self.step)
        missing = index + 1 - len(self._path)
        if missing > 0:
            step_years = self.step.total_seconds() / (365.0 * 86400.0)
            tail = gbm_path(
                self._path[-1],
                self.drift,
                self.profile.realised_vol,
                step_years,
                missing,
                self._rng,
            )
            self._path.extend(tail[1:])
        return self._path[index]

    def quote(
        self, option_type: OptionType, strike: float, expiry: datetime, at: datetime
    ) -> OptionQuote:
        spot = self.spot_at(at)
        return price_quote(
            option_type, spot, strike, years_between(at, expiry), self.rate, self.profile.skew
        )

    def chain(
        self, expiry: datetime, at: datetime, strikes_each_side: int | None = None
    ) -> OptionChain:
        """Quotes for calls and puts on the strike grid around spot; by default wide enough
        to reach COVERED_STD_DEVS standard deviations of the move until expiry."""
        spot = self.spot_at(at)
        time_years = years_between(at, expiry)
        step = self.profile.strike_step
        if strikes_each_side is None:
            strikes_each_side = strikes_covering(spot, step, self.profile.skew.base, time_years)
        strikes = strike_grid(spot, step, strikes_each_side)
        quotes = tuple(
            price_quote(option_type, spot, strike, time_years, self.rate, self.profile.skew)
            for strike in strikes
            for option_type in OPTION_TYPES
        )
        return OptionChain(self.underlying, spot, at, expiry, quotes)


COVERED_STD_DEVS = 4.0
MIN_STRIKES_EACH_SIDE = 10


def strikes_covering(spot: float, step: float, vol: float, time_years: float) -> int:
    """Strikes each side of spot needed to span COVERED_STD_DEVS standard deviations."""
    move = COVERED_STD_DEVS * vol * math.sqrt(max(time_years, 0.0)) * spot
    return max(MIN_STRIKES_EACH_SIDE, math.ceil(move / step))


def strike_grid(spot: float, step: float, each_side: int) -> list[float]:
    """Strikes on multiples of `step`: the one nearest spot and `each_side` above and below."""
    if step <= 0 or each_side < 0:
        raise ValueError("step must be positive and each_side non-negative")
    centre = round(spot / step)
    return [
        (centre + offset) * step
        for offset in range(-each_side, each_side + 1)
        if centre + offset > 0
    ]


def price_quote(
    option_type: OptionType,
    spot: float,
    strike: float,
    time_years: float,
    rate: float,
    skew: VolatilitySkew,
) -> OptionQuote:
    iv = skew.implied_vol(spot, strike)
    return OptionQuote(
        option_type=option_type,
        strike=strike,
        iv=iv,
        mid=option_price(option_type, spot, strike, time_years, rate, iv),
        greeks=option_greeks(option_type, spot, strike, time_years, rate, iv),
    )
