"""GET /api/logs checks its session on the plain read connections (api.deps.SignedInReader):
every server-side revocation refuses the very next request there too, as on /api/auth/me."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from control_plane.api.deps import SignedInReader, User
from control_plane.db.read_connections import ReadConnections
from control_plane.security import issue_token, read_token_claims
from control_plane.settings import Settings
from tests.conftest import bearer, sign_in


def logs(client: TestClient, tokens: dict[str, Any]) -> int:
    return client.get("/api/logs", headers=bearer(tokens["access_token"])).status_code


def session_id(tokens: dict[str, Any]) -> str:
    sid: str = jwt.decode(tokens["access_token"], options={"verify_signature": False})["sid"]
    return sid


def write(settings: Settings, sql: str, *params: Any) -> None:
    conn = sqlite3.connect(settings.database_path)
    with conn:
        conn.execute(sql, params)
    conn.close()


def sign_out(client: TestClient, _settings: Settings, tokens: dict[str, Any]) -> None:
    out = client.post("/api/auth/logout", headers=bearer(tokens["access_token"]))
    assert out.status_code == 204


def change_password(client: TestClient, settings: Settings, tokens: dict[str, Any]) -> None:
    changed = client.post(
        "/api/auth/password",
        json={"current_password": settings.ADMIN_PASSWORD, "new_password": "another-password-9"},
        headers=bearer(tokens["access_token"]),
    )
    assert changed.status_code == 204


def deactivate(_client: TestClient, settings: Settings, _tokens: dict[str, Any]) -> None:
    write(settings, "UPDATE users SET deactivated_at = 1 WHERE username = 'admin'")


def expire_session(_client: TestClient, settings: Settings, tokens: dict[str, Any]) -> None:
    write(settings, "UPDATE auth_sessions SET expires_at_us = 1 WHERE id = ?", session_id(tokens))


def password_written_elsewhere(_client: TestClient, settings: Settings, _t: dict[str, Any]) -> None:
    write(settings, "UPDATE users SET password_changed_at = 9223372036854775807")


@pytest.mark.parametrize(
    "revoke",
    [sign_out, change_password, deactivate, expire_session, password_written_elsewhere],
)
def test_a_revoked_session_is_refused_on_the_next_page_request(
    client: TestClient,
    settings: Settings,
    revoke: Callable[[TestClient, Settings, dict[str, Any]], None],
) -> None:
    tokens = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    assert logs(client, tokens) == 200
    revoke(client, settings, tokens)
    refused = client.get("/api/logs", headers=bearer(tokens["access_token"]))
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    # Before a bad cursor is looked at, too.
    assert (
        client.get(
            "/api/logs", params={"cursor": "!!"}, headers=bearer(tokens["access_token"])
        ).status_code
        == 401
    )


def test_forged_expired_and_missing_tokens_are_refused(
    client: TestClient, settings: Settings
) -> None:
    tokens = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    sid = session_id(tokens)
    forged = issue_token("admin", sid, "another-secret-0123456789abcdef012345", 60).token
    expired = issue_token("admin", sid, settings.JWT_SECRET, 60, now=1_000_000).token
    other_subject = issue_token("viewer-x", sid, settings.JWT_SECRET, 60).token
    for token in (forged, expired, other_subject, "not-a-token"):
        assert client.get("/api/logs", headers=bearer(token)).status_code == 401
    assert client.get("/api/logs").status_code == 401
    assert client.get("/api/logs", params={"cursor": "!!"}).status_code == 401
    assert logs(client, tokens) == 200
    assert (
        client.get(
            "/api/logs", params={"cursor": "!!"}, headers=bearer(tokens["access_token"])
        ).status_code
        == 400
    )


def test_the_reader_sees_the_role_as_stored_now(client: TestClient, settings: Settings) -> None:
    tokens = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    claims = read_token_claims(tokens["access_token"], settings.JWT_SECRET)
    assert claims is not None
    connections = ReadConnections(settings.database_path, readers=1)

    def role_now() -> str:
        reader = SignedInReader(claims, connections)
        user: User = asyncio.run(reader.run(lambda _conn, user: user))
        return user.role

    try:
        assert role_now() == "admin"
        write(settings, "UPDATE users SET role = 'viewer' WHERE username = 'admin'")
        assert role_now() == "viewer"
    finally:
        connections.close()


def test_read_connections_cannot_write(settings: Settings) -> None:
    connections = ReadConnections(settings.database_path, readers=1)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            asyncio.run(connections.run(lambda conn: conn.execute("DELETE FROM users")))
    finally:
        connections.close()


def test_read_connections_open_anew_after_close(settings: Settings) -> None:
    # An app's lifespans may overlap: one ending must not leave the other without readers.
    connections = ReadConnections(settings.database_path, readers=1)
    answer = "SELECT 42"
    try:
        assert asyncio.run(connections.run(lambda conn: conn.execute(answer).fetchone()[0])) == 42
        connections.close()
        assert asyncio.run(connections.run(lambda conn: conn.execute(answer).fetchone()[0])) == 42
    finally:
        connections.close()
