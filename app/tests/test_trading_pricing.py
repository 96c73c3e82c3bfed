from __future__ import annotations

import math

import pytest

from control_plane.trading.pricing import VolatilitySkew, option_greeks, option_price


def test_textbook_values_hull() -> None:
    # S=100, K=100, r=5 %, sigma=20 %, T=1: d1 = 0.35, d2 = 0.15 -> call 10.4506, put 5.5735.
    assert option_price("call", 100, 100, 1.0, 0.05, 0.2) == pytest.approx(10.4506, abs=1e-4)
    assert option_price("put", 100, 100, 1.0, 0.05, 0.2) == pytest.approx(5.5735, abs=1e-4)


@pytest.mark.parametrize(
    ("spot", "strike", "time_years", "rate", "vol"),
    [
        (100, 100, 1.0, 0.05, 0.2),
        (60_000, 64_000, 2 / 365, 0.0, 0.55),
        (3_000, 2_500, 0.3, 0.1, 1.2),
    ],
)
def test_put_call_parity(
    spot: float, strike: float, time_years: float, rate: float, vol: float
) -> None:
    call = option_price("call", spot, strike, time_years, rate, vol)
    put = option_price("put", spot, strike, time_years, rate, vol)
    assert call - put == pytest.approx(spot - strike * math.exp(-rate * time_years), rel=1e-9)


def test_textbook_greeks() -> None:
    call = option_greeks("call", 100, 100, 1.0, 0.05, 0.2)
    put = option_greeks("put", 100, 100, 1.0, 0.05, 0.2)
    # N(0.35) = 0.636831; gamma = n(0.35) / (100 * 0.2) = 0.375240 / 20.
    assert call.delta == pytest.approx(0.636831, abs=1e-6)
    assert put.delta == pytest.approx(0.636831 - 1, abs=1e-6)
    assert call.gamma == pytest.approx(0.0187620, abs=1e-6)
    assert put.gamma == call.gamma
    # vega = 100 * n(0.35) * 1 = 37.524 per unit of vol, 0.37524 per vol point.
    assert call.vega == pytest.approx(0.375240, abs=1e-5)
    # Call theta per year -6.414 (Hull), per day -0.017573.
    assert call.theta == pytest.approx(-6.414028 / 365, abs=1e-6)


def test_greeks_match_finite_differences() -> None:
    spot, strike, t, r, vol = 60_000.0, 62_000.0, 3 / 365, 0.01, 0.6
    for option_type in ("call", "put"):
        greeks = option_greeks(option_type, spot, strike, t, r, vol)
        h = 1.0
        up = option_price(option_type, spot + h, strike, t, r, vol)
        down = option_price(option_type, spot - h, strike, t, r, vol)
        mid = option_price(option_type, spot, strike, t, r, vol)
        assert greeks.delta == pytest.approx((up - down) / (2 * h), rel=1e-5)
        assert greeks.gamma == pytest.approx((up - 2 * mid + down) / h**2, rel=1e-3)
        vega_fd = option_price(option_type, spot, strike, t, r, vol + 0.01) - mid
        assert greeks.vega == pytest.approx(vega_fd, rel=1e-2)
        one_day_later = option_price(option_type, spot, strike, t - 1e-4, r, vol)
        assert greeks.theta == pytest.approx((one_day_later - mid) / 1e-4 / 365, rel=1e-2)


@pytest.mark.parametrize("strike", [50, 80, 100, 120, 300])
def test_delta_bounds(strike: float) -> None:
    call = option_greeks("call", 100, strike, 0.25, 0.0, 0.8)
    put = option_greeks("put", 100, strike, 0.25, 0.0, 0.8)
    assert 0 <= call.delta <= 1
    assert -1 <= put.delta <= 0
    assert call.delta - put.delta == pytest.approx(1.0)
    assert call.gamma > 0 and call.theta < 0


def test_expired_options_are_worth_intrinsic_value() -> None:
    assert option_price("call", 105, 100, 0.0, 0.0, 0.5) == 5
    assert option_price("put", 105, 100, 0.0, 0.0, 0.5) == 0
    assert option_greeks("put", 95, 100, 0.0, 0.0, 0.5).delta == -1
    assert option_greeks("call", 95, 100, 0.0, 0.0, 0.5).delta == 0


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        option_price("call", 0, 100, 1, 0, 0.2)
    with pytest.raises(ValueError):
        option_price("call", 100, 100, 1, 0, 0)


def test_skew_makes_puts_dearer_and_is_floored() -> None:
    skew = VolatilitySkew(base=0.5, slope=-0.1, curvature=0.5, floor=0.05)
    assert skew.implied_vol(100, 100) == 0.5
    # ln(0.9) = -0.1053605: 0.5 + 0.01053605 + 0.5 * 0.0111008 = 0.5160865
    assert skew.implied_vol(100, 90) == pytest.approx(0.5160865, abs=1e-6)
    assert skew.implied_vol(100, 90) > skew.implied_vol(100, 110)
    assert VolatilitySkew(base=0.1, slope=5.0, curvature=0.0).implied_vol(
        100, 150
    ) == pytest.approx(0.1 + 5 * 0.4054651, abs=1e-6)
    assert VolatilitySkew(base=0.1, slope=-5.0, curvature=0.0).implied_vol(100, 150) == 0.05
