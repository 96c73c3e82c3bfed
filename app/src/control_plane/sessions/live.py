"""The live executor: the paper engine's decisions, priced and filled on Delta Exchange ("live"
means trading on Delta; running or paused is "active").

Each tick, for every active live session:
1. orders left in flight by an earlier tick (or an earlier process) are completed first: each
   is looked up on Delta by its `client_order_id` and sent only if Delta does not have it;
2. otherwise the option chain of the expiry in play is fetched and `paper_engine.step` decides
   on it (or an operator's close request is honoured); an open or close is written to the
   session's row as pending orders, sent as market orders, and recorded with Delta's fill
   prices and commissions.

Delta's dead-man switch (heartbeat) is renewed every tick while a live session runs, so the
exchange cancels the account's option orders if this process stops renewing it; it is
disarmed when the last live session ends. No new position is opened while it is not armed.

An order Delta refuses, or fills only in part, is never retried blindly: the session records
what happened and, when one leg is left open on Delta, is marked interrupted with the order
ids so that an operator takes over.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from control_plane.correlation import new_correlation_id
from control_plane.db.sqlite import dumps, in_worker_thread, write_transaction
from control_plane.exchange.client import DeltaClient
from control_plane.exchange.errors import DeltaApiError, DeltaError
from control_plane.exchange.market_snapshot import DeltaMarketSnapshot
from control_plane.exchange.metrics import ExchangeMetrics
from control_plane.exchange.models import Order, OrderRequest
from control_plane.sessions import store
from control_plane.sessions.ledger import (
    LegFill,
    decode,
    finish_session,
    flat_state,
    interrupt,
    mark_columns,
    record_close,
    record_event,
    record_open,
)
from control_plane.sessions.live_orders import CloseRequest, PendingOrders, leg_orders
from control_plane.sessions.store import SessionChanges, SessionRecord
from control_plane.settings import Settings
from control_plane.times import to_us
from control_plane.trading.exits import profit_pct
from control_plane.trading.expiries import expiry_for_rule
from control_plane.trading.fills import ExecutionCosts
from control_plane.trading.paper_engine import (
    ClosedPosition,
    EngineState,
    OpenPosition,
    close_position,
    step,
)
from control_plane.trading.pricing import OptionType
from control_plane.trading.schedule import entry_session_start
from control_plane.trading.state_codec import UnreadableState, state_to_json
from control_plane.trading.strategy_config import StrategyConfig

logger = logging.getLogger("control_plane.sessions.live")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Refused:
    """Delta refused this order; nothing was placed for it."""

    client_order_id: str
    error: DeltaApiError


class LiveExecutor:
    def __init__(
        self,
        settings: Settings,
        *,
        client_factory: Callable[[Settings], DeltaClient] = DeltaClient.from_settings,
    ) -> None:
        self.settings = settings
        self._client_factory = client_factory
        self._client: DeltaClient | None = None
        # Delta reports each fill's commission; this schedule is used only when it does not.
        self.costs = ExecutionCosts(slippage_pct=0.0)
        self._heartbeat_created = False
        self.armed = False
        # Health figures: when Delta last renewed the switch, and its last refusal or failure
        # (cleared by the next renewal).
        self.heartbeat_renewed_at: float | None = None
        self.exchange_error: str | None = None
        self.metrics = ExchangeMetrics()

    @property
    def client(self) -> DeltaClient:
        if self._client is None:
            self._client = self._client_factory(self.settings)
            self._client.observe = self.metrics.observe_request
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _db(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return await in_worker_thread(self.settings.database_path, work)

    async def _live_sessions(self) -> list[SessionRecord]:
        active = await self._db(store.active_sessions)
        return [session for session in active if session.mode == "live"]

    async def renew_heartbeat(self) -> bool:
        """Renew (or disarm) the dead-man switch as the active live sessions need it, outside a
        tick: what an engine taking over does before anything else. True when armed."""
        return await self._heartbeat(bool(await self._live_sessions()))

    async def tick(self, now: datetime) -> None:
        live = await self._live_sessions()
        armed = await self._heartbeat(bool(live))
        for session in live:
            with new_correlation_id("engine"):
                try:
                    await self.advance(session.id, now, armed=armed)
                except Exception:
                    # A failed fetch or step is retried next tick; orders in flight stay
                    # written down until they are found on Delta.
                    logger.exception(
                        "live engine step failed",
                        extra={
                            "event": "engine_step_failed",
                            "session_id": session.id,
                            "strategy_id": session.strategy_id,
                        },
                    )

    # Dead-man switch.

    async def _heartbeat(self, wanted: bool) -> bool:
        beat_id = self.settings.DELTA_HEARTBEAT_ID
        if not wanted:
            if self.armed:
                try:
                    await self.client.renew_heartbeat(beat_id, 0)
                except DeltaError as exc:
                    logger.warning(
                        "dead-man switch not disarmed: %s", exc, extra={"event": "heartbeat_failed"}
                    )
                    return False
                self.armed = False
                logger.info("dead-man switch disarmed", extra={"event": "heartbeat_disarmed"})
            return False
        try:
            if not self._heartbeat_created:
                await self.client.create_heartbeat(beat_id)
                self._heartbeat_created = True
            ttl_ms = int(self.settings.DELTA_HEARTBEAT_TTL_SECONDS * 1000)
            await self.client.renew_heartbeat(beat_id, ttl_ms)
        except DeltaError as exc:
            self.exchange_error = str(exc)
            self.armed = False
            # Created again next time, in case Delta no longer knows it.
            self._heartbeat_created = False
            logger.warning(
                "dead-man switch not renewed (%s): no new positions until it is",
                exc,
                extra={"event": "heartbeat_failed"},
            )
            return False
        self.heartbeat_renewed_at = time.time()
        self.exchange_error = None
        if not self.armed:
            logger.info(
                "dead-man switch armed",
                extra={"event": "heartbeat_armed", "heartbeat_id": beat_id},
            )
        self.armed = True
        return True

    # One session.

    async def advance(self, session_id: int, now: datetime, *, armed: bool) -> None:
        session = await self._db(lambda conn: store.load_session(conn, session_id))
        if session is None or not session.active or session.mode != "live":
            return
        if session.pending_orders:
            await self._complete(session_id, session.pending_orders, now, look_up_first=True)
            return
        try:
            config, state = decode(session)
        except UnreadableState as exc:
            reason = str(exc)
            await self._db(lambda conn: _interrupt(conn, session_id, now, reason))
            return
        request = CloseRequest.from_row(session.close_request)
        position = state.position
        if position is None and not _may_enter(session, config, state, now, armed, request):
            return
        if position is not None and now >= position.expiry:
            # Delta settles expired options itself; only the spot to record them at is needed.
            market = await self._settlement_market(config, position, now)
        else:
            expiry = position.expiry if position else expiry_for_rule(config.expiry_rule, now)
            market = await DeltaMarketSnapshot.fetch(self.client, config.underlying, expiry, now)
        pending = await self._db(lambda conn: self._decide(conn, session_id, now, market, armed))
        if pending is not None:
            await self._complete(session_id, pending, now, look_up_first=False)

    async def _settlement_market(
        self, config: StrategyConfig, position: OpenPosition, now: datetime
    ) -> DeltaMarketSnapshot:
        perpetual = await self.client.ticker(f"{config.underlying}USD")
        if perpetual.spot is None:
            raise DeltaError(f"Delta gave no spot price for {config.underlying}")
        return DeltaMarketSnapshot(config.underlying, now, position.expiry, perpetual.spot, (), {})

    def _decide(
        self,
        conn: sqlite3.Connection,
        session_id: int,
        now: datetime,
        market: DeltaMarketSnapshot,
        armed: bool,
    ) -> str | None:
        """Step on the fetched market; returns the pending orders written, if any."""
        with write_transaction(conn):
            session = store.load_session(conn, session_id)
            # Ended, or already handled by another tick, since the market was fetched.
            if session is None or not session.active or session.pending_orders:
                return None
            config, state = decode(session)
            request = CloseRequest.from_row(session.close_request)
            position = state.position
            changes: SessionChanges = {}
            pending: PendingOrders | None = None
            closed: ClosedPosition | None
            if request is not None and position is None:
                finish_session(conn, session, now, request.status, request.reason)
                return None
            if request is not None and position is not None:
                closed = close_position(market, now, position, request.close_reason, self.costs)
            else:
                running = session.status == "running"
                active = config.model_copy(update={"active": running and armed})
                enter_now = running and armed and bool(session.enter_now)
                outcome = step(active, market, now, state, self.costs, enter_now=enter_now)
                closed = outcome.closed
                if outcome.opened is not None:
                    opened = outcome.opened
                    pending = PendingOrders(
                        "open",
                        leg_orders(session_id, "open", opened, _products(market, opened)),
                        opened,
                        market.spot_at(now),
                        last_entry_session=outcome.state.last_entry_session,
                    )
                    changes["enter_now"] = 0
                elif closed is None:
                    changes["engine_state"] = dumps(state_to_json(outcome.state))
                    changes.update(mark_columns(market, now, outcome.state.position))
            if closed is not None and closed.reason == "expiry":
                changes.update(self._settled(conn, session, now, state, closed, request))
            elif closed is not None:
                pending = PendingOrders(
                    "close",
                    leg_orders(
                        session_id, "close", closed.position, _products(market, closed.position)
                    ),
                    closed.position,
                    market.spot_at(now),
                    reason=closed.reason,
                )
            if pending is not None:
                changes["pending_orders"] = pending.to_json()
            if changes:
                changes["updated_at"] = to_us(now)
                store.update_session(conn, session_id, changes)
            return changes.get("pending_orders")

    def _settled(
        self,
        conn: sqlite3.Connection,
        session: SessionRecord,
        now: datetime,
        state: EngineState,
        closed: ClosedPosition,
        request: CloseRequest | None,
    ) -> SessionChanges:
        sequence = store.count_fills(conn, session.id) // 4 + 1
        prefix = f"live-s{session.id}-settle{sequence}"
        fills = (LegFill(f"{prefix}-call", 0.0), LegFill(f"{prefix}-put", 0.0))
        changes = record_close(conn, session, now, closed, fills)
        changes["engine_state"] = flat_state(state.last_entry_session)
        if request is not None:
            finish_session(conn, session, now, request.status, request.reason, changes)
            return {}
        return changes

    async def _complete(
        self, session_id: int, pending_json: str, now: datetime, *, look_up_first: bool
    ) -> None:
        """Send (or find) each order, then record the outcome; an unknown outcome leaves the
        orders pending for the next tick."""
        try:
            pending = PendingOrders.from_json(pending_json)
        except UnreadableState as exc:
            reason = str(exc)
            await self._db(lambda conn: _interrupt(conn, session_id, now, reason))
            return
        results: list[Order | Refused] = []
        for leg in pending.orders:
            request = OrderRequest(
                product_id=leg.product_id,
                side=leg.side,
                size=leg.size,
                client_order_id=leg.client_order_id,
                order_type="market_order",
                reduce_only=pending.kind == "close",
            )
            try:
                found = (
                    await self.client.order_by_client_id(leg.client_order_id)
                    if look_up_first
                    else None
                )
                if found is None:
                    found = await self.client.place_order(request)
                    self.metrics.orders.labels(outcome="accepted").inc()
                results.append(found)
            except DeltaApiError as error:
                self.metrics.orders.labels(outcome="refused").inc()
                results.append(Refused(leg.client_order_id, error))
                break  # the other leg is not sent once one is refused
            except DeltaError as exc:
                self.metrics.orders.labels(outcome="unknown").inc()
                logger.warning(
                    "order %s: outcome unknown (%s); looked up again next tick",
                    leg.client_order_id,
                    exc,
                    extra={"event": "order_outcome_unknown", "session_id": session_id},
                )
                return
        await self._db(
            lambda conn: self._record(conn, session_id, pending_json, pending, results, now)
        )

    def _record(
        self,
        conn: sqlite3.Connection,
        session_id: int,
        pending_json: str,
        pending: PendingOrders,
        results: list[Order | Refused],
        now: datetime,
    ) -> None:
        with write_transaction(conn):
            session = store.load_session(conn, session_id)
            if session is None or session.pending_orders != pending_json:
                return  # recorded by another tick
            filled = [r for r in results if isinstance(r, Order) and r.filled]
            if len(filled) == len(pending.orders):
                self._record_fills(conn, session, now, pending, filled)
                return
            self._record_failure(conn, session, now, pending, results)

    def _record_fills(
        self,
        conn: sqlite3.Connection,
        session: SessionRecord,
        now: datetime,
        pending: PendingOrders,
        orders: list[Order],
    ) -> None:
        position = pending.position

        def fill(order: Order, client_order_id: str) -> LegFill:
            return LegFill(
                client_order_id=order.client_order_id or client_order_id,
                fee=order.paid_commission
                if order.paid_commission is not None
                else self.costs.fee(
                    pending.spot,
                    order.average_fill_price or 0.0,
                    position.contract_size,
                    order.size,
                ),
                exchange_order_id=order.id,
            )

        call_order, put_order = orders
        call_leg, put_leg = pending.orders
        fills = (
            fill(call_order, call_leg.client_order_id),
            fill(put_order, put_leg.client_order_id),
        )
        call_price = call_order.average_fill_price or 0.0
        put_price = put_order.average_fill_price or 0.0
        fees = sum(fill.fee for fill in fills)
        _, state = decode(session)
        changes: SessionChanges = {"pending_orders": None, "updated_at": to_us(now)}
        if pending.kind == "open":
            mids = position.call.entry_mid + position.put.entry_mid
            opened = replace(
                position,
                opened_at=now,
                call=replace(position.call, entry_price=call_price),
                put=replace(position.put, entry_price=put_price),
                entry_fees=fees,
                peak_profit_pct=profit_pct(call_price + put_price, mids),
            )
            changes.update(record_open(conn, session, now, opened, fills))
            changes["engine_state"] = dumps(
                state_to_json(EngineState(opened, pending.last_entry_session))
            )
            store.update_session(conn, session.id, changes)
            return
        closed = ClosedPosition(
            position, now, pending.reason or "stopped", call_price, put_price, exit_fees=fees
        )
        changes.update(record_close(conn, session, now, closed, fills))
        changes["engine_state"] = flat_state(state.last_entry_session)
        request = CloseRequest.from_row(session.close_request)
        if request is not None:
            finish_session(conn, session, now, request.status, request.reason, changes)
        else:
            store.update_session(conn, session.id, changes)

    def _record_failure(
        self,
        conn: sqlite3.Connection,
        session: SessionRecord,
        now: datetime,
        pending: PendingOrders,
        results: list[Order | Refused],
    ) -> None:
        done = [r for r in results if isinstance(r, Order) and r.unfilled_size < r.size]
        outcome = "; ".join(_describe(result) for result in results)
        if pending.kind == "open" and not done:
            # Nothing traded: no position, and no new attempt in this entry window.
            store.update_session(
                conn,
                session.id,
                {
                    "pending_orders": None,
                    "engine_state": flat_state(pending.last_entry_session),
                    "updated_at": to_us(now),
                },
            )
            record_event(
                conn,
                now,
                "entry_refused",
                f"Delta refused the entry: {outcome}",
                session,
                details={"orders": outcome},
                level=logging.WARNING,
            )
            return
        # Part of the strangle is on Delta and part is not: an operator has to take over.
        store.update_session(conn, session.id, {"pending_orders": None})
        _interrupt(
            conn,
            session.id,
            now,
            f"{pending.kind} not completed on Delta ({outcome}); check the position there",
        )


def _may_enter(
    session: SessionRecord,
    config: StrategyConfig,
    state: EngineState,
    now: datetime,
    armed: bool,
    request: CloseRequest | None,
) -> bool:
    """Whether a flat session could open now; saves fetching the chain when it cannot."""
    if request is not None:
        return True  # the close request is honoured in _decide
    if session.status != "running" or not armed:
        return False
    if session.enter_now:
        return True
    window = entry_session_start(config, now)
    return window is not None and window != state.last_entry_session


def _products(
    market: DeltaMarketSnapshot, position: OpenPosition
) -> dict[OptionType, tuple[str, int | None]]:
    return {
        leg.option_type: market.product_for(leg.option_type, leg.strike)
        for leg in (position.call, position.put)
    }


def _describe(result: Order | Refused) -> str:
    if isinstance(result, Refused):
        return f"{result.client_order_id} refused: {result.error.code}"
    return (
        f"{result.client_order_id} (order {result.id}) filled"
        f" {result.size - result.unfilled_size} of {result.size}"
    )


def _interrupt(conn: sqlite3.Connection, session_id: int, now: datetime, reason: str) -> None:
    """Mark a session still active interrupted, as an ERROR: an operator must act on Delta."""
    with write_transaction(conn):
        session = store.load_session(conn, session_id)
        if session is not None and session.active:
            interrupt(conn, session, now, reason, level=logging.ERROR)
