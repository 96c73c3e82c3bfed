"""Session control, the kill switch, restarts and the engine lock through the real app."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from control_plane.db.migrate import upgrade_to_head
from control_plane.db.sqlite import open_connection
from control_plane.main import create_app
from control_plane.security import hash_password, password_hasher
from control_plane.sessions import store
from control_plane.sessions.kill_switch import kill_switch_view
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings
from control_plane.times import to_us
from tests.conftest import login, make_settings
from tests.sessiontools import create_strategy, db, session_json, wait_for, wait_for_position

FAST = {"ENGINE_TICK_SECONDS": 0.05}


@pytest.fixture
def fast_settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path, **FAST)
    upgrade_to_head(settings)
    return settings


@pytest.fixture
def app_client(fast_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(fast_settings)) as client:
        yield client


@pytest.fixture
def admin(app_client: TestClient, fast_settings: Settings) -> dict[str, str]:
    return login(app_client, fast_settings.ADMIN_USERNAME, fast_settings.ADMIN_PASSWORD)


def start(client: TestClient, headers: dict[str, str], strategy_id: int, **body: Any) -> Any:
    return client.post(f"/api/strategies/{strategy_id}/sessions", json=body, headers=headers)


def events(client: TestClient, headers: dict[str, str], session_id: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/sessions/{session_id}/events", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_pause_resume_stop_and_impossible_transitions(
    app_client: TestClient, admin: dict[str, str]
) -> None:
    strategy_id = create_strategy(app_client, admin)
    created = start(app_client, admin, strategy_id, mode="paper", enter_now=True)
    assert created.status_code == 201, created.text
    session = created.json()
    assert (session["status"], session["mode"], session["strategy_name"]) == (
        "running",
        "paper",
        "BTC session test",
    )
    assert session["started_at"].endswith("Z") and session["ended_at"] is None
    assert start(app_client, admin, strategy_id).status_code == 409
    session_id = session["id"]

    opened = wait_for_position(app_client, admin, session_id)
    position = opened["position"]
    assert [leg["option_type"] for leg in position["legs"]] == ["call", "put"]
    assert position["legs"][1]["strike"] < position["legs"][0]["strike"]
    assert all(leg["mark_price"] > 0 for leg in position["legs"])
    assert opened["fees"] > 0 and opened["unrealised_pnl"] < 0  # sold below mid, paid fees

    url = f"/api/sessions/{session_id}"
    paused = app_client.post(f"{url}/pause", headers=admin)
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    assert paused.json()["position"] is not None
    assert app_client.post(f"{url}/pause", headers=admin).status_code == 409
    assert app_client.post(f"{url}/resume", headers=admin).json()["status"] == "running"
    stopped = app_client.post(f"{url}/stop", headers=admin).json()
    assert stopped["status"] == "stopped" and stopped["ended_at"] is not None
    assert stopped["position"] is None and stopped["trade_count"] == 1
    assert stopped["unrealised_pnl"] == 0
    closed = [e for e in events(app_client, admin, session_id) if e["event"] == "position_closed"]
    assert closed[0]["details"]["reason"] == "stopped"
    assert stopped["realised_pnl"] == pytest.approx(closed[0]["pnl"])
    for action in ("pause", "resume", "stop", "panic"):
        assert app_client.post(f"{url}/{action}", headers=admin).status_code == 409
    assert app_client.post("/api/sessions/999/stop", headers=admin).status_code == 404
    names = [e["event"] for e in events(app_client, admin, session_id)]
    assert names[0] == "session_stopped" and names[-1] == "session_started"
    assert {"session_paused", "session_resumed", "position_opened"} <= set(names)

    # The stopped session no longer blocks a new one.
    again = start(app_client, admin, strategy_id)
    assert again.status_code == 201
    listed = app_client.get(f"/api/sessions?strategy_id={strategy_id}", headers=admin).json()
    assert [s["id"] for s in listed] == [again.json()["id"], session_id]
    running = app_client.get("/api/sessions?status=running", headers=admin).json()
    assert [s["id"] for s in running] == [again.json()["id"]]
    assert app_client.get("/api/sessions?status=bogus", headers=admin).status_code == 422
    unfiltered = app_client.get("/api/sessions?status=&strategy_id=", headers=admin).json()
    assert [s["id"] for s in unfiltered] == [again.json()["id"], session_id]


def test_panic_closes_at_market(app_client: TestClient, admin: dict[str, str]) -> None:
    session_id = start(app_client, admin, create_strategy(app_client, admin), enter_now=True)
    session_id = session_id.json()["id"]
    wait_for_position(app_client, admin, session_id)
    panicked = app_client.post(f"/api/sessions/{session_id}/panic", headers=admin).json()
    assert (panicked["status"], panicked["position"], panicked["trade_count"]) == (
        "panic_closed",
        None,
        1,
    )
    assert panicked["status_reason"] == "panic by admin"
    reasons = [
        e["details"]["reason"]
        for e in events(app_client, admin, session_id)
        if e["event"] == "position_closed"
    ]
    assert reasons == ["panic"]


def test_viewers_read_but_cannot_control(
    app_client: TestClient, admin: dict[str, str], fast_settings: Settings
) -> None:
    with db(fast_settings) as conn:
        hashed = hash_password(password_hasher(1, 8192), "viewer password 123")
        conn.execute(
            "INSERT INTO users (username, password_hash, created_at, role)"
            " VALUES ('viewer', ?, 1, 'viewer')",
            (hashed,),
        )
    viewer = login(app_client, "viewer", "viewer password 123")
    strategy_id = create_strategy(app_client, admin)
    assert start(app_client, viewer, strategy_id).status_code == 403
    session_id = start(app_client, admin, strategy_id).json()["id"]
    assert app_client.get(f"/api/sessions/{session_id}", headers=viewer).status_code == 200
    for action in ("pause", "stop", "panic"):
        response = app_client.post(f"/api/sessions/{session_id}/{action}", headers=viewer)
        assert response.status_code == 403
    assert app_client.post("/api/kill-switch/trip", json={}, headers=viewer).status_code == 403
    assert app_client.get("/api/sessions").status_code == 401


def test_one_live_session_per_strategy_is_enforced_by_the_database(
    fast_settings: Settings, app_client: TestClient, admin: dict[str, str]
) -> None:
    strategy_id = create_strategy(app_client, admin)
    assert start(app_client, admin, strategy_id).status_code == 201
    with db(fast_settings) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO trading_sessions (strategy_id, strategy_name, mode, status, config,"
            " market_seed, market_start, started_at, updated_at)"
            " VALUES (?, 'x', 'paper', 'paused', '{}', 1, 1, 1, 1)",
            (strategy_id,),
        )


def test_kill_switch_trips_on_the_daily_loss_and_refuses_sessions_until_rearmed(
    tmp_path: Path,
) -> None:
    # Selling below mid and paying fees is a small loss at once: a 1-cent limit trips on it.
    settings = make_settings(tmp_path, KILL_SWITCH_DAILY_LOSS_LIMIT=0.01, **FAST)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        admin = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        assert client.get("/api/kill-switch", headers=admin).json() == {
            "tripped": False,
            "tripped_at": None,
            "reason": None,
            "daily_loss_limit": 0.01,
            "day_pnl": 0.0,
        }
        strategy_id = create_strategy(client, admin)
        session_id = start(client, admin, strategy_id, enter_now=True).json()["id"]
        tripped = wait_for(
            lambda: (k := client.get("/api/kill-switch", headers=admin).json())["tripped"] and k
        )
        assert "daily loss limit" in tripped["reason"] and tripped["tripped_at"].endswith("Z")
        assert tripped["day_pnl"] <= -0.01
        session = session_json(client, admin, session_id)
        assert session["status"] == "panic_closed"
        assert session["status_reason"].startswith("kill switch:")
        assert session["trade_count"] == 1 and session["position"] is None
        refused = start(client, admin, strategy_id)
        assert refused.status_code == 409 and "kill switch" in refused.json()["detail"]

        rearmed = client.post("/api/kill-switch/rearm", headers=admin).json()
        assert (rearmed["tripped"], rearmed["reason"]) == (False, None)
        # Losses before the re-arm do not trip it again; the view still shows the day's PnL.
        assert rearmed["day_pnl"] == pytest.approx(tripped["day_pnl"], abs=1.0)
        second = start(client, admin, strategy_id)
        assert second.status_code == 201

        manual = client.post("/api/kill-switch/trip", json={"reason": "drill"}, headers=admin)
        assert manual.json()["tripped"] is True and manual.json()["reason"] == "drill (by admin)"
        assert session_json(client, admin, second.json()["id"])["status"] == "panic_closed"


def test_the_kill_switch_reads_the_day_pnl_from_one_snapshot(
    fast_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A close committed between the view's reads of the realised and the open PnL must not
    leave its loss out of both (seen in CI: a switch tripped at -0.34 USD showing 0.0)."""
    with TestClient(create_app(fast_settings)) as client:
        admin = login(client, fast_settings.ADMIN_USERNAME, fast_settings.ADMIN_PASSWORD)
        session_id = start(client, admin, create_strategy(client, admin), enter_now=True).json()[
            "id"
        ]
        wait_for_position(client, admin, session_id)
    now = datetime.now(UTC)
    with db(fast_settings) as writer:
        store.update_session(writer, session_id, {"unrealised_pnl": -0.5})
    read_realised = store.realised_pnl_since

    def close_between_the_reads(conn: sqlite3.Connection, since_us: int) -> float:
        realised = read_realised(conn, since_us)
        # What the engine's close commits: the loss realised, the session no longer open.
        with db(fast_settings) as writer:
            store.insert_event(
                writer,
                time_us=to_us(now),
                event="position_closed",
                message="closed",
                session_id=session_id,
                pnl=-0.5,
            )
            store.update_session(
                writer, session_id, {"status": "panic_closed", "unrealised_pnl": 0.0}
            )
        return realised

    monkeypatch.setattr(store, "realised_pnl_since", close_between_the_reads)
    conn = open_connection(fast_settings.database_path)
    try:
        assert kill_switch_view(conn, now, 100.0)["day_pnl"] == pytest.approx(-0.5)
        monkeypatch.undo()
        # Read again, after the close: the loss is realised now.
        assert kill_switch_view(conn, now, 100.0)["day_pnl"] == pytest.approx(-0.5)
    finally:
        conn.close()


