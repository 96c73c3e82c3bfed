"""control_plane.db: every connection gets the same PRAGMAs, and a Core statement run on a
worker thread's sqlite3 connection stores values as the async engine reads them back."""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from control_plane.db.engine import create_engine, create_session_factory
from control_plane.db.migrate import upgrade_to_head
from control_plane.db.schema import strategies
from control_plane.db.sqlite import BUSY_TIMEOUT_MS, open_connection, write_transaction
from control_plane.db.statements import execute_core
from control_plane.db.strategies import column_values, get_strategy
from control_plane.settings import Settings
from control_plane.trading.strategy_config import StrategyConfig
from tests.conftest import make_settings
from tests.test_trading_paper_engine import config as paper_engine_config

SHARED = {
    "journal_mode": "wal",
    "synchronous": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "foreign_keys": 1,
}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path)
    upgrade_to_head(settings)
    return settings


def test_worker_and_async_connections_share_the_pragmas(settings: Settings) -> None:
    conn = open_connection(settings.database_path)
    worker = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in SHARED}
    conn.close()

    async def read() -> dict[str, object]:
        engine = create_engine(settings)
        try:
            async with engine.connect() as aconn:
                return {
                    name: (await aconn.execute(text(f"PRAGMA {name}"))).scalar_one()
                    for name in SHARED
                }
        finally:
            await engine.dispose()

    assert worker == SHARED
    assert asyncio.run(read()) == SHARED


def test_core_statement_on_sqlite3_round_trips_through_the_async_engine(
    settings: Settings,
) -> None:
    config = paper_engine_config(
        name="round trip",
        exit_time="17:05:30",
        trailing_stops=[{"trigger_pct": 40, "lock_pct": 20}],
    )
    conn = open_connection(settings.database_path)
    with write_transaction(conn):
        execute_core(
            conn, insert(strategies).values(**column_values(config), created_at=1, updated_at=2)
        )
    stored = conn.execute("SELECT entry_time, exit_time FROM strategies").fetchone()
    conn.close()
    assert tuple(stored) == ("01:00:00.000000", "17:05:30.000000")

    async def read() -> StrategyConfig | None:
        engine = create_engine(settings)
        try:
            async with create_session_factory(engine)() as session:
                record = await get_strategy(session, 1)
                return record.config if record else None
        finally:
            await engine.dispose()

    assert asyncio.run(read()) == config
    assert config.entry_time == time(1, 0)


def test_core_statement_with_in_lists_on_sqlite3(settings: Settings) -> None:
    conn = open_connection(settings.database_path)
    with write_transaction(conn):
        for name in ("alpha", "beta", "gamma"):
            config = paper_engine_config(name=name, exit_time="17:05:30")
            execute_core(
                conn, insert(strategies).values(**column_values(config), created_at=1, updated_at=2)
            )
    names = strategies.c.name

    def found(*statement_filters: Any) -> list[str]:
        query = select(names).where(*statement_filters).order_by(names)
        return [row[0] for row in execute_core(conn, query)]

    assert found(names.in_(["gamma", "alpha", "missing"])) == ["alpha", "gamma"]
    assert found(names.in_([]), strategies.c.id > 0) == []
    # Each expanded value goes through its column's type (TIME stored as text).
    at_1705 = strategies.c.exit_time.in_([time(17, 5, 30), time(9)])
    assert found(at_1705, names != "beta") == ["alpha", "gamma"]
    conn.close()
