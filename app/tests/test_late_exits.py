"""An exit that fell due while no engine ran: the engine that takes over records it as late
(`session_exit_late`, with its due time and delay) and carries it out on its first tick."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from control_plane.db.sqlite import open_connection
from control_plane.sessions.control import start_session
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings
from tests.sessiontools import db
from tests.test_session_engine import config
from tests.test_trading_paper_engine import START

# The window opens at 01:00 and the position must be closed at 11:00 (the daily expires 12:00).
OPENED = START + timedelta(hours=1)
DUE = START + timedelta(hours=11)


def open_a_position(settings: Settings) -> int:
    conn = open_connection(settings.database_path)
    try:
        session_id = start_session(
            conn, 1, config(), START + timedelta(minutes=50), market_seed=0, market_start=START
        )
    finally:
        conn.close()
    SessionRunner(settings).tick(OPENED)
    return session_id


def events(settings: Settings, session_id: int) -> list[tuple[str, dict[str, object]]]:
    with db(settings) as conn:
        rows = conn.execute(
            "SELECT event, details FROM timeline_events WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
    return [(row["event"], json.loads(row["details"])) for row in rows]


def test_an_exit_due_while_no_engine_ran_is_recorded_late_and_carried_out(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    session_id = open_a_position(settings)
    assert [name for name, _ in events(settings, session_id)][-1] == "position_opened"
    # No engine from 10:30 to 11:30; the one that takes over then finds the 11:00 exit overdue.
    taking_over = SessionRunner(settings)
    back = DUE + timedelta(minutes=30)
    caplog.set_level(logging.INFO, logger="control_plane.sessions")
    taking_over.recover(back)
    taking_over.tick(back)

    recorded = events(settings, session_id)
    names = [name for name, _ in recorded]
    assert names[-3:] == ["session_recovered", "session_exit_late", "position_closed"]
    late = dict(recorded)["session_exit_late"]
    assert (late["due_at"], late["delay_seconds"]) == ("2026-11-20T11:00:00Z", 1800.0)
    assert dict(recorded)["position_closed"]["reason"] == "exit_time"
    (line,) = [r for r in caplog.records if getattr(r, "event", None) == "session_exit_late"]
    assert line.levelno == logging.WARNING
    assert (line.session_id, line.due_at, line.delay_seconds) == (  # type: ignore[attr-defined]
        session_id,
        "2026-11-20T11:00:00Z",
        1800.0,
    )


def test_an_exit_within_a_tick_of_its_time_is_not_late(settings: Settings) -> None:
    session_id = open_a_position(settings)
    taking_over = SessionRunner(settings)
    back = DUE + timedelta(seconds=settings.ENGINE_TICK_SECONDS / 2)
    taking_over.recover(back)
    taking_over.tick(back)
    names = [name for name, _ in events(settings, session_id)]
    assert "session_exit_late" not in names
    assert names[-1] == "position_closed"


def test_a_position_not_yet_due_is_resumed_without_a_late_exit(settings: Settings) -> None:
    session_id = open_a_position(settings)
    SessionRunner(settings).recover(DUE - timedelta(minutes=1))
    names = [name for name, _ in events(settings, session_id)]
    assert names[-1] == "session_recovered"
