from __future__ import annotations

import sqlite3

import jwt
from fastapi.testclient import TestClient

from control_plane.main import create_app
from control_plane.security import issue_token
from control_plane.settings import Settings
from tests.conftest import bearer, sign_in


def test_login_issues_a_token_that_opens_log_endpoints(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    assert client.get("/api/auth/me", headers=auth_headers).json() == {
        "username": "admin",
        "role": "admin",
    }
    assert client.get("/api/logs", headers=auth_headers).status_code == 200


def test_admin_password_is_stored_as_argon2_hash(client: TestClient, settings: Settings) -> None:
    conn = sqlite3.connect(settings.database_path)
    (stored,) = conn.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchone()
    assert stored.startswith("$argon2")
    assert settings.ADMIN_PASSWORD not in stored


def test_wrong_password_and_unknown_user_are_refused(client: TestClient) -> None:
    for body in ({"username": "admin", "password": "nope"}, {"username": "x", "password": "y"}):
        assert client.post("/api/auth/login", json=body).status_code == 401


def test_log_endpoints_require_sign_in_but_health_and_metrics_do_not(client: TestClient) -> None:
    for path in ("/api/logs", "/api/logs/facets", "/api/logs/1/context"):
        assert client.get(path).status_code == 401
    assert client.get("/api/health").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_expired_forged_sessionless_and_wrong_subject_tokens_are_refused(
    client: TestClient, settings: Settings
) -> None:
    signed_in = sign_in(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    session_id = jwt.decode(signed_in["access_token"], options={"verify_signature": False})["sid"]
    secret = settings.JWT_SECRET
    expired = issue_token("admin", session_id, secret, 60, now=1_000_000).token
    forged = issue_token("admin", session_id, "another-secret-entirely-0123456789", 600).token
    stranger = issue_token("mallory", session_id, secret, 600).token
    unknown_session = issue_token("admin", "0" * 32, secret, 600).token
    no_session = jwt.encode({"sub": "admin", "iat_us": 1, "exp": 2**40}, secret, "HS256")
    for token in (expired, forged, stranger, unknown_session, no_session, "not-a-jwt"):
        response = client.get("/api/logs", headers=bearer(token))
        assert response.status_code == 401
    # The session itself is still good: a token issued for it now is accepted.
    fresh = issue_token("admin", session_id, secret, 600).token
    assert client.get("/api/logs", headers=bearer(fresh)).status_code == 200


def test_bootstrap_admin_is_an_admin_again_after_a_restart(
    client: TestClient, auth_headers: dict[str, str], settings: Settings
) -> None:
    conn = sqlite3.connect(settings.database_path)
    with conn:
        conn.execute("UPDATE users SET role = 'viewer' WHERE username = 'admin'")
    conn.close()
    assert client.get("/api/users", headers=auth_headers).status_code == 403
    with TestClient(create_app(settings)) as restarted:
        assert restarted.get("/api/users", headers=auth_headers).status_code == 200
