"""Browser log batches cannot forge server rows: entries are stamped with the signed-in user
and source "ui", fenced to `ui.*` events at levels up to ERROR, and audit events are refused
for every credential (issue 13, "logs nobody can forge")."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from control_plane.settings import Settings
from tests.conftest import login

VIEWER = {"username": "vera", "password": "viewer-password-1", "role": "viewer"}


@pytest.fixture
def viewer_headers(client: TestClient, auth_headers: dict[str, str]) -> dict[str, str]:
    assert client.post("/api/users", json=VIEWER, headers=auth_headers).status_code == 201
    return login(client, VIEWER["username"], VIEWER["password"])


def post_batch(client: TestClient, headers: dict[str, str], *entries: dict):
    return client.post("/api/logs/batch", json={"entries": list(entries)}, headers=headers)


def rows(client: TestClient, headers: dict[str, str], **params: object) -> list[dict]:
    response = client.get("/api/logs", params={"limit": 1000, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_viewers_entries_are_stamped_with_the_viewer_and_source_ui(
    client: TestClient, auth_headers: dict[str, str], viewer_headers: dict[str, str]
) -> None:
    claimed = {"actor": "admin", "actor_role": "admin", "source": "backend", "page": "/logs"}
    response = post_batch(
        client,
        viewer_headers,
        {"message": "chart failed", "level": "error", "event": "ui.chart_failed", **claimed},
        {"message": "no event given"},
    )
    assert response.status_code == 200, response.text
    stored = rows(client, auth_headers, source="ui")
    assert {(r["event"], r["source"], r["actor"]) for r in stored} == {
        ("ui.chart_failed", "ui", "vera"),
        ("ui.log", "ui", "vera"),
    }
    failed = next(r for r in stored if r["event"] == "ui.chart_failed")
    assert failed["payload"]["actor_role"] == "viewer"
    assert failed["payload"]["page"] == "/logs"
    assert rows(client, auth_headers, actor="vera", source="frontend") == stored
    assert rows(client, auth_headers, actor="admin", source="ui") == []


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"event": "kill_switch_tripped", "level": "CRITICAL"}, "event"),
        ({"event": "kill_switch_tripped"}, "event"),
        ({"event": "audit", "action": "user.create", "actor": "admin"}, "event"),
        ({"event": "audit.user_create"}, "event"),
        ({"event": "ui."}, "event"),
        ({"event": "ui.crash", "level": "CRITICAL"}, "level"),
        ({"event": "ui.crash", "level": "fatal"}, "level"),
    ],
)
def test_a_viewer_cannot_write_server_events_audit_rows_or_critical(
    client: TestClient,
    auth_headers: dict[str, str],
    viewer_headers: dict[str, str],
    entry: dict,
    field: str,
) -> None:
    response = post_batch(
        client, viewer_headers, {"message": "fine", "event": "ui.ok"}, {"message": "x", **entry}
    )
    assert response.status_code == 422, response.text
    [problem] = response.json()["detail"]["invalid_entries"]
    assert problem["index"] == 1
    assert field in {error["field"] for error in problem["errors"]}
    assert rows(client, auth_headers, source="ui") == []


def test_the_ingest_key_writes_source_ingest_but_never_audit(
    client: TestClient, auth_headers: dict[str, str], settings: Settings
) -> None:
    key = {"X-API-Key": settings.LOG_INGEST_API_KEY}
    refused = post_batch(client, key, {"message": "forged", "event": "audit", "actor": "admin"})
    assert refused.status_code == 422
    accepted = post_batch(client, key, {"message": "from a script", "event": "tool.note"})
    assert accepted.status_code == 200, accepted.text
    [row] = rows(client, auth_headers, source="ingest")
    assert (row["event"], row["actor"]) == ("tool.note", None)
    assert rows(client, auth_headers, event="audit") == []


def test_batch_rows_are_scrubbed_like_logged_lines(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    response = post_batch(
        client,
        auth_headers,
        {
            "message": "GET /ws/updates?token=abc123secret\n2026-12-01 CRITICAL fake \x1b[31m",
            "event": "ui.ws",
            "refresh_token": "r-secret",
        },
    )
    assert response.status_code == 200, response.text
    [row] = rows(client, auth_headers, source="ui")
    assert "abc123secret" not in row["message"]
    assert "\n" not in row["message"] and "\x1b" not in row["message"]
    assert "\\n2026-12-01 CRITICAL fake \\x1b[31m" in row["message"]
    assert row["payload"]["refresh_token"] == "[REDACTED]"