def test_restart_resumes_what_it_can_and_marks_the_rest_interrupted(
    fast_settings: Settings,
) -> None:
    with TestClient(create_app(fast_settings)) as client:
        admin = login(client, fast_settings.ADMIN_USERNAME, fast_settings.ADMIN_PASSWORD)
        kept = start(client, admin, create_strategy(client, admin), enter_now=True).json()["id"]
        broken_strategy = create_strategy(client, admin, name="ETH broken", underlying="ETH")
        broken = start(client, admin, broken_strategy).json()["id"]
        before = wait_for_position(client, admin, kept)
    # While the app is down, one session's stored engine state is damaged.
    with db(fast_settings) as conn:
        conn.execute(
            "UPDATE trading_sessions SET engine_state = '{\"version\": 99}' WHERE id = ?", (broken,)
        )

    with TestClient(create_app(fast_settings)) as client:
        admin = login(client, fast_settings.ADMIN_USERNAME, fast_settings.ADMIN_PASSWORD)
        interrupted = wait_for(
            lambda: (s := session_json(client, admin, broken))["status"] == "interrupted" and s
        )
        assert "not resumed after a restart" in interrupted["status_reason"]
        assert "unknown state version" in interrupted["status_reason"]
        resumed = session_json(client, admin, kept)
        assert resumed["status"] == "running"
        assert resumed["position"]["opened_at"] == before["position"]["opened_at"]
        assert resumed["position"]["legs"][0]["strike"] == before["position"]["legs"][0]["strike"]
        names = [e["event"] for e in events(client, admin, kept)]
        assert "session_recovered" in names
        assert names.count("position_opened") == 1
        # The resumed session is still traded: its marks keep being updated.
        wait_for(lambda: session_json(client, admin, kept)["updated_at"] > resumed["updated_at"])


