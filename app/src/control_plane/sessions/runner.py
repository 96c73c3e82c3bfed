"""The session runner: one per database (flock on `<db>.engine.lock`), ticking every
ENGINE_TICK_SECONDS over the active (running and paused) sessions, then checking the kill
switch.

A process that does not get the lock serves HTTP only and retries the lock on a timer, so a
redeploy's overlap never trades twice. On taking the lock, sessions found active are resumed
when their stored state can be restored, else marked `interrupted` with the reason.

Paper sessions step in a worker thread (`sessions.paper`); live ones then step on Delta
(`sessions.live`). An
operator's stop or panic of a live session wakes the loop rather than waiting for the tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime

from control_plane.correlation import new_correlation_id
from control_plane.db.database_lock import DatabaseLock
from control_plane.db.sqlite import with_connection, write_transaction
from control_plane.sessions import store
from control_plane.sessions.control import SessionControl
from control_plane.sessions.kill_switch import check_daily_loss
from control_plane.sessions.ledger import decode, interrupt, record_event
from control_plane.sessions.live import LiveExecutor
from control_plane.sessions.paper import MarketCache, restore
from control_plane.settings import Settings
from control_plane.times import utc_now
from control_plane.trading.state_codec import UnreadableState

logger = logging.getLogger("control_plane.sessions.runner")

LOCK_RETRY_SECONDS = 30.0


class SessionRunner:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        lock_retry_seconds: float = LOCK_RETRY_SECONDS,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.lock = DatabaseLock.for_database(settings.database_path, "engine")
        self.lock_retry_seconds = lock_retry_seconds
        self.markets = MarketCache()
        self.live = LiveExecutor(settings)
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None

    @property
    def holds_lock(self) -> bool:
        return self.lock.held

    def wake(self) -> None:
        """Run the next tick now (from the event loop the runner runs on)."""
        if self._wake is not None:
            self._wake.set()

    async def start(self) -> None:
        if not self.settings.ENGINE_ENABLED:
            return
        if self._task is not None and not self._task.done():
            # The same app served twice at once (two lifespans, as tests do): one engine is
            # enough, and a second loop would tick every session twice under the same lock.
            return
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            if self._task.get_loop() is not asyncio.get_running_loop():
                return  # started by the other lifespan, which stops it
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.live.aclose()
        self.lock.release()

    async def _run(self) -> None:
        await self.lock.acquire_when_free(self.lock_retry_seconds)
        logger.info("this process runs the trading engine", extra={"event": "engine_owner"})
        await asyncio.to_thread(self.recover, self.clock())
        self._wake = asyncio.Event()
        while True:
            self._wake.clear()
            try:
                await asyncio.to_thread(self.tick, self.clock())
                await self.live.tick(self.clock())
            except Exception:
                # A busy database or one bad session must not stop the engine; the next tick
                # retries.
                logger.exception("engine tick failed", extra={"event": "engine_tick_failed"})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.ENGINE_TICK_SECONDS)

    def recover(self, now: datetime) -> None:
        with_connection(self.settings.database_path, lambda conn: self._recover(conn, now))

    def tick(self, now: datetime) -> None:
        """One pass over the active sessions, then the kill switch; a connection per tick, as
        ticks run in worker threads."""
        with_connection(self.settings.database_path, lambda conn: self._tick(conn, now))

    def _recover(self, conn: sqlite3.Connection, now: datetime) -> None:
        """After a start: resume what can be restored, mark the rest interrupted."""
        with new_correlation_id("engine-recover"), write_transaction(conn):
            for session in store.active_sessions(conn):
                try:
                    if session.mode == "live":
                        decode(session)  # its market is Delta's; orders in flight are looked up
                    else:
                        restore(session, self.markets)
                except UnreadableState as exc:
                    interrupt(conn, session, now, f"not resumed after a restart: {exc}")
                    continue
                record_event(
                    conn,
                    now,
                    "session_recovered",
                    f"{session.status} session resumed after a restart",
                    session,
                )

    def _tick(self, conn: sqlite3.Connection, now: datetime) -> None:
        control = SessionControl(conn, self.markets)
        active = store.active_sessions(conn)
        self.markets.keep_only(active)
        for session in active:
            with new_correlation_id("engine"):
                try:
                    control.paper.advance(session.id, now)
                except Exception:
                    logger.exception(
                        "engine step failed",
                        extra={
                            "event": "engine_step_failed",
                            "session_id": session.id,
                            "strategy_id": session.strategy_id,
                        },
                    )
        with new_correlation_id("engine"):
            check_daily_loss(control, now, self.settings.KILL_SWITCH_DAILY_LOSS_LIMIT)
