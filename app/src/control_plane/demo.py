"""`control-plane demo seed`: a reproducible paper history so analytics and the dashboard show
something. The demo owns the strategies whose names start with DEMO_PREFIX: running it again
replaces their sessions, fills and events (same seed and day, same rows), and refuses while
one of them has an active (running or paused) session."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.sqlite import insert

from control_plane.db.schema import (
    ACTIVE_STATUSES,
    strategies,
    timeline_events,
    trading_fills,
    trading_sessions,
)
from control_plane.db.sqlite import write_transaction
from control_plane.db.statements import execute_core
from control_plane.db.strategies import column_values
from control_plane.sessions import store
from control_plane.sessions.control import SessionControl, start_session
from control_plane.times import iso_z
from control_plane.trading.strategy_config import StrategyConfig

DEMO_PREFIX = "Demo "
STEP = timedelta(minutes=15)
DEMO_STRATEGIES: tuple[dict[str, Any], ...] = (
    {
        "name": "Demo BTC daily",
        "underlying": "BTC",
        "expiry_rule": "nearest_daily",
        "strike_selection": {"kind": "delta", "low": 0.10, "high": 0.15},
        "quantity": 10,
        "entry_time": "09:30",
        "exit_time": "17:00",
        "timezone": "Asia/Kolkata",
        "max_loss_pct": 50,
        "max_profit_pct": 80,
        "trailing_stops": [{"trigger_pct": 40, "lock_pct": 20}],
    },
    {
        "name": "Demo ETH daily",
        "underlying": "ETH",
        "expiry_rule": "nearest_daily",
        "strike_selection": {"kind": "delta", "low": 0.15, "high": 0.25},
        "quantity": 20,
        "entry_time": "02:00",
        "exit_time": "11:30",
        "timezone": "UTC",
        "max_loss_pct": 80,
        "max_profit_pct": 60,
        "trailing_stops": [],
    },
    {
        "name": "Demo BTC weekly",
        "underlying": "BTC",
        "expiry_rule": "nearest_weekly",
        "strike_selection": {"kind": "delta", "low": 0.05, "high": 0.10},
        "quantity": 5,
        "entry_time": "08:00",
        "exit_time": "07:00",
        "timezone": "UTC",
        "max_loss_pct": 100,
        "max_profit_pct": 70,
        "trailing_stops": [{"trigger_pct": 50, "lock_pct": 25}],
    },
)


class DemoRefused(Exception):
    """The demo would touch a live session or trade while the kill switch is tripped."""


@dataclass(frozen=True, slots=True)
class SeededStrategy:
    name: str
    strategy_id: int
    session_id: int
    trades: int
    net_pnl: float


def _upsert_strategy(conn: sqlite3.Connection, config: StrategyConfig, now_us: int) -> int:
    values = {**column_values(config), "active": False}
    kept = ("id", "name", "active", "created_at")
    upsert = insert(strategies).values(**values, created_at=now_us, updated_at=now_us)
    execute_core(
        conn,
        upsert.on_conflict_do_update(
            index_elements=[strategies.c.name],
            set_={
                column.name: upsert.excluded[column.name]
                for column in strategies.columns
                if column.name not in kept
            },
        ),
    )
    (strategy_id,) = execute_core(
        conn, select(strategies.c.id).where(strategies.c.name == config.name)
    ).fetchone()
    return int(strategy_id)


def _forget_demo_history(conn: sqlite3.Connection) -> None:
    ids = [
        row[0]
        for row in execute_core(
            conn, select(strategies.c.id).where(strategies.c.name.startswith(DEMO_PREFIX))
        )
    ]
    if not ids:
        return
    sessions = trading_sessions.c
    active = execute_core(
        conn,
        select(sessions.id).where(
            sessions.strategy_id.in_(ids), sessions.status.in_(ACTIVE_STATUSES)
        ),
    ).fetchall()
    if active:
        raise DemoRefused(
            f"demo strategies have live sessions ({', '.join(str(r[0]) for r in active)});"
            " stop them before seeding again"
        )
    execute_core(conn, delete(timeline_events).where(timeline_events.c.strategy_id.in_(ids)))
    execute_core(conn, delete(trading_sessions).where(sessions.strategy_id.in_(ids)))


def seed_demo(
    conn: sqlite3.Connection, days: int, seed: int, now: datetime
) -> list[SeededStrategy]:
    """Steps each demo strategy's session through the `days` whole UTC days before today on
    its own seeded market, every 15 minutes, in one transaction."""
    if days < 1:
        raise ValueError("days must be at least 1")
    end = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
    start = end - timedelta(days=days)
    seeded: list[SeededStrategy] = []
    with write_transaction(conn):
        _forget_demo_history(conn)
        control = SessionControl(conn)
        for index, values in enumerate(DEMO_STRATEGIES):
            config = StrategyConfig.model_validate(values)
            strategy_id = _upsert_strategy(conn, config, int(now.timestamp() * 1e6))
            session_id = start_session(
                conn,
                strategy_id,
                config,
                start,
                market_seed=seed * 100 + index,
                market_start=start,
            )
            moment = start
            while moment < end:
                control.paper.advance(session_id, moment)
                moment += STEP
            control.end(session_id, end, "stopped", "demo history ends")
            session = store.load_session(conn, session_id)
            assert session is not None  # written in this transaction
            seeded.append(
                SeededStrategy(
                    config.name,
                    strategy_id,
                    session_id,
                    session.trade_count,
                    session.realised_pnl,
                )
            )
    return seeded


def describe(seeded: list[SeededStrategy], conn: sqlite3.Connection, days: int) -> str:
    lines = [f"demo history over the {days} days before today (replaces earlier demo data):"]
    for item in seeded:
        lines.append(
            f"  {item.name} (strategy {item.strategy_id}, session {item.session_id}):"
            f" {item.trades} trades, net {item.net_pnl:.2f} USD"
        )
    ids = [item.session_id for item in seeded]
    (fills,) = execute_core(
        conn, select(func.count()).where(trading_fills.c.session_id.in_(ids))
    ).fetchone()
    (events,) = execute_core(
        conn, select(func.count()).where(timeline_events.c.session_id.in_(ids))
    ).fetchone()
    sessions = trading_sessions.c
    first, last = execute_core(
        conn,
        select(func.min(sessions.started_at), func.max(sessions.ended_at)).where(
            sessions.id.in_(ids)
        ),
    ).fetchone()
    lines.append(
        f"wrote {len(seeded)} sessions, {fills} fills, {events} timeline events"
        f" from {iso_z(datetime.fromtimestamp(first / 1e6, UTC))}"
        f" to {iso_z(datetime.fromtimestamp(last / 1e6, UTC))}"
    )
    return "\n".join(lines)