def test_one_engine_per_database(fast_settings: Settings) -> None:
    first_runner = SessionRunner(fast_settings)
    second_runner = SessionRunner(fast_settings)
    first = TestClient(create_app(fast_settings, runner=first_runner))
    second = TestClient(create_app(fast_settings, runner=second_runner))
    with ExitStack() as running:
        running.enter_context(first)
        wait_for(lambda: first_runner.holds_lock)
        running.enter_context(second)
        assert not second_runner.holds_lock
        # The second app serves HTTP: a session started through it is traded by the first.
        admin = login(second, fast_settings.ADMIN_USERNAME, fast_settings.ADMIN_PASSWORD)
        session_id = start(second, admin, create_strategy(second, admin), enter_now=True)
        session_id = session_id.json()["id"]
        wait_for_position(second, admin, session_id)
        assert not second_runner.holds_lock
        # The first app stops; the second takes the engine over and resumes the session.
        first.__exit__(None, None, None)
        wait_for(lambda: second_runner.holds_lock)
        names = [e["event"] for e in events(second, admin, session_id)]
        assert names.count("position_opened") == 1 and "session_recovered" in names
        running.pop_all()
        second.__exit__(None, None, None)


def test_one_app_served_twice_at_once_keeps_one_engine(fast_settings: Settings) -> None:
    # Two lifespans of one app at once, as test harnesses do: they share the app's runner.
    runner = SessionRunner(fast_settings)
    app = create_app(fast_settings, runner=runner)
    with TestClient(app) as first:
        wait_for(lambda: runner.holds_lock)
        with TestClient(app) as second:
            admin = login(second, fast_settings.ADMIN_USERNAME, fast_settings.ADMIN_PASSWORD)
            session_id = start(second, admin, create_strategy(second, admin), enter_now=True)
            session_id = session_id.json()["id"]
            wait_for_position(second, admin, session_id)
        # The second lifespan ends; the engine the first one started keeps its lock and trades.
        assert runner.holds_lock
        marked = session_json(first, admin, session_id)["updated_at"]
        wait_for(lambda: session_json(first, admin, session_id)["updated_at"] > marked)
    assert not runner.holds_lock


