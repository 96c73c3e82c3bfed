"""What the session page reads (issue 19): a session with its configuration, greeks, spot and
next entry and exit; its fills, events and PnL over time, paged and validated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from control_plane.db.migrate import upgrade_to_head
from control_plane.main import create_app
from control_plane.settings import Settings
from tests.conftest import login, make_settings
from tests.sessiontools import create_strategy, session_json, wait_for, wait_for_position


@pytest.fixture
def fast_settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path, ENGINE_TICK_SECONDS=0.05)
    upgrade_to_head(settings)
    return settings


@pytest.fixture
def app_client(fast_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(fast_settings)) as client:
        yield client


@pytest.fixture
def admin(app_client: TestClient, fast_settings: Settings) -> dict[str, str]:
    return login(app_client, fast_settings.ADMIN_USERNAME, fast_settings.ADMIN_PASSWORD)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def start(client: TestClient, headers: dict[str, str], strategy_id: int, **body: Any) -> int:
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
    session_id = start(app_client, admin, strategy_id, enter_now=True)
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
    session_id = start(app_client, admin, create_strategy(app_client, admin), enter_now=True)
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
    session_id = start(app_client, admin, create_strategy(app_client, admin))
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
    session_id = start(app_client, admin, strategy_id)
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
