"""Every change of trading state is audited with its actor and outcome, and the play's records
arrive through POST /api/audit/events with the ingest key alone (issue 13, "audit trail")."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from control_plane.db.migrate import upgrade_to_head
from control_plane.logging_setup import configure_logging
from control_plane.logs.one_shot import ingest_once
from control_plane.main import create_app
from control_plane.settings import Settings
from tests.conftest import login, make_settings
from tests.sessiontools import create_strategy, strategy_body, wait_for

FAST = {"ENGINE_TICK_SECONDS": 0.05}
FIELDS = ("action", "actor", "actor_role", "target", "outcome")


@pytest.fixture
def audits(caplog: pytest.LogCaptureFixture) -> Callable[[], list[dict[str, Any]]]:
    """Reads the audit records written so far, as they reach the log store."""
    caplog.set_level(logging.INFO, logger="control_plane.audit")

    def read() -> list[dict[str, Any]]:
        return [
            {**{f: getattr(r, f, None) for f in FIELDS}, "record": r}
            for r in caplog.records
            if getattr(r, "event", None) == "audit"
        ]

    return read


Audits = Callable[[], list[dict[str, Any]]]


def trail(audits: Audits, prefix: str) -> list[tuple[Any, ...]]:
    return [
        tuple(a[f] for f in ("action", "target", "outcome"))
        for a in audits()
        if a["action"].startswith(prefix)
    ]


def test_strategy_changes_are_audited_with_actor_target_and_outcome(
    client: TestClient, auth_headers: dict[str, str], audits: Audits
) -> None:
    strategy_id = create_strategy(client, auth_headers)
    target = f"strategy:{strategy_id}"
    duplicate = client.post("/api/strategies", json=strategy_body(), headers=auth_headers)
    assert duplicate.status_code == 409
    path = f"/api/strategies/{strategy_id}"
    assert client.patch(path, json={"quantity": 2}, headers=auth_headers).status_code == 200
    assert client.patch(path, json={"quantity": -1}, headers=auth_headers).status_code == 422
    assert client.put(path, json=strategy_body(), headers=auth_headers).status_code == 200
    assert client.delete(path, headers=auth_headers).status_code == 204
    assert client.delete(path, headers=auth_headers).status_code == 404

    assert trail(audits, "strategy.") == [
        ("strategy.create", target, "success"),
        ("strategy.create", None, "refused"),
        ("strategy.update", target, "success"),
        ("strategy.update", target, "failure"),
        ("strategy.update", target, "success"),
        ("strategy.delete", target, "success"),
        ("strategy.delete", target, "failure"),
    ]
    first = audits()[0]
    assert (first["actor"], first["actor_role"]) == ("admin", "admin")
    assert first["record"].source_address == "testclient"


@pytest.fixture
def fast_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, **FAST)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        yield client


def test_session_controls_kill_switch_and_live_refusals_are_audited(
    fast_client: TestClient, audits: Audits
) -> None:
    client = fast_client
    admin = login(client, "admin", "correct horse battery staple")
    strategy_id = create_strategy(client, admin)
    sessions = f"/api/strategies/{strategy_id}/sessions"
    refused_live = client.post(sessions, json={"mode": "live"}, headers=admin)
    assert refused_live.status_code == 409
    first = client.post(sessions, json={}, headers=admin).json()["id"]
    for action in ("pause", "resume", "stop"):
        response = client.post(f"/api/sessions/{first}/{action}", headers=admin)
        assert response.status_code == 200, response.text
    assert client.post(f"/api/sessions/{first}/pause", headers=admin).status_code == 409
    second = client.post(sessions, json={}, headers=admin).json()["id"]
    assert client.post(f"/api/sessions/{second}/panic", headers=admin).status_code == 200
    trip = client.post("/api/kill-switch/trip", json={"reason": "drill"}, headers=admin)
    assert trip.status_code == 200
    assert client.post(sessions, json={}, headers=admin).status_code == 409
    assert client.post("/api/kill-switch/rearm", headers=admin).status_code == 200

    strategy = f"strategy:{strategy_id}"
    assert trail(audits, "session.") + trail(audits, "kill_switch.") + trail(
        audits, "live_trading."
    ) == [
        ("session.start", strategy, "success"),
        ("session.pause", f"session:{first}", "success"),
        ("session.resume", f"session:{first}", "success"),
        ("session.stop", f"session:{first}", "success"),
        ("session.pause", f"session:{first}", "refused"),
        ("session.start", strategy, "success"),
        ("session.panic", f"session:{second}", "success"),
        ("session.start", strategy, "refused"),
        ("kill_switch.trip", "kill_switch", "success"),
        ("kill_switch.rearm", "kill_switch", "success"),
        ("live_trading.refused", strategy, "refused"),
    ]
    assert {(a["actor"], a["actor_role"]) for a in audits()} == {("admin", "admin")}


def test_the_engine_trips_the_kill_switch_as_system(tmp_path: Path, audits: Audits) -> None:
    # Selling below mid and paying fees is a small loss at once: a 1-cent limit trips on it.
    settings = make_settings(tmp_path, KILL_SWITCH_DAILY_LOSS_LIMIT=0.01, **FAST)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        admin = login(client, "admin", "correct horse battery staple")
        strategy_id = create_strategy(client, admin)
        client.post(
            f"/api/strategies/{strategy_id}/sessions", json={"enter_now": True}, headers=admin
        )
        wait_for(lambda: client.get("/api/kill-switch", headers=admin).json()["tripped"])
    [tripped] = [a for a in audits() if a["action"] == "kill_switch.trip"]
    assert (tripped["actor"], tripped["actor_role"], tripped["outcome"]) == (
        None,
        "system",
        "success",
    )
    assert "daily loss limit" in tripped["record"].reason
    assert tripped["record"].sessions_closed == 1


PLAY_EVENT = {
    "action": "deploy",
    "actor": "ops@workstation",
    "target": "release:0123abc",
    "outcome": "success",
    "details": {"branch": "main", "duration_s": 42.5},
}


def test_the_play_records_audit_events_with_the_ingest_key_only(
    client: TestClient, auth_headers: dict[str, str], settings: Settings, audits: Audits
) -> None:
    key = {"X-API-Key": settings.LOG_INGEST_API_KEY}
    assert client.post("/api/audit/events", json=PLAY_EVENT).status_code == 401
    assert (
        client.post("/api/audit/events", json=PLAY_EVENT, headers=auth_headers).status_code == 401
    )
    wrong_key = {"X-API-Key": "not-the-key"}
    assert client.post("/api/audit/events", json=PLAY_EVENT, headers=wrong_key).status_code == 401
    assert audits() == []

    for bad in (
        {**PLAY_EVENT, "action": "user.create"},
        {**PLAY_EVENT, "outcome": "maybe"},
        {**PLAY_EVENT, "actor": ""},
        {**PLAY_EVENT, "details": {"Bad Name": 1}},
        {**PLAY_EVENT, "details": {"nested": {"a": 1}}},
    ):
        refused = client.post("/api/audit/events", json=bad, headers=key)
        assert refused.status_code == 422, bad

    recorded = client.post("/api/audit/events", json=PLAY_EVENT, headers=key)
    assert recorded.status_code == 201 and recorded.json() == {"recorded": True}
    [event] = audits()
    assert {f: event[f] for f in FIELDS} == {
        "action": "deploy",
        "actor": "ops@workstation",
        "actor_role": "operator",
        "target": "release:0123abc",
        "outcome": "success",
    }
    assert event["record"].source == "ansible"
    assert event["record"].details == {"branch": "main", "duration_s": 42.5}


def test_audit_rows_are_found_by_actor_in_the_log_store(
    client: TestClient, auth_headers: dict[str, str], settings: Settings
) -> None:
    configure_logging("INFO", settings.BACKEND_LOG_PATH, stdout=False)
    try:
        key = {"X-API-Key": settings.LOG_INGEST_API_KEY}
        failed = {**PLAY_EVENT, "action": "rollback_failed", "outcome": "failure"}
        assert client.post("/api/audit/events", json=failed, headers=key).status_code == 201
        create_strategy(client, auth_headers)
    finally:
        configure_logging("INFO", None, stdout=False)
    ingest_once(settings)
    response = client.get(
        "/api/logs", params={"event": "audit", "actor": "ops@workstation"}, headers=auth_headers
    )
    [row] = response.json()["items"]
    assert (row["actor"], row["level"]) == ("ops@workstation", "WARNING")
    assert row["payload"]["action"] == "rollback_failed"
    assert row["payload"]["source"] == "ansible"
    by_admin = client.get("/api/logs", params={"actor": "admin"}, headers=auth_headers).json()
    assert [r["payload"]["action"] for r in by_admin["items"]] == ["strategy.create"]
