"""Black-Scholes prices and greeks for European calls and puts, and a skewed volatility.

Units: times in years, rates and volatilities annualised as decimals (0.2 = 20 %). Theta is
per calendar day and vega per volatility point (0.01), the way option screens quote them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

OptionType = Literal["call", "put"]

DAYS_PER_YEAR = 365.0
SQRT_2PI = math.sqrt(2.0 * math.pi)


def normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def normal_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / SQRT_2PI


@dataclass(frozen=True, slots=True)
class Greeks:
    delta: float
    gamma: float
    theta: float
    vega: float


def _d1_d2(
    spot: float, strike: float, time_years: float, rate: float, vol: float
) -> tuple[float, float]:
    vol_sqrt_t = vol * math.sqrt(time_years)
    d1 = (math.log(spot / strike) + (rate + 0.5 * vol * vol) * time_years) / vol_sqrt_t
    return d1, d1 - vol_sqrt_t


def _check_inputs(spot: float, strike: float, vol: float) -> None:
    if spot <= 0 or strike <= 0:
        raise ValueError("spot and strike must be positive")
    if vol <= 0:
        raise ValueError("volatility must be positive")


def _is_expired(time_years: float) -> bool:
    return time_years <= 0.0


def intrinsic_value(option_type: OptionType, spot: float, strike: float) -> float:
    return max(spot - strike, 0.0) if option_type == "call" else max(strike - spot, 0.0)


def option_price(
    option_type: OptionType,
    spot: float,
    strike: float,
    time_years: float,
    rate: float,
    vol: float,
) -> float:
    _check_inputs(spot, strike, vol)
    if _is_expired(time_years):
        return intrinsic_value(option_type, spot, strike)
    d1, d2 = _d1_d2(spot, strike, time_years, rate, vol)
    discount = math.exp(-rate * time_years)
    if option_type == "call":
        return spot * normal_cdf(d1) - strike * discount * normal_cdf(d2)
    return strike * discount * normal_cdf(-d2) - spot * normal_cdf(-d1)


def option_greeks(
    option_type: OptionType,
    spot: float,
    strike: float,
    time_years: float,
    rate: float,
    vol: float,
) -> Greeks:
    _check_inputs(spot, strike, vol)
    if _is_expired(time_years):
        in_the_money = intrinsic_value(option_type, spot, strike) > 0
        sign = 1.0 if option_type == "call" else -1.0
        return Greeks(delta=sign if in_the_money else 0.0, gamma=0.0, theta=0.0, vega=0.0)
    d1, d2 = _d1_d2(spot, strike, time_years, rate, vol)
    sqrt_t = math.sqrt(time_years)
    discount = math.exp(-rate * time_years)
    gamma = normal_pdf(d1) / (spot * vol * sqrt_t)
    vega = spot * normal_pdf(d1) * sqrt_t
    decay = -spot * normal_pdf(d1) * vol / (2.0 * sqrt_t)
    if option_type == "call":
        delta = normal_cdf(d1)
        theta_year = decay - rate * strike * discount * normal_cdf(d2)
    else:
        delta = normal_cdf(d1) - 1.0
        theta_year = decay + rate * strike * discount * normal_cdf(-d2)
    return Greeks(delta=delta, gamma=gamma, theta=theta_year / DAYS_PER_YEAR, vega=vega / 100.0)


@dataclass(frozen=True, slots=True)
class VolatilitySkew:
    """Implied volatility by strike: base + slope·ln(K/S) + curvature·ln(K/S)², floored.

    A negative slope makes puts (K < S) dearer than calls, as in crypto option markets; the
    curvature lifts both wings into a smile.
    """

    base: float
    slope: float = -0.10
    curvature: float = 0.50
    floor: float = 0.05

    def implied_vol(self, spot: float, strike: float) -> float:
        log_moneyness = math.log(strike / spot)
        vol = self.base + self.slope * log_moneyness + self.curvature * log_moneyness**2
        return max(vol, self.floor)
