"""WS /ws/updates on the real app: authenticated by its first message, never by its URL; a
snapshot, then session, fill and kill switch messages; closed with 4401 once its auth session
stops being valid."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from control_plane.api import updates
from control_plane.db.migrate import upgrade_to_head
from control_plane.main import create_app
from control_plane.security import issue_token
from control_plane.settings import Settings
from tests.conftest import bearer, login, make_settings, sign_in
from tests.servers import serve_in_thread
from tests.sessiontools import create_strategy

# Only keeps a broken server from hanging the suite; nothing waits this long when it works.
HANG_GUARD_SECONDS = 30


def test_snapshot_then_pushes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, ENGINE_TICK_SECONDS=0.05, WS_UPDATE_INTERVAL_SECONDS=0.05)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        headers = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        token = headers["Authorization"].removeprefix("Bearer ")
        strategy_id = create_strategy(client, headers)
        with client.websocket_connect("/ws/updates") as ws:
            ws.send_json({"type": "auth", "token": token})
            snapshot = ws.receive_json()
            assert snapshot["type"] == "snapshot" and snapshot["sessions"] == []
            assert snapshot["kill_switch"]["tripped"] is False
            started = client.post(
                f"/api/strategies/{strategy_id}/sessions",
                json={"enter_now": True},
                headers=headers,
            ).json()
            seen: list[dict[str, Any]] = []
            while (
                not {"session", "fill"} <= {m["type"] for m in seen}
                or len([m for m in seen if m["type"] == "fill"]) < 2
            ):
                seen.append(ws.receive_json())
            sessions = [m["session"] for m in seen if m["type"] == "session"]
            assert all(s["id"] == started["id"] for s in sessions)
            fills = [m for m in seen if m["type"] == "fill"]
            assert {f["fill"]["option_type"] for f in fills} == {"call", "put"}
            assert all(f["session_id"] == started["id"] for f in fills)
            assert {f["fill"]["side"] for f in fills} == {"sell"}
            assert set(fills[0]["fill"]) == {
                "id",
                "time",
                "option_type",
                "strike",
                "side",
                "price",
                "contracts",
                "fee",
            }
            # The day's PnL follows the open position's marks without a trip or re-arm.
            while (message := ws.receive_json())["type"] != "kill_switch":
                pass
            assert message["kill_switch"]["tripped"] is False
            assert message["kill_switch"]["day_pnl"] < 0  # entry fees and slippage so far
            client.post("/api/kill-switch/trip", json={"reason": "ws"}, headers=headers)
            while not (message := ws.receive_json()).get("kill_switch", {}).get("tripped"):
                pass
            assert message["type"] == "kill_switch"
            assert message["kill_switch"]["reason"] == "ws (by admin)"


def closed_with_4401(client: TestClient, first_message: str | bytes | None) -> None:
    with (
        client.websocket_connect("/ws/updates") as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        if isinstance(first_message, bytes):
            ws.send_bytes(first_message)
        elif first_message is not None:
            ws.send_text(first_message)
        ws.receive_json()
    assert closed.value.code == 4401


@pytest.mark.parametrize(
    "token", ["", "not-a-jwt", "forged", "unknown session", "wrong subject", "expired"]
)
def test_a_bad_token_in_the_first_message_is_closed_with_4401(
    client: TestClient, settings: Settings, token: str
) -> None:
    signed_in = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    session_id = jwt.decode(signed_in["access_token"], options={"verify_signature": False})["sid"]
    made = {
        "forged": lambda: issue_token(
            "admin", session_id, "some-other-secret-0123456789abcdef", 600
        ),
        "unknown session": lambda: issue_token("admin", "f" * 32, settings.JWT_SECRET, 600),
        "wrong subject": lambda: issue_token("ghost", session_id, settings.JWT_SECRET, 600),
        "expired": lambda: issue_token("admin", session_id, settings.JWT_SECRET, 60, now=1_000_000),
    }
    if token in made:
        token = made[token]().token
    closed_with_4401(client, json.dumps({"type": "auth", "token": token}))


@pytest.mark.parametrize(
    "first_message",
    [
        "not json",
        json.dumps({"type": "hello", "token": "x"}),
        json.dumps({"type": "auth"}),
        b"\x00",
    ],
)
def test_a_first_message_that_is_not_an_auth_message_is_closed_with_4401(
    client: TestClient, first_message: str | bytes
) -> None:
    closed_with_4401(client, first_message)


def test_a_token_in_the_url_is_never_accepted(
    client: TestClient, auth_headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = auth_headers["Authorization"].removeprefix("Bearer ")
    monkeypatch.setattr(updates, "AUTH_MESSAGE_TIMEOUT_SECONDS", 0.2)
    for first_message in (None, json.dumps({"type": "auth", "token": "not-a-jwt"})):
        with (
            client.websocket_connect(f"/ws/updates?token={token}") as ws,
            pytest.raises(WebSocketDisconnect) as closed,
        ):
            if first_message is not None:
                ws.send_text(first_message)
            ws.receive_json()
        assert closed.value.code == 4401


def test_no_auth_message_in_time_is_closed_with_4401(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(updates, "AUTH_MESSAGE_TIMEOUT_SECONDS", 0.2)
    closed_with_4401(client, None)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    """The app under a real uvicorn, its updates pushed every 50 ms."""
    settings = make_settings(tmp_path, WS_UPDATE_INTERVAL_SECONDS=0.05, ENGINE_ENABLED=False)
    upgrade_to_head(settings)
    with serve_in_thread(create_app(settings), access_log=True) as url:
        yield settings, url


@contextmanager
def open_updates(url: str, access_token: str) -> Iterator[ClientConnection]:
    ws_url = url.replace("http://", "ws://") + "/ws/updates"
    with connect(ws_url, open_timeout=HANG_GUARD_SECONDS) as ws:
        ws.send(json.dumps({"type": "auth", "token": access_token}))
        assert json.loads(ws.recv(timeout=HANG_GUARD_SECONDS))["type"] == "snapshot"
        yield ws


def close_code(ws: ClientConnection) -> int:
    """Reads until the server closes the socket; its close code."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            ws.recv(timeout=HANG_GUARD_SECONDS)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def revoke_by_logout(http: httpx.Client, tokens: dict[str, Any], _settings: Settings) -> None:
    assert http.post("/api/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204


def revoke_by_admin(http: httpx.Client, _tokens: dict[str, Any], settings: Settings) -> None:
    admin = login(http, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    revoked = http.post("/api/users/vera/revoke-sessions", headers=admin)
    assert revoked.json() == {"revoked": 1}


def deactivate(http: httpx.Client, _tokens: dict[str, Any], settings: Settings) -> None:
    admin = login(http, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    assert http.patch("/api/users/vera", json={"active": False}, headers=admin).status_code == 200


def expire(_http: httpx.Client, tokens: dict[str, Any], settings: Settings) -> None:
    session_id = jwt.decode(tokens["access_token"], options={"verify_signature": False})["sid"]
    conn = sqlite3.connect(settings.database_path)
    with conn:
        conn.execute("UPDATE auth_sessions SET expires_at_us = 1 WHERE id = ?", (session_id,))
    conn.close()


def change_password(http: httpx.Client, tokens: dict[str, Any], _settings: Settings) -> None:
    changed = http.post(
        "/api/auth/password",
        json={"current_password": "viewer-password-1", "new_password": "another-password-2"},
        headers=bearer(tokens["access_token"]),
    )
    assert changed.status_code == 204


@pytest.mark.parametrize(
    "end_session", [revoke_by_logout, revoke_by_admin, deactivate, expire, change_password]
)
def test_the_socket_closes_with_4401_once_its_session_ends(
    served: tuple[Settings, str], end_session: Any
) -> None:
    settings, url = served
    with httpx.Client(base_url=url) as http:
        admin = login(http, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        viewer = {"username": "vera", "password": "viewer-password-1", "role": "viewer"}
        assert http.post("/api/users", json=viewer, headers=admin).status_code == 201
        tokens = sign_in(http, "vera", "viewer-password-1")
        admin_token = admin["Authorization"].removeprefix("Bearer ")
        with open_updates(url, admin_token) as admin_ws:
            with open_updates(url, tokens["access_token"]) as ws:
                end_session(http, tokens, settings)
                assert close_code(ws) == 4401
            # Another user's socket stays open and keeps receiving.
            tripped = http.post(
                "/api/kill-switch/trip", json={"reason": "still here"}, headers=admin
            )
            assert tripped.status_code == 200
            while json.loads(admin_ws.recv(timeout=HANG_GUARD_SECONDS))["type"] != "kill_switch":
                pass


def test_the_token_never_reaches_the_servers_log(
    served: tuple[Settings, str], caplog: pytest.LogCaptureFixture
) -> None:
    settings, url = served
    caplog.set_level(logging.DEBUG)
    with httpx.Client(base_url=url) as http:
        tokens = sign_in(http, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        with open_updates(url, tokens["access_token"]):
            pass
        assert http.get("/api/auth/me", headers=bearer(tokens["access_token"])).status_code == 200
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/ws/updates" in logged  # uvicorn did log the socket's request line
    assert tokens["access_token"] not in logged
    assert tokens["refresh_token"] not in logged


def test_a_client_leaving_before_its_auth_message_leaves_no_error(
    served: tuple[Settings, str], caplog: pytest.LogCaptureFixture
) -> None:
    _settings, url = served
    with connect(url.replace("http://", "ws://") + "/ws/updates") as ws:
        ws.close()
    with httpx.Client(base_url=url) as http:  # a request after it: the server is still fine
        assert http.get("/api/health").status_code == 200
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
