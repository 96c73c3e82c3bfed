"""Pick the short call and short put of a strangle from an option chain."""

from __future__ import annotations

from control_plane.trading.market import OptionChain, OptionQuote
from control_plane.trading.pricing import OptionType
from control_plane.trading.strategy_config import DeltaBand, PremiumBand


def _measure(quote: OptionQuote, band: DeltaBand | PremiumBand, contract_size: float) -> float:
    if isinstance(band, DeltaBand):
        return abs(quote.greeks.delta)
    return quote.mid * contract_size


def choose_strike(
    chain: OptionChain,
    option_type: OptionType,
    band: DeltaBand | PremiumBand,
    contract_size: float,
) -> OptionQuote | None:
    """The quote whose |delta| (or premium in USD per contract) lies in the band, nearest its
    middle; None when no strike of the chain falls inside."""
    middle = (band.low + band.high) / 2
    inside = [
        quote
        for quote in chain.quotes
        if quote.option_type == option_type
        and band.low <= _measure(quote, band, contract_size) <= band.high
    ]
    if not inside:
        return None
    return min(inside, key=lambda quote: abs(_measure(quote, band, contract_size) - middle))