# The session page (issue 19): a session with its configuration, greeks, spot and next entry
# and exit; its fills, events and PnL over time, paged and validated.


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def start_id(client: TestClient, headers: dict[str, str], strategy_id: int, **body: Any) -> int:
    response = client.post(f"/api/strategies/{strategy_id}/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def get_json(client: TestClient, headers: dict[str, str], url: str) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_open_position_shows_greeks_spot_config_and_next_times(
    app_client: TestClient, admin: dict[str, str]
) -> None:
    strategy_id = create_strategy(app_client, admin, quantity=10)
    session_id = start_id(app_client, admin, strategy_id, enter_now=True)
    session = wait_for(
        lambda: (
            (s := wait_for_position(app_client, admin, session_id))["position"]["legs"][0]["delta"]
            is not None
            and s
        )
    )
    assert session["underlying"] == "BTC" and session["spot"] > 0
    assert session["config"]["quantity"] == 10 and session["config"]["underlying"] == "BTC"
    position = session["position"]
    call, put = position["legs"]
    assert 0 < call["delta"] < 0.5 and -0.5 < put["delta"] < 0
    assert 0 < call["entry_delta"] < 0.5 and -0.5 < put["entry_delta"] < 0
    assert call["iv"] > 0 and put["iv"] > 0
    assert put["iv"] > call["iv"] * 0.9  # the skew makes puts dear; both are near the base
    assert position["contract_size"] == 0.001 and position["contracts"] == 10
    coins = position["contract_size"] * position["contracts"]
    assert position["net_delta"] == pytest.approx(-(call["delta"] + put["delta"]) * coins)
    # Open: the exit is the position's deadline; the next entry waits for it.
    assert moment(session["next_exit_at"]) == moment(position["exit_deadline"])
    assert moment(session["next_entry_at"]) > moment(session["next_exit_at"])

    listed = get_json(app_client, admin, "/api/sessions")
    assert "config" not in listed[0] and listed[0]["underlying"] == "BTC"


