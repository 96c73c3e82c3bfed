"""Paper fills: mid price worsened by slippage, and Delta-style option fees."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExecutionCosts:
    """slippage_pct: percent of mid given up on each fill (sell below, buy above).
    Fees follow Delta's option schedule: a rate of the underlying's notional, capped at a share
    of the premium."""

    slippage_pct: float = 0.5
    fee_rate_of_notional: float = 0.0003
    fee_cap_of_premium: float = 0.10

    def sell_price(self, mid: float) -> float:
        return mid * (1 - self.slippage_pct / 100)

    def buy_price(self, mid: float) -> float:
        return mid * (1 + self.slippage_pct / 100)

    def fee(self, spot: float, price: float, contract_size: float, contracts: int) -> float:
        per_contract = min(
            self.fee_rate_of_notional * spot * contract_size,
            self.fee_cap_of_premium * price * contract_size,
        )
        return per_contract * contracts
