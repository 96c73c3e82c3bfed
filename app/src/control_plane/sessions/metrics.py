"""Trading figures for /metrics. What the database holds (sessions by state and mode, PnL, open
positions, fills, the kill switch) is read at each scrape, so every worker reports the same; the
engine's last tick and Delta's dead-man switch are this process's, reported by the engine's owner
only."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from control_plane.db.schema import SESSION_MODES, SESSION_STATUSES
from control_plane.db.sqlite import probe_connection
from control_plane.sessions import store
from control_plane.sessions.ledger import decode
from control_plane.sessions.outlook import open_position
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings
from control_plane.trading.state_codec import UnreadableState


def _open_positions(active: list[store.SessionRecord]) -> dict[str, int]:
    counts: dict[str, int] = dict.fromkeys(SESSION_MODES, 0)
    for session in active:
        try:
            _, state = decode(session)
        except UnreadableState:
            continue  # the engine interrupts it; the sessions gauge shows that
        if open_position(session, state) is not None:
            counts[session.mode] += 1
    return counts


class TradingCollector:
    def __init__(self, settings: Settings, runner: SessionRunner) -> None:
        self.settings = settings
        self.runner = runner

    def collect(self) -> Iterator[Metric]:
        yield from self._from_database()
        yield from self._from_engine()

    def _from_database(self) -> Iterator[Metric]:
        try:
            conn = probe_connection(self.settings.database_path, read_only=True)
            try:
                totals = store.session_totals(conn)
                fills = store.fill_counts(conn)
                active = store.active_sessions(conn)
                switch = store.kill_switch_state(conn)
            finally:
                conn.close()
        except sqlite3.Error:
            return  # readiness names an unreadable database
        count = {(mode, status): n for mode, status, n, _ in totals}
        sessions = GaugeMetricFamily(
            "control_plane_trading_sessions",
            "Trading sessions by state and mode",
            labels=["state", "mode"],
        )
        for mode in SESSION_MODES:
            for status in SESSION_STATUSES:
                sessions.add_metric([status, mode], count.get((mode, status), 0))
        yield sessions
        realised = GaugeMetricFamily(
            "control_plane_trading_realised_pnl_usd",
            "Realised PnL of every session, by mode",
            labels=["mode"],
        )
        unrealised = GaugeMetricFamily(
            "control_plane_trading_unrealised_pnl_usd",
            "Unrealised PnL of the running and paused sessions, by mode",
            labels=["mode"],
        )
        positions = GaugeMetricFamily(
            "control_plane_trading_open_positions",
            "Sessions holding a position (or opening one on Delta), by mode",
            labels=["mode"],
        )
        fills_family = CounterMetricFamily(
            "control_plane_trading_fills", "Fills recorded, by mode", labels=["mode"]
        )
        open_counts = _open_positions(active)
        for mode in SESSION_MODES:
            realised.add_metric([mode], sum(pnl for m, _, _, pnl in totals if m == mode))
            unrealised.add_metric([mode], sum(s.unrealised_pnl for s in active if s.mode == mode))
            positions.add_metric([mode], open_counts[mode])
            fills_family.add_metric([mode], fills.get(mode, 0))
        yield from (realised, unrealised, positions, fills_family)
        yield GaugeMetricFamily(
            "control_plane_kill_switch_tripped",
            "1 while the kill switch is tripped (no session may open a position)",
            value=1 if switch.tripped else 0,
        )

    def _from_engine(self) -> Iterator[Metric]:
        runner = self.runner
        if not runner.holds_lock:
            return
        yield GaugeMetricFamily(
            "control_plane_engine_tick_interval_seconds",
            "How often the engine ticks (ENGINE_TICK_SECONDS)",
            value=self.settings.ENGINE_TICK_SECONDS,
        )
        if runner.last_tick_at is not None:
            yield GaugeMetricFamily(
                "control_plane_engine_last_tick_timestamp_seconds",
                "When the engine's last finished tick started",
                value=runner.last_tick_at.timestamp(),
            )
        live = runner.live
        yield GaugeMetricFamily(
            "control_plane_delta_heartbeat_armed",
            "1 while Delta's dead-man switch is armed for the live sessions",
            value=1 if live.armed else 0,
        )
        yield GaugeMetricFamily(
            "control_plane_delta_heartbeat_ttl_seconds",
            "How long Delta's dead-man switch waits for a renewal (DELTA_HEARTBEAT_TTL_SECONDS)",
            value=self.settings.DELTA_HEARTBEAT_TTL_SECONDS,
        )
        if live.heartbeat_renewed_at is not None:
            yield GaugeMetricFamily(
                "control_plane_delta_heartbeat_last_renewal_timestamp_seconds",
                "When Delta last renewed the dead-man switch",
                value=live.heartbeat_renewed_at,
            )
