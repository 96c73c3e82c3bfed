"""One step of the paper engine: enter a short strangle or manage the open one.

`step` is a function of the strategy, a market (simulated, or a snapshot of Delta's chain),
the time and the previous state; it returns the next state and what happened, and touches
nothing else, so a session runner can call it on a clock and persist the results.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from control_plane.trading.exits import ExitReason, exit_reason, profit_pct
from control_plane.trading.expiries import expiry_for_rule
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.market import Market, OptionQuote
from control_plane.trading.metrics import ClosedTrade
from control_plane.trading.pricing import OptionType, intrinsic_value
from control_plane.trading.schedule import entry_session_start, exit_deadline
from control_plane.trading.strategy_config import StrategyConfig
from control_plane.trading.strike_selection import choose_strike


@dataclass(frozen=True, slots=True)
class Leg:
    option_type: OptionType
    strike: float
    entry_mid: float
    entry_price: float
    entry_delta: float


@dataclass(frozen=True, slots=True)
class OpenPosition:
    contracts: int
    contract_size: float
    expiry: datetime
    opened_at: datetime
    exit_deadline: datetime
    call: Leg
    put: Leg
    entry_fees: float
    peak_profit_pct: float = 0.0

    @property
    def premium_collected(self) -> float:
        return self._value(self.call.entry_price + self.put.entry_price)

    def _value(self, price_per_unit: float) -> float:
        return price_per_unit * self.contract_size * self.contracts


# Closes the engine does not decide itself: an operator's stop or panic, or the kill switch.
CloseReason = ExitReason | Literal["stopped", "panic", "kill_switch"]


@dataclass(frozen=True, slots=True)
class ClosedPosition:
    position: OpenPosition
    closed_at: datetime
    reason: CloseReason
    call_exit_price: float
    put_exit_price: float
    exit_fees: float

    @property
    def gross_pnl(self) -> float:
        position = self.position
        cost = (self.call_exit_price + self.put_exit_price) * position.contract_size
        return position.premium_collected - cost * position.contracts

    @property
    def fees(self) -> float:
        return self.position.entry_fees + self.exit_fees

    @property
    def net_pnl(self) -> float:
        return self.gross_pnl - self.fees

    def as_trade(self) -> ClosedTrade:
        return ClosedTrade(net_pnl=self.net_pnl, fees=self.fees, closed_at=self.closed_at)


@dataclass(frozen=True, slots=True)
class EngineState:
    position: OpenPosition | None = None
    # Start of the entry window last traded in: one strangle per window.
    last_entry_session: datetime | None = None


@dataclass(frozen=True, slots=True)
class StepOutcome:
    state: EngineState
    opened: OpenPosition | None = None
    closed: ClosedPosition | None = None
    skipped: str | None = None


def step(
    config: StrategyConfig,
    market: Market,
    now: datetime,
    state: EngineState,
    costs: ExecutionCosts | None = None,
    strikes_each_side: int | None = None,
    *,
    enter_now: bool = False,
) -> StepOutcome:
    """`enter_now` opens a strangle when flat even outside the entry window; its exit time is
    then the next occurrence of the configured exit time."""
    if config.underlying != market.underlying:
        raise ValueError(
            f"strategy trades {config.underlying}, market simulates {market.underlying}"
        )
    costs = costs or ExecutionCosts()
    if state.position is not None:
        return _manage(config, market, now, state, state.position, costs)
    return _enter(config, market, now, state, costs, strikes_each_side, enter_now)


def _enter(
    config: StrategyConfig,
    market: Market,
    now: datetime,
    state: EngineState,
    costs: ExecutionCosts,
    strikes_each_side: int | None,
    enter_now: bool = False,
) -> StepOutcome:
    if not config.active:
        return StepOutcome(state, skipped="strategy is not active")
    session = entry_session_start(config, now)
    if not enter_now:
        if session is None:
            return StepOutcome(state, skipped="outside the entry window")
        if state.last_entry_session == session:
            return StepOutcome(state, skipped="already entered in this window")
    expiry = expiry_for_rule(config.expiry_rule, now)
    if expiry <= now:
        return StepOutcome(state, skipped="the configured expiry has passed")
    chain = market.chain(expiry, now, strikes_each_side)
    size = market.profile.contract_size
    call = choose_strike(chain, "call", config.strike_selection, size)
    put = choose_strike(chain, "put", config.strike_selection, size)
    if call is None or put is None:
        missing = "call" if call is None else "put"
        return StepOutcome(state, skipped=f"no {missing} strike in the configured band")
    legs = (_sold_leg(call, costs), _sold_leg(put, costs))
    entry_fees = sum(costs.fee(chain.spot, leg.entry_price, size, config.quantity) for leg in legs)
    position = OpenPosition(
        contracts=config.quantity,
        contract_size=size,
        expiry=expiry,
        opened_at=now,
        exit_deadline=exit_deadline(config, session or now),
        call=legs[0],
        put=legs[1],
        entry_fees=entry_fees,
        peak_profit_pct=profit_pct(
            sum(leg.entry_price for leg in legs), sum(leg.entry_mid for leg in legs)
        ),
    )
    last_session = session if session is not None else state.last_entry_session
    return StepOutcome(EngineState(position, last_entry_session=last_session), opened=position)


def _sold_leg(quote: OptionQuote, costs: ExecutionCosts) -> Leg:
    return Leg(
        option_type=quote.option_type,
        strike=quote.strike,
        entry_mid=quote.mid,
        entry_price=costs.sell_price(quote.mid),
        entry_delta=quote.greeks.delta,
    )


def _manage(
    config: StrategyConfig,
    market: Market,
    now: datetime,
    state: EngineState,
    position: OpenPosition,
    costs: ExecutionCosts,
) -> StepOutcome:
    if now >= position.expiry:
        return StepOutcome(replace(state, position=None), closed=_settle(market, now, position))
    call = market.quote("call", position.call.strike, position.expiry, now)
    put = market.quote("put", position.put.strike, position.expiry, now)
    current = profit_pct(position.call.entry_price + position.put.entry_price, call.mid + put.mid)
    peak = max(position.peak_profit_pct, current)
    reason = exit_reason(config, current, peak, now, position.exit_deadline, position.expiry)
    if reason is None:
        marked = replace(position, peak_profit_pct=peak)
        return StepOutcome(replace(state, position=marked))
    closed = close_position(market, now, position, reason, costs)
    return StepOutcome(replace(state, position=None), closed=closed)


def close_position(
    market: Market,
    now: datetime,
    position: OpenPosition,
    reason: CloseReason,
    costs: ExecutionCosts | None = None,
) -> ClosedPosition:
    """Buy both legs back at market now (settle at intrinsic value once expired)."""
    costs = costs or ExecutionCosts()
    if now >= position.expiry:
        return _settle(market, now, position)
    call = market.quote("call", position.call.strike, position.expiry, now)
    put = market.quote("put", position.put.strike, position.expiry, now)
    spot = market.spot_at(now)
    call_price, put_price = costs.buy_price(call.mid), costs.buy_price(put.mid)
    exit_fees = sum(
        costs.fee(spot, price, position.contract_size, position.contracts)
        for price in (call_price, put_price)
    )
    return ClosedPosition(position, now, reason, call_price, put_price, exit_fees)


def _settle(market: Market, now: datetime, position: OpenPosition) -> ClosedPosition:
    """Settled at intrinsic value against the spot at expiry, with no fill to slip."""
    spot = market.spot_at(position.expiry)
    call_price = intrinsic_value("call", spot, position.call.strike)
    put_price = intrinsic_value("put", spot, position.put.strike)
    return ClosedPosition(position, now, "expiry", call_price, put_price, exit_fees=0.0)


@dataclass(frozen=True, slots=True)
class LegMark:
    """A leg's mid and, before expiry, the implied volatility and delta it was quoted with."""

    mid: float
    iv: float | None = None
    delta: float | None = None


@dataclass(frozen=True, slots=True)
class Marks:
    call: LegMark
    put: LegMark
    spot: float
    unrealised_pnl: float


def _leg_mark(quote: OptionQuote) -> LegMark:
    return LegMark(quote.mid, quote.iv, quote.greeks.delta)


def mark_to_market(market: Market, now: datetime, position: OpenPosition) -> Marks:
    """Mid prices of the legs and what closing at mid would make, net of the entry fees
    already paid (exit costs are not known until the exit)."""
    if now >= position.expiry:
        spot = market.spot_at(position.expiry)
        call = LegMark(intrinsic_value("call", spot, position.call.strike))
        put = LegMark(intrinsic_value("put", spot, position.put.strike))
    else:
        spot = market.spot_at(now)
        call = _leg_mark(market.quote("call", position.call.strike, position.expiry, now))
        put = _leg_mark(market.quote("put", position.put.strike, position.expiry, now))
    cost = (call.mid + put.mid) * position.contract_size * position.contracts
    return Marks(call, put, spot, position.premium_collected - cost - position.entry_fees)
