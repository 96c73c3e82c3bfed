"""The paper executor: a paper session's engine step on the simulated market, and its close at
market; each runs over the session's row, fills and events in the caller's transaction or its
own."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from control_plane.db.sqlite import dumps, write_transaction
from control_plane.sessions import store
from control_plane.sessions.ledger import (
    EndStatus,
    LegFill,
    LegFills,
    decode,
    differs,
    finish_session,
    flat_state,
    interrupt,
    mark_columns,
    record_close,
    record_open,
)
from control_plane.sessions.store import SessionChanges, SessionRecord
from control_plane.times import from_us, to_us
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.market import SimulatedMarket, Underlying
from control_plane.trading.paper_engine import (
    ClosedPosition,
    CloseReason,
    EngineState,
    OpenPosition,
    close_position,
    step,
)
from control_plane.trading.state_codec import UnreadableState, state_to_json
from control_plane.trading.strategy_config import StrategyConfig

# The simulated spot moves once a minute; a session's path is fixed by its seed and start.
MARKET_STEP = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class RestoredSession:
    session: SessionRecord
    config: StrategyConfig
    state: EngineState
    market: SimulatedMarket


class MarketCache:
    """One simulated market per session, kept between ticks so its path is not regenerated."""

    def __init__(self) -> None:
        self._markets: dict[tuple[Underlying, int, int], SimulatedMarket] = {}

    def market(self, underlying: Underlying, seed: int, start_us: int) -> SimulatedMarket:
        key = (underlying, seed, start_us)
        if key not in self._markets:
            self._markets[key] = SimulatedMarket(
                underlying, from_us(start_us), seed=seed, step=MARKET_STEP
            )
        return self._markets[key]

    def forget(self, underlying: Underlying, seed: int, start_us: int) -> None:
        self._markets.pop((underlying, seed, start_us), None)

    def keep_only(self, active: list[SessionRecord]) -> None:
        """Drop the markets of sessions that ended, wherever they were ended."""
        wanted = {(session.market_seed, session.market_start) for session in active}
        for key in [key for key in self._markets if key[1:] not in wanted]:
            del self._markets[key]


def restore(session: SessionRecord, markets: MarketCache) -> RestoredSession:
    """Raises UnreadableState when the stored configuration or engine state is unusable."""
    config, state = decode(session)
    market = markets.market(config.underlying, session.market_seed, session.market_start)
    return RestoredSession(session, config, state, market)


class PaperExecutor:
    def __init__(
        self,
        conn: sqlite3.Connection,
        markets: MarketCache | None = None,
        costs: ExecutionCosts | None = None,
    ) -> None:
        self.conn = conn
        self.markets = markets or MarketCache()
        self.costs = costs or ExecutionCosts()

    def advance(self, session_id: int, now: datetime) -> None:
        """One engine step for an active paper session. A paused session enters nothing new
        but its open position is still marked and still exits on its rules."""
        with write_transaction(self.conn):
            session = store.load_session(self.conn, session_id)
            # A tick whose clock was read just before the session started (or its market
            # opens) has nothing to do: its events would be stamped before session_started.
            if (
                session is None
                or not session.active
                or session.mode != "paper"  # live sessions trade on Delta (sessions.live)
                or to_us(now) < max(session.market_start, session.started_at)
            ):
                return
            try:
                restored = restore(session, self.markets)
            except UnreadableState as exc:
                interrupt(self.conn, session, now, str(exc))
                return
            running = session.status == "running"
            config = restored.config.model_copy(update={"active": running})
            enter_now = running and bool(session.enter_now)
            market = restored.market
            outcome = step(config, market, now, restored.state, self.costs, enter_now=enter_now)
            changes: SessionChanges = {}
            if outcome.opened is not None:
                changes.update(self._opened(session, now, market, outcome.opened))
                changes["enter_now"] = 0
            if outcome.closed is not None:
                changes.update(self._closed(session, now, market, outcome.closed))
            changes.update(mark_columns(market, now, outcome.state.position))
            changes["engine_state"] = dumps(state_to_json(outcome.state))
            if differs(session, changes):
                changes["updated_at"] = to_us(now)
                store.update_session(self.conn, session_id, changes)

    def _fills(
        self,
        session: SessionRecord,
        order: str,
        spot: float,
        position: OpenPosition,
        prices: tuple[float | None, float | None],
    ) -> LegFills:
        sequence = store.count_fills(self.conn, session.id) // 4 + 1

        def fill(option_type: str, price: float | None) -> LegFill:
            return LegFill(
                client_order_id=f"paper-s{session.id}-{order}{sequence}-{option_type}",
                fee=0.0
                if price is None
                else self.costs.fee(spot, price, position.contract_size, position.contracts),
            )

        return fill("call", prices[0]), fill("put", prices[1])

    def _opened(
        self,
        session: SessionRecord,
        now: datetime,
        market: SimulatedMarket,
        position: OpenPosition,
    ) -> SessionChanges:
        prices = (position.call.entry_price, position.put.entry_price)
        fills = self._fills(session, "open", market.spot_at(now), position, prices)
        return record_open(self.conn, session, now, position, fills)

    def _closed(
        self,
        session: SessionRecord,
        now: datetime,
        market: SimulatedMarket,
        closed: ClosedPosition,
    ) -> SessionChanges:
        position = closed.position
        spot = market.spot_at(min(now, position.expiry))
        # Settlement at expiry is not a trade: no fee.
        prices: tuple[float | None, float | None] = (
            (None, None)
            if closed.reason == "expiry"
            else (closed.call_exit_price, closed.put_exit_price)
        )
        fills = self._fills(session, "close", spot, position, prices)
        return record_close(self.conn, session, now, closed, fills)

    def close_and_end(
        self,
        session: SessionRecord,
        now: datetime,
        status: EndStatus,
        reason: str,
        close: CloseReason,
    ) -> None:
        """Close the open position at market now (if any), then end the session."""
        changes: SessionChanges = {}
        try:
            restored: RestoredSession | None = restore(session, self.markets)
        except UnreadableState as exc:
            # Nothing can be closed without the position; say so rather than lose it.
            reason = f"{reason}; {exc}"
            restored = None
        if restored is not None and restored.state.position is not None:
            market = restored.market
            closed = close_position(market, now, restored.state.position, close, self.costs)
            changes.update(self._closed(session, now, market, closed))
            changes["engine_state"] = flat_state(restored.state.last_entry_session)
        finish_session(self.conn, session, now, status, reason, changes)
        if restored is not None:
            underlying = restored.config.underlying
            self.markets.forget(underlying, session.market_seed, session.market_start)
