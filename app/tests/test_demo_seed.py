"""`control-plane demo seed`: reproducible history, replaced rather than duplicated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from control_plane.main import create_app
from tests.conftest import login, make_settings
from tests.test_cli_db import run_cli

COUNTS = (
    "SELECT (SELECT count(*) FROM strategies), (SELECT count(*) FROM trading_sessions),"
    " (SELECT count(*) FROM trading_fills), (SELECT count(*) FROM timeline_events)"
)


def snapshot(db: Path) -> tuple[tuple[int, ...], list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    counts = conn.execute(COUNTS).fetchone()
    trades = conn.execute(
        "SELECT strategy_id, time, pnl, json_remove(details, '$.correlation_id')"
        " FROM timeline_events"
        " WHERE event = 'position_closed' ORDER BY time, strategy_id"
    ).fetchall()
    conn.close()
    return counts, trades


@pytest.mark.slow
def test_seed_twice_gives_the_same_rows_once_and_refuses_over_a_live_session(
    tmp_path: Path,
) -> None:
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    db = tmp_path / "data" / "db.sqlite"
    first = run_cli(tmp_path, "demo", "seed", "--days", "3", "--seed", "3")
    assert first.returncode == 0, first.stderr
    assert "Demo BTC daily" in first.stdout and "Demo ETH daily" in first.stdout
    assert "timeline events" in first.stdout
    counts, trades = snapshot(db)
    assert counts[0] == 3 and counts[1] == 3
    assert len(trades) >= 6 and counts[2] == 4 * len(trades)
    assert {row[0] for row in trades} == {1, 2, 3}

    again = run_cli(tmp_path, "demo", "seed", "--days", "3", "--seed", "3")
    assert again.returncode == 0, again.stderr
    assert snapshot(db) == (counts, trades)

    # The history is what the analytics read.
    settings = make_settings(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{db}")
    with TestClient(create_app(settings)) as client:
        headers = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        history = client.get("/api/analytics/history?preset=7d", headers=headers).json()
    assert history["metrics"]["trade_count"] == len(trades)

    conn = sqlite3.connect(db)
    live = conn.execute("SELECT max(id) FROM trading_sessions").fetchone()[0]
    conn.execute("UPDATE trading_sessions SET status = 'running' WHERE id = ?", (live,))
    conn.commit()
    conn.close()
    refused = run_cli(tmp_path, "demo", "seed", "--days", "3")
    assert refused.returncode == 1
    assert f"live sessions ({live})" in refused.stderr
    assert snapshot(db)[0] == counts
    assert run_cli(tmp_path, "demo", "seed", "--days", "0").returncode == 2