def test_fills_events_and_pnl_are_paged_newest_first(
    app_client: TestClient, admin: dict[str, str]
) -> None:
    session_id = start_id(app_client, admin, create_strategy(app_client, admin), enter_now=True)
    wait_for_position(app_client, admin, session_id)
    stopped = app_client.post(f"/api/sessions/{session_id}/stop", headers=admin).json()
    assert stopped["status"] == "stopped"
    assert (stopped["next_entry_at"], stopped["next_exit_at"]) == (None, None)
    url = f"/api/sessions/{session_id}"

    first = get_json(app_client, admin, f"{url}/fills?page_size=3")
    second = get_json(app_client, admin, f"{url}/fills?page_size=3&page=2")
    assert (first["total"], first["page"], first["page_size"]) == (4, 1, 3)
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    fills = first["items"] + second["items"]
    assert [f["id"] for f in fills] == sorted((f["id"] for f in fills), reverse=True)
    assert [(f["side"], f["option_type"]) for f in reversed(fills)] == [
        ("sell", "call"),
        ("sell", "put"),
        ("buy", "call"),
        ("buy", "put"),
    ]
    assert get_json(app_client, admin, f"{url}/fills?page=3&page_size=3")["items"] == []

    events = get_json(app_client, admin, f"{url}/events?page_size=2")
    rest = get_json(app_client, admin, f"{url}/events?page_size=500&page=1")
    assert events["total"] == len(rest["items"]) >= 4
    assert [e["event"] for e in events["items"]] == [e["event"] for e in rest["items"][:2]]
    assert rest["items"][0]["event"] == "session_stopped"
    assert rest["items"][-1]["event"] == "session_started"

    pnl = get_json(app_client, admin, f"{url}/pnl")
    assert [p["value"] for p in pnl] == [0.0, pytest.approx(stopped["realised_pnl"])]
    assert moment(pnl[0]["time"]) == moment(stopped["started_at"])


@pytest.mark.parametrize(
    "query",
    ["page=0", "page_size=0", "page_size=501", "page=abc", "page=99999999999999999999"],
)
def test_paging_is_validated(app_client: TestClient, admin: dict[str, str], query: str) -> None:
    session_id = start_id(app_client, admin, create_strategy(app_client, admin))
    for route in ("events", "fills"):
        response = app_client.get(f"/api/sessions/{session_id}/{route}?{query}", headers=admin)
        assert response.status_code == 422, (route, query, response.text)


def test_unknown_session_and_signed_out(app_client: TestClient, admin: dict[str, str]) -> None:
    for route in ("", "/events", "/fills", "/pnl"):
        assert app_client.get(f"/api/sessions/999{route}", headers=admin).status_code == 404
        assert app_client.get(f"/api/sessions/1{route}").status_code == 401


def test_flat_session_knows_its_next_entry_and_exit(
    app_client: TestClient, admin: dict[str, str]
) -> None:
    now = datetime.now(UTC)
    entry = (now + timedelta(hours=1)).replace(second=0, microsecond=0)
    exit_ = (now + timedelta(hours=3)).replace(second=0, microsecond=0)
    strategy_id = create_strategy(
        app_client,
        admin,
        entry_time=entry.strftime("%H:%M"),
        exit_time=exit_.strftime("%H:%M"),
    )
    session_id = start_id(app_client, admin, strategy_id)
    session = wait_for(
        lambda: (s := session_json(app_client, admin, session_id))["spot"] is not None and s
    )
    assert session["position"] is None and session["spot"] > 0
    assert moment(session["next_entry_at"]) == entry
    assert moment(session["next_exit_at"]) == exit_
    pnl = get_json(app_client, admin, f"/api/sessions/{session_id}/pnl")
    assert [p["value"] for p in pnl] == [0.0, 0.0]  # the start, and now (flat, nothing made)

    paused = app_client.post(f"/api/sessions/{session_id}/pause", headers=admin).json()
    assert paused["next_entry_at"] is None and paused["next_exit_at"] is None
