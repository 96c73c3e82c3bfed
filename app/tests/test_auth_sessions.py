"""Auth sessions on the real app and a real SQLite file: short access tokens, refresh with
rotation and reuse detection, sign-out, absolute expiry, all refused on the next request."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from control_plane.db.migrate import upgrade_to_head
from control_plane.main import create_app
from control_plane.security import issue_token
from control_plane.settings import Settings
from tests.audittools import AuditLog
from tests.conftest import bearer, make_settings, sign_in


def claims(access_token: str) -> dict[str, Any]:
    return jwt.decode(access_token, options={"verify_signature": False})


def me(client: TestClient, tokens: dict[str, Any]) -> int:
    return client.get("/api/auth/me", headers=bearer(tokens["access_token"])).status_code


def refresh(client: TestClient, refresh_token: str) -> Any:
    return client.post("/api/auth/refresh", json={"refresh_token": refresh_token})


@pytest.fixture
def admin(client: TestClient, settings: Settings) -> dict[str, Any]:
    return sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)


def test_login_answers_a_short_access_token_bound_to_a_session_and_a_refresh_token(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path, ACCESS_TOKEN_MINUTES=3, SESSION_MAX_HOURS=2)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        tokens = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    assert set(tokens) == {
        "access_token",
        "token_type",
        "expires_at",
        "refresh_token",
        "refresh_expires_at",
    }
    assert tokens["token_type"] == "bearer"
    access = claims(tokens["access_token"])
    assert access["sub"] == "admin"
    assert access["exp"] == tokens["expires_at"] == access["iat"] + 3 * 60
    # The session starts within the same second as the token is issued.
    assert tokens["refresh_expires_at"] - access["iat"] in (2 * 3600, 2 * 3600 + 1)
    assert tokens["refresh_token"].startswith(access["sid"] + ".")
    conn = sqlite3.connect(settings.database_path)
    row = conn.execute(
        "SELECT username, refresh_token_hash, revoked_at_us, source_address, expires_at_us"
        " FROM auth_sessions WHERE id = ?",
        (access["sid"],),
    ).fetchone()
    assert row[0] == "admin"
    assert tokens["refresh_token"] not in row[1]  # only its hash is stored
    assert (row[2], row[3]) == (None, "testclient")
    assert row[4] // 1_000_000 == tokens["refresh_expires_at"]


def test_an_access_token_never_outlives_its_session(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, ACCESS_TOKEN_MINUTES=60, SESSION_MAX_HOURS=1)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        tokens = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    assert tokens["expires_at"] <= tokens["refresh_expires_at"]


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_session(
    client: TestClient, admin: dict[str, Any], audit_log: AuditLog
) -> None:
    first = refresh(client, admin["refresh_token"])
    assert first.status_code == 200
    renewed = first.json()
    assert renewed["refresh_token"] != admin["refresh_token"]
    assert claims(renewed["access_token"])["sid"] == claims(admin["access_token"])["sid"]
    assert renewed["refresh_expires_at"] == admin["refresh_expires_at"]
    assert me(client, renewed) == 200
    second = refresh(client, renewed["refresh_token"])
    assert second.status_code == 200
    latest = second.json()

    # The first refresh token comes back: someone kept a copy. The whole session ends.
    reused = refresh(client, admin["refresh_token"])
    assert reused.status_code == 401
    assert me(client, latest) == 401
    assert me(client, renewed) == 401
    assert refresh(client, latest["refresh_token"]).status_code == 401
    (event,) = audit_log.events("auth.refresh")
    assert event["outcome"] == "failure"
    assert (event["actor"], event["target"]) == ("admin", "user:admin")
    assert event["auth_session"] == claims(admin["access_token"])["sid"]
    assert admin["refresh_token"] not in "".join(audit_log.lines())


@pytest.mark.parametrize(
    "refresh_token",
    ["", "no-dot", "0123.abc", "0" * 32 + ".made-up", "A" * 32 + ".x", "x" * 300],
)
def test_malformed_or_unknown_refresh_tokens_are_refused(
    client: TestClient, admin: dict[str, Any], refresh_token: str
) -> None:
    assert refresh(client, refresh_token).status_code in (401, 422)
    assert me(client, admin) == 200  # another session's tokens are untouched


def test_refresh_needs_the_refresh_token_not_an_access_token(
    client: TestClient, admin: dict[str, Any]
) -> None:
    assert refresh(client, admin["access_token"]).status_code == 401
    assert client.post("/api/auth/refresh", headers=bearer(admin["access_token"])).status_code == (
        422
    )


def test_logout_revokes_the_presented_session_only_at_once(
    client: TestClient, settings: Settings, admin: dict[str, Any], audit_log: AuditLog
) -> None:
    other = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    assert client.post("/api/auth/logout").status_code == 401
    out = client.post("/api/auth/logout", headers=bearer(admin["access_token"]))
    assert out.status_code == 204
    assert me(client, admin) == 401
    assert refresh(client, admin["refresh_token"]).status_code == 401
    assert client.post("/api/auth/logout", headers=bearer(admin["access_token"])).status_code == (
        401
    )
    assert me(client, other) == 200
    (event,) = audit_log.events("auth.sign_out")
    assert (event["actor"], event["actor_role"], event["outcome"]) == ("admin", "admin", "success")
    conn = sqlite3.connect(settings.database_path)
    reason = conn.execute(
        "SELECT revoked_reason FROM auth_sessions WHERE id = ?",
        (claims(admin["access_token"])["sid"],),
    ).fetchone()
    assert reason == ("signed out",)


def test_a_session_past_its_absolute_end_is_refused_on_the_next_request(
    client: TestClient, settings: Settings, admin: dict[str, Any]
) -> None:
    assert me(client, admin) == 200
    conn = sqlite3.connect(settings.database_path)
    with conn:
        conn.execute(
            "UPDATE auth_sessions SET expires_at_us = 1 WHERE id = ?",
            (claims(admin["access_token"])["sid"],),
        )
    assert me(client, admin) == 401
    assert refresh(client, admin["refresh_token"]).status_code == 401


def test_an_expired_access_token_is_refused_but_its_session_refreshes(
    client: TestClient, settings: Settings, admin: dict[str, Any]
) -> None:
    session_id = claims(admin["access_token"])["sid"]
    expired = issue_token("admin", session_id, settings.JWT_SECRET, 60, now=1_000_000).token
    assert client.get("/api/auth/me", headers=bearer(expired)).status_code == 401
    assert refresh(client, admin["refresh_token"]).status_code == 200


def test_password_change_revokes_every_session_and_refresh_token(
    client: TestClient, settings: Settings, admin: dict[str, Any], audit_log: AuditLog
) -> None:
    other = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    new_password = "a-brand-new-admin-password"
    changed = client.post(
        "/api/auth/password",
        json={"current_password": settings.ADMIN_PASSWORD, "new_password": new_password},
        headers=bearer(admin["access_token"]),
    )
    assert changed.status_code == 204
    for tokens in (admin, other):
        assert me(client, tokens) == 401
        assert refresh(client, tokens["refresh_token"]).status_code == 401
    assert me(client, sign_in(client, "admin", new_password)) == 200
    (event,) = audit_log.events("auth.password_change")
    assert (event["actor"], event["outcome"], event["revoked_sessions"]) == ("admin", "success", 2)
    assert not any(
        secret in line
        for line in audit_log.lines()
        for secret in (new_password, settings.ADMIN_PASSWORD)
    )


def test_a_wrong_current_password_is_audited_as_a_failure(
    client: TestClient, admin: dict[str, Any], audit_log: AuditLog
) -> None:
    wrong = client.post(
        "/api/auth/password",
        json={"current_password": "not-it", "new_password": "a-brand-new-admin-password"},
        headers=bearer(admin["access_token"]),
    )
    assert wrong.status_code == 403
    assert me(client, admin) == 200
    (event,) = audit_log.events("auth.password_change")
    assert (event["actor"], event["actor_role"], event["outcome"]) == ("admin", "admin", "failure")


def test_sign_in_success_and_failure_are_audited_without_the_password(
    client: TestClient, settings: Settings, audit_log: AuditLog
) -> None:
    sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    for username in ("admin", "nobody"):
        body = {"username": username, "password": "a wrong guess"}
        assert client.post("/api/auth/login", json=body).status_code == 401
    events = audit_log.events("auth.sign_in")
    assert [(e["actor"], e["actor_role"], e["outcome"], e["target"]) for e in events] == [
        ("admin", "admin", "success", "user:admin"),
        ("admin", None, "failure", "user:admin"),
        ("nobody", None, "failure", "user:nobody"),
    ]
    assert all(e["source_address"] == "testclient" for e in events)
    assert [e.get("reason") for e in events[1:]] == ["wrong password", "unknown user"]
    assert not any(
        secret in line
        for line in audit_log.lines()
        for secret in (settings.ADMIN_PASSWORD, "a wrong guess")
    )


def test_a_deactivated_account_is_refused_even_with_a_session_left_unrevoked(
    client: TestClient, settings: Settings, admin: dict[str, Any]
) -> None:
    # As a sign-in racing a deactivation could leave it: the account's state is checked too.
    conn = sqlite3.connect(settings.database_path)
    with conn:
        conn.execute("UPDATE users SET deactivated_at = 1 WHERE username = 'admin'")
    assert me(client, admin) == 401
    assert refresh(client, admin["refresh_token"]).status_code == 401
    with conn:
        conn.execute("UPDATE users SET deactivated_at = NULL WHERE username = 'admin'")
    assert me(client, admin) == 200


def test_a_token_issued_before_the_last_password_change_is_refused(
    client: TestClient, settings: Settings, admin: dict[str, Any]
) -> None:
    # As a password written by another process without revoking: the token's age is checked.
    issued_us = claims(admin["access_token"])["iat_us"]
    conn = sqlite3.connect(settings.database_path)
    with conn:
        conn.execute("UPDATE users SET password_changed_at = ?", (issued_us + 1,))
    assert me(client, admin) == 401
    renewed = refresh(client, admin["refresh_token"])
    assert renewed.status_code == 200  # the session was not revoked: a new token is younger
    assert me(client, renewed.json()) == 200
