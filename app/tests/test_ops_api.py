"""The deploy's calls to a backend (/api/ops/*, `control-plane ops`): the ops token, the
trading state of the active sessions, the engine hand-off and readiness."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from control_plane import cli
from control_plane.db.migrate import upgrade_to_head
from control_plane.main import create_app
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings
from tests.audittools import AuditLog
from tests.conftest import login, make_settings
from tests.polling import poll
from tests.servers import serve_in_thread
from tests.sessiontools import create_strategy, db, wait_for, wait_for_position

TICK = 0.05


@pytest.fixture
def ops_settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path, ENGINE_TICK_SECONDS=TICK)
    upgrade_to_head(settings)
    return settings


@pytest.fixture
def runner(ops_settings: Settings) -> SessionRunner:
    return SessionRunner(ops_settings)


@pytest.fixture
def ops_client(ops_settings: Settings, runner: SessionRunner) -> Iterator[TestClient]:
    with TestClient(create_app(ops_settings, runner=runner)) as client:
        wait_for(lambda: runner.holds_lock)
        yield client


def ops(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.OPS_API_TOKEN}"}


def parse(moment: str | None) -> datetime | None:
    return None if moment is None else datetime.fromisoformat(moment.replace("Z", "+00:00"))


def test_ops_routes_refuse_every_other_credential(
    ops_client: TestClient, ops_settings: Settings, audit_log: AuditLog
) -> None:
    admin = login(ops_client, ops_settings.ADMIN_USERNAME, ops_settings.ADMIN_PASSWORD)
    for headers in ({}, {"Authorization": "Bearer wrong"}, admin):
        for method, path in (("GET", "trading-state"), ("POST", "engine/hand-off")):
            response = ops_client.request(method, f"/api/ops/{path}", headers=headers)
            assert response.status_code == 401, (headers, path)
            assert "OPS_API_TOKEN" in response.json()["detail"]
    refused = audit_log.events("engine.hand_off")
    assert [event["outcome"] for event in refused] == ["refused"] * 3
    assert ops_client.app.state.session_runner.holds_lock  # type: ignore[attr-defined]


def test_an_unset_token_turns_the_ops_routes_off(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, OPS_API_TOKEN="")
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        for offered in ("", "changeme"):
            response = client.get(
                "/api/ops/trading-state", headers={"Authorization": f"Bearer {offered}"}
            )
            assert response.status_code == 401


def test_trading_state_describes_the_engine_and_each_active_session(
    ops_client: TestClient, ops_settings: Settings
) -> None:
    empty = ops_client.get("/api/ops/trading-state", headers=ops(ops_settings)).json()
    assert empty["sessions"] == []
    assert empty["summary"] == {
        "running_live": 0,
        "running_paper": 0,
        "open_positions": 0,
        "next_entry_at": None,
        "next_exit_at": None,
    }
    assert empty["engine"]["owner"] is True
    assert empty["engine"]["tick_seconds"] == TICK

    admin = login(ops_client, ops_settings.ADMIN_USERNAME, ops_settings.ADMIN_PASSWORD)
    holding = ops_client.post(
        f"/api/strategies/{create_strategy(ops_client, admin)}/sessions",
        json={"enter_now": True},
        headers=admin,
    ).json()["id"]
    wait_for_position(ops_client, admin, holding)
    # Its entry time is in an hour: flat and waiting for it.
    later = datetime.now(UTC) + timedelta(hours=1)
    waiting = ops_client.post(
        f"/api/strategies/"
        f"{create_strategy(ops_client, admin, name='later', entry_time=later.strftime('%H:%M'))}"
        "/sessions",
        json={},
        headers=admin,
    ).json()["id"]

    state = ops_client.get("/api/ops/trading-state", headers=ops(ops_settings)).json()
    sessions = {session["id"]: session for session in state["sessions"]}
    assert set(sessions) == {holding, waiting}
    held = sessions[holding]
    assert (held["mode"], held["state"], held["strategy"]) == (
        "paper",
        "running",
        "BTC session test",
    )
    assert held["open_position"] is True and held["in_entry_window"] is False
    # The strategy's exit time was two minutes after its entry time, two hours ago: tomorrow's.
    exit_at = parse(held["next_exit_at"])
    assert exit_at is not None and timedelta(hours=21) < exit_at - datetime.now(UTC)
    assert held["in_exit_window"] is False
    assert parse(held["next_entry_at"]) > exit_at  # type: ignore[operator]
    flat = sessions[waiting]
    assert flat["open_position"] is False and flat["next_exit_at"] is None
    assert flat["in_entry_window"] is False and flat["in_exit_window"] is False
    entry_at = parse(flat["next_entry_at"])
    assert entry_at is not None and entry_at.strftime("%H:%M") == later.strftime("%H:%M")
    assert state["summary"] == {
        "running_live": 0,
        "running_paper": 2,
        "open_positions": 1,
        "next_entry_at": flat["next_entry_at"],
        "next_exit_at": held["next_exit_at"],
    }
    assert parse(state["engine"]["last_tick_at"]) is not None


def test_hand_off_releases_the_engine_for_good_and_is_audited(
    ops_client: TestClient, ops_settings: Settings, runner: SessionRunner, audit_log: AuditLog
) -> None:
    wait_for(lambda: runner.last_tick_at is not None)
    first = ops_client.post("/api/ops/engine/hand-off", headers=ops(ops_settings))
    assert first.status_code == 200, first.text
    assert first.json()["released"] is True
    assert parse(first.json()["last_tick_at"]) is not None
    assert not runner.holds_lock
    # Idempotent: the same answer, and the lock stays free for the next backend.
    again = ops_client.post("/api/ops/engine/hand-off", headers=ops(ops_settings))
    assert again.json() == first.json()
    other = SessionRunner(ops_settings)
    assert other.lock.try_acquire()
    other.lock.release()
    ready = ops_client.get("/api/health/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["engine"] == {"owner": False, "last_tick_at": first.json()["last_tick_at"]}
    state = ops_client.get("/api/ops/trading-state", headers=ops(ops_settings)).json()
    assert state["engine"]["owner"] is False
    handed = audit_log.events("engine.hand_off")
    assert [(e["actor"], e["outcome"], e["target"]) for e in handed] == [
        ("ops-token", "success", "engine")
    ] * 2


def test_readiness_reports_the_engine_owner(
    ops_client: TestClient, ops_settings: Settings, runner: SessionRunner
) -> None:
    wait_for(lambda: runner.last_tick_at is not None)
    body = ops_client.get("/api/health/ready").json()
    assert body["engine"]["owner"] is True
    assert parse(body["engine"]["last_tick_at"]) is not None
    # A second backend on the same database waits for the engine and is still ready.
    with TestClient(create_app(ops_settings)) as waiting:
        ready = waiting.get("/api/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["engine"] == {"owner": False, "last_tick_at": None}


def run_cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, *argv: str) -> int:
    for name in ("APP_ENV", "DATABASE_URL", "OPS_API_TOKEN"):
        monkeypatch.setenv(name, str(getattr(settings, name)))
    return cli.main(list(argv))


def test_cli_prints_the_trading_state_and_hands_off(
    ops_settings: Settings,
    runner: SessionRunner,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    with serve_in_thread(create_app(ops_settings, runner=runner)) as url:
        wait_for(lambda: runner.last_tick_at is not None)
        assert run_cli(monkeypatch, ops_settings, "ops", "--url", url, "trading-state") == 0
        state: dict[str, Any] = json.loads(capsys.readouterr().out)
        assert state["engine"]["owner"] is True
        assert run_cli(monkeypatch, ops_settings, "ops", "--url", url, "hand-off") == 0
        assert json.loads(capsys.readouterr().out)["released"] is True
        assert not runner.holds_lock
        monkeypatch.setenv("OPS_API_TOKEN", "not-the-token")
        assert cli.main(["ops", "--url", url, "trading-state"]) == 1
        assert "answered 401" in capsys.readouterr().err


def test_cli_says_so_when_no_backend_answers(
    ops_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve_in_thread(create_app(ops_settings)) as url:
        pass  # a port that no longer answers
    assert run_cli(monkeypatch, ops_settings, "ops", "--url", url, "trading-state") == 1
    assert f"the backend at {url} did not answer" in capsys.readouterr().err


def test_an_app_served_again_runs_the_engine_again_unless_it_was_handed_off(
    ops_settings: Settings,
) -> None:
    runner = SessionRunner(ops_settings)
    app = create_app(ops_settings, runner=runner)
    with TestClient(app):
        wait_for(lambda: runner.holds_lock)
    assert not runner.holds_lock
    with TestClient(app) as client:
        wait_for(lambda: runner.holds_lock)
        assert client.post("/api/ops/engine/hand-off", headers=ops(ops_settings)).json()["released"]
    with TestClient(app) as client:
        # Several lock polls' time: it never takes the engine again.
        assert not poll(lambda: runner.holds_lock, timeout=0.5, interval=0.05)
        assert client.get("/api/health/ready").json()["engine"]["owner"] is False


def test_a_session_whose_state_cannot_be_read_counts_as_busy(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, ENGINE_ENABLED=False)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        admin = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        session_id = client.post(
            f"/api/strategies/{create_strategy(client, admin)}/sessions", json={}, headers=admin
        ).json()["id"]
        with db(settings) as conn:
            conn.execute(
                "UPDATE trading_sessions SET engine_state = '{bad' WHERE id = ?", (session_id,)
            )
        state = client.get("/api/ops/trading-state", headers=ops(settings)).json()
    (session,) = state["sessions"]
    assert (session["id"], session["open_position"], session["in_exit_window"]) == (
        session_id,
        True,
        True,
    )
    assert state["summary"]["open_positions"] == 1
