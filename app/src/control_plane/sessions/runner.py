"""The session runner: one per database (flock on `<db>.engine.lock`), ticking every
ENGINE_TICK_SECONDS over the active (running and paused) sessions, then checking the kill
switch.

A process that does not get the lock serves HTTP only and waits on the lock (tried every
LOCK_POLL_SECONDS, so it takes the engine within a fraction of a tick once it is free), so a
redeploy's overlap never trades twice. On taking the lock it renews Delta's dead-man switch
first (when a live session runs), then resumes the sessions found active when their stored
state can be restored (else marks them `interrupted` with the reason), records the exits that
fell due while no engine ran as late (`session_exit_late`), and ticks at once.

A hand-off (`hand_off()`: the ops endpoint, or SIGTERM at the start of shutdown) lets the tick
in progress finish (its state is written by the tick's own transactions), releases the lock,
and never takes it again in this process: the next backend's wait ends within a poll.

Paper sessions step in a worker thread (`sessions.paper`); live ones then step on Delta
(`sessions.live`). An
operator's stop or panic of a live session wakes the loop rather than waiting for the tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime
from types import FrameType

from control_plane.correlation import new_correlation_id
from control_plane.db.database_lock import DatabaseLock
from control_plane.db.sqlite import with_connection, write_transaction
from control_plane.sessions import store
from control_plane.sessions.control import SessionControl
from control_plane.sessions.kill_switch import check_daily_loss
from control_plane.sessions.ledger import decode, interrupt, record_event
from control_plane.sessions.live import LiveExecutor
from control_plane.sessions.outlook import exit_due_at
from control_plane.sessions.paper import MarketCache, restore
from control_plane.sessions.store import SessionRecord
from control_plane.settings import Settings
from control_plane.times import iso_z, utc_now
from control_plane.trading.paper_engine import EngineState
from control_plane.trading.state_codec import UnreadableState

logger = logging.getLogger("control_plane.sessions.runner")

# How often a backend waiting for the engine tries its lock: well under a tick, so a hand-off
# costs the sessions no more than one tick.
LOCK_POLL_SECONDS = 0.05
# The hand-off of a lifespan's end, which a later start of the same app may undo.
SHUTDOWN = "shutdown"


class SessionRunner:
    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = utc_now,
        lock_poll_seconds: float = LOCK_POLL_SECONDS,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.lock = DatabaseLock.for_database(settings.database_path, "engine")
        self.lock_poll_seconds = lock_poll_seconds
        self.markets = MarketCache()
        self.live = LiveExecutor(settings)
        # The start of this process's last finished tick.
        self.last_tick_at: datetime | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._handing_off = False
        self._hand_off_task: asyncio.Task[datetime | None] | None = None
        self._hand_off_trigger: str | None = None

    @property
    def holds_lock(self) -> bool:
        return self.lock.held

    def _handed_off(self) -> bool:
        """The engine was handed off (or is being): this process never takes it again."""
        return self._handing_off

    def wake(self) -> None:
        """Run the next tick now (from the event loop the runner runs on)."""
        if self._wake is not None:
            self._wake.set()

    async def start(self) -> None:
        if not self.settings.ENGINE_ENABLED or self._handing_off:
            return
        if self._task is not None and not self._task.done():
            # The same app served twice at once (two lifespans, as tests do): one engine is
            # enough, and a second loop would tick every session twice under the same lock.
            return
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None and self._task.get_loop() is not asyncio.get_running_loop():
            return  # started by the other lifespan, which stops it
        await self.hand_off(SHUTDOWN)
        self._task = None
        await self.live.aclose()
        if self._hand_off_trigger == SHUTDOWN:
            # A lifespan that ended without being told to hand off (an app served again in
            # one process, as tests do) may run the engine again when it starts again.
            self._handing_off = False
            self._hand_off_task = None

    def hand_off_soon(self, trigger: str) -> None:
        """Start the hand-off without waiting for it (a signal handler's way)."""
        if self._hand_off_task is None:
            self._hand_off_trigger = trigger
            self._hand_off_task = asyncio.create_task(self._hand_off(trigger))

    def hand_off_on_sigterm(self) -> Callable[[], None]:
        """Start the hand-off as soon as SIGTERM arrives, before the server's own handler
        begins its graceful shutdown (which waits for open connections before the lifespan
        ends); returns what puts the server's handler back. Signals reach the main thread
        only, so elsewhere (a server in a test's thread) this does nothing."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        loop = asyncio.get_running_loop()
        server_handler = signal.getsignal(signal.SIGTERM)

        def on_sigterm(signum: int, frame: FrameType | None) -> None:
            loop.call_soon_threadsafe(self.hand_off_soon, "SIGTERM")
            if callable(server_handler):
                server_handler(signum, frame)

        signal.signal(signal.SIGTERM, on_sigterm)

        def put_back() -> None:
            signal.signal(signal.SIGTERM, server_handler)

        return put_back

    async def hand_off(self, trigger: str) -> datetime | None:
        """Finish the tick in progress, release the engine lock and never take it again here;
        returns the start of the last tick this process ran. Idempotent: every call waits for
        the one hand-off."""
        self.hand_off_soon(trigger)
        assert self._hand_off_task is not None
        # A caller that gives up (a client that disconnects) must not cancel the hand-off.
        return await asyncio.shield(self._hand_off_task)

    async def _hand_off(self, trigger: str) -> datetime | None:
        self._handing_off = True
        task = self._task
        if task is not None and not task.done():
            if self.lock.held:
                self.wake()  # the loop sees the hand-off after its current tick
            else:
                task.cancel()  # still waiting for the lock: nothing to finish
            await asyncio.wait({task})
        held = self.lock.held
        self.lock.release()
        if held:
            logger.info(
                "this process handed the trading engine off (%s)",
                trigger,
                extra={
                    "event": "engine_released",
                    "trigger": trigger,
                    "last_tick_at": iso_z(self.last_tick_at) if self.last_tick_at else None,
                },
            )
        return self.last_tick_at

    async def _run(self) -> None:
        waited_from = time.monotonic()
        await self.lock.acquire_when_free(self.lock_poll_seconds)
        if self._handing_off:
            return
        logger.info(
            "this process runs the trading engine",
            extra={
                "event": "engine_owner",
                "waited_seconds": round(time.monotonic() - waited_from, 3),
            },
        )
        self._wake = asyncio.Event()
        # Delta's dead-man switch first: the engine it follows may have been gone for a while.
        await self._renew_heartbeat()
        await asyncio.to_thread(self.recover, self.clock())
        while not self._handed_off():
            self._wake.clear()
            now = self.clock()
            try:
                await asyncio.to_thread(self.tick, now)
                await self.live.tick(self.clock())
            except Exception:
                # A busy database or one bad session must not stop the engine; the next tick
                # retries.
                logger.exception("engine tick failed", extra={"event": "engine_tick_failed"})
            self.last_tick_at = now
            if self._handed_off():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.ENGINE_TICK_SECONDS)

    async def _renew_heartbeat(self) -> None:
        try:
            await self.live.renew_heartbeat()
        except Exception:
            # The first tick renews it again; a failed renewal there keeps new entries out.
            logger.exception(
                "dead-man switch not renewed on taking the engine",
                extra={"event": "heartbeat_failed"},
            )

    def recover(self, now: datetime) -> None:
        with_connection(self.settings.database_path, lambda conn: self._recover(conn, now))

    def tick(self, now: datetime) -> None:
        """One pass over the active sessions, then the kill switch; a connection per tick, as
        ticks run in worker threads."""
        with_connection(self.settings.database_path, lambda conn: self._tick(conn, now))

    def _recover(self, conn: sqlite3.Connection, now: datetime) -> None:
        """After a start: resume what can be restored, mark the rest interrupted, and record
        the exits that fell due while no engine ran (this engine's first tick carries them
        out)."""
        with new_correlation_id("engine-recover"), write_transaction(conn):
            for session in store.active_sessions(conn):
                try:
                    if session.mode == "live":
                        # Its market is Delta's; orders in flight are looked up.
                        _, state = decode(session)
                    else:
                        state = restore(session, self.markets).state
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
                self._record_late_exit(conn, session, state, now)

    def _record_late_exit(
        self, conn: sqlite3.Connection, session: SessionRecord, state: EngineState, now: datetime
    ) -> None:
        """An exit later than a running engine would have made it (more than a tick) was due
        while no engine ran."""
        due_at = exit_due_at(session, state)
        if due_at is None or session.pending_orders:
            return  # nothing to exit, or its orders are in flight already
        delay = (now - due_at).total_seconds()
        if delay <= self.settings.ENGINE_TICK_SECONDS:
            return
        record_event(
            conn,
            now,
            "session_exit_late",
            f"exit due at {iso_z(due_at)} carried out {delay:.0f} s late: no engine ran",
            session,
            details={"due_at": iso_z(due_at), "delay_seconds": round(delay, 3)},
            level=logging.WARNING,
            log_details=True,
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
