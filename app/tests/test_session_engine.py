"""The session runner on the seeded simulated market: a whole session from entry to each exit
reason, stepping the runner's clock minute by minute over a real SQLite file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from control_plane.db.sqlite import open_connection
from control_plane.logging_setup import configure_logging
from control_plane.sessions import store
from control_plane.sessions.control import start_session
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings
from control_plane.trading.strategy_config import StrategyConfig
from tests.sessiontools import db
from tests.test_trading_paper_engine import START
from tests.test_trading_paper_engine import config as paper_engine_config


def config(**overrides: Any) -> StrategyConfig:
    # A session trades whatever the strategy's switch says.
    return paper_engine_config(**{"name": "engine test", "active": False, **overrides})


def run_session(
    settings: Settings, strategy: StrategyConfig, seed: int, tick_minutes: int = 1
) -> int:
    """Start at 00:50 and tick every `tick_minutes` until the first trade has closed (or
    13:00)."""
    conn = open_connection(settings.database_path)
    try:
        session_id = start_session(
            conn,
            1,
            strategy,
            START + timedelta(minutes=50),
            market_seed=seed,
            market_start=START,
        )
    finally:
        conn.close()
    runner = SessionRunner(settings)
    for minute in range(50, 13 * 60, tick_minutes):
        runner.tick(START + timedelta(minutes=minute))
        with db(settings) as conn:
            row = conn.execute(
                "SELECT trade_count FROM trading_sessions WHERE id = ?", (session_id,)
            ).fetchone()
        if row["trade_count"]:
            break
    return session_id


def closed_trade(settings: Settings, session_id: int) -> dict[str, Any]:
    conn = db(settings)
    session = conn.execute("SELECT * FROM trading_sessions WHERE id = ?", (session_id,)).fetchone()
    events = conn.execute(
        "SELECT * FROM timeline_events WHERE session_id = ? ORDER BY id", (session_id,)
    ).fetchall()
    fills = conn.execute(
        "SELECT * FROM trading_fills WHERE session_id = ? ORDER BY id", (session_id,)
    ).fetchall()
    conn.close()
    assert [e["event"] for e in events] == ["session_started", "position_opened", "position_closed"]
    opened, closed = events[1], events[2]
    assert [(f["side"], f["leg"]) for f in fills] == [
        ("sell", "call"),
        ("sell", "put"),
        ("buy", "call"),
        ("buy", "put"),
    ]
    assert len({f["client_order_id"] for f in fills}) == 4
    details = json.loads(closed["details"])
    # The session's figures are the sums of its fills and its closed trade.
    assert session["trade_count"] == 1
    assert session["realised_pnl"] == pytest.approx(closed["pnl"])
    assert session["fees"] == pytest.approx(sum(f["fee"] for f in fills))
    assert closed["fees"] == pytest.approx(session["fees"])
    premium = sum(f["price"] * 0.001 * f["contracts"] for f in fills[:2])
    cost = sum(f["price"] * 0.001 * f["contracts"] for f in fills[2:])
    assert closed["pnl"] == pytest.approx(premium - cost - session["fees"])
    assert session["unrealised_pnl"] == 0.0
    assert set(json.loads(session["marks"])) == {"spot"}  # flat: the spot alone
    assert json.loads(session["engine_state"])["position"] is None
    assert session["status"] == "running"  # a session goes on to the next window
    return {
        "reason": details["reason"],
        "closed_at": closed["time"],
        "opened_at": opened["time"],
        "pnl": closed["pnl"],
        "fills": fills,
    }


def test_stop_loss(settings: Settings) -> None:
    trade = closed_trade(settings, run_session(settings, config(max_loss_pct=20), seed=1))
    assert trade["reason"] == "stop_loss"
    assert trade["pnl"] < 0


def test_take_profit(settings: Settings) -> None:
    trade = closed_trade(settings, run_session(settings, config(max_profit_pct=30), seed=0))
    assert trade["reason"] == "take_profit"
    assert trade["pnl"] > 0


def test_trailing_stop(settings: Settings) -> None:
    strategy = config(trailing_stops=[{"trigger_pct": 15, "lock_pct": 5}])
    assert closed_trade(settings, run_session(settings, strategy, seed=0))["reason"] == (
        "trailing_stop"
    )


def test_exit_time(settings: Settings) -> None:
    # Only the exit time can close this one, so ticks five minutes apart reach it as well.
    trade = closed_trade(settings, run_session(settings, config(), seed=0, tick_minutes=5))
    assert trade["reason"] == "exit_time"
    assert trade["closed_at"] == int(datetime(2026, 11, 20, 11, tzinfo=UTC).timestamp() * 1e6)


def test_expiry_settles_without_fees(settings: Settings) -> None:
    strategy = config(
        strike_selection={"kind": "delta", "low": 0.30, "high": 0.45},
        entry_time="11:00",
        exit_time="13:00",
    )
    trade = closed_trade(settings, run_session(settings, strategy, seed=2, tick_minutes=5))
    assert trade["reason"] == "expiry"
    assert trade["closed_at"] == int(datetime(2026, 11, 20, 12, tzinfo=UTC).timestamp() * 1e6)
    assert [f["fee"] for f in trade["fills"][2:]] == [0, 0]


def test_each_step_that_acts_logs_a_json_line_with_its_ids(
    settings: Settings, tmp_path: Path
) -> None:
    log_path = tmp_path / "engine.log"
    configure_logging("INFO", log_path, stdout=False)
    try:
        session_id = run_session(settings, config(max_profit_pct=30), seed=0)
    finally:
        configure_logging("WARNING", None, stdout=False)
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    acted = [line for line in lines if line.get("session_id") == session_id]
    assert [line["event"] for line in acted] == [
        "session_started",
        "position_opened",
        "position_closed",
    ]
    for line in acted:
        assert line["strategy_id"] == 1
        assert line["correlation_id"]
    with db(settings) as conn:
        stored = [
            json.loads(row["details"])["correlation_id"]
            for row in conn.execute(
                "SELECT details FROM timeline_events WHERE session_id = ? ORDER BY id",
                (session_id,),
            )
        ]
    assert stored == [line["correlation_id"] for line in acted]


def test_paused_session_enters_nothing_but_still_exits(settings: Settings) -> None:
    conn = open_connection(settings.database_path)
    session_id = start_session(
        conn, 1, config(max_profit_pct=30), START, market_seed=0, market_start=START
    )
    runner = SessionRunner(settings)
    from control_plane.sessions.control import SessionControl

    executor = SessionControl(conn)
    executor.change_status(session_id, START, "paused", "test")
    for minute in range(0, 120):
        runner.tick(START + timedelta(minutes=minute))
    assert store.load_session(conn, session_id).trade_count == 0
    assert json.loads(store.load_session(conn, session_id).engine_state)["position"] is None
    executor.change_status(session_id, START + timedelta(hours=2), "running", "test")
    runner.tick(START + timedelta(hours=2))
    assert json.loads(store.load_session(conn, session_id).engine_state)["position"]
    executor.change_status(session_id, START + timedelta(hours=2), "paused", "test")
    for minute in range(121, 12 * 60):
        runner.tick(START + timedelta(minutes=minute))
        if store.load_session(conn, session_id).trade_count:
            break
    session = store.load_session(conn, session_id)
    conn.close()
    assert (session.status, session.trade_count) == ("paused", 1)


def test_a_tick_whose_clock_was_read_before_the_session_started_does_nothing(
    settings: Settings,
) -> None:
    """The engine reads its clock, then the active sessions: a session started in between
    (by the API, in the same minute) waits for the next tick, so nothing it records is stamped
    before its session_started event."""
    started = START + timedelta(seconds=30)
    conn = open_connection(settings.database_path)
    start_session(conn, 1, config(), started, enter_now=True, market_seed=0)
    runner = SessionRunner(settings)
    runner.tick(started - timedelta(seconds=1))
    events = [row[0] for row in conn.execute("SELECT event FROM timeline_events ORDER BY id")]
    assert events == ["session_started"]
    runner.tick(started)
    events = [row[0] for row in conn.execute("SELECT event FROM timeline_events ORDER BY id")]
    conn.close()
    assert events == ["session_started", "position_opened"]
