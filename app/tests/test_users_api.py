from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from control_plane.main import create_app
from control_plane.settings import Settings
from tests.audittools import AuditLog
from tests.conftest import login

ADMIN_PASSWORD = "correct horse battery staple"
VIEWER = {"username": "vera", "password": "viewer-password-1", "role": "viewer"}
STRATEGY = {
    "name": "BTC daily",
    "underlying": "BTC",
    "expiry_rule": "nearest_daily",
    "strike_selection": {"kind": "delta", "low": 0.1, "high": 0.15},
    "quantity": 10,
    "entry_time": "09:30",
    "exit_time": "17:00",
    "timezone": "Asia/Kolkata",
    "max_loss_pct": 50,
    "max_profit_pct": 80,
    "trailing_stops": [],
    "active": False,
}


@pytest.fixture
def viewer_headers(client: TestClient, auth_headers: dict[str, str]) -> dict[str, str]:
    assert client.post("/api/users", json=VIEWER, headers=auth_headers).status_code == 201
    return login(client, VIEWER["username"], VIEWER["password"])


def test_me_tells_the_role(
    client: TestClient, auth_headers: dict[str, str], viewer_headers: dict[str, str]
) -> None:
    assert client.get("/api/auth/me", headers=auth_headers).json() == {
        "username": "admin",
        "role": "admin",
    }
    assert client.get("/api/auth/me", headers=viewer_headers).json() == {
        "username": "vera",
        "role": "viewer",
    }


def test_admin_lists_and_creates_users(client: TestClient, auth_headers: dict[str, str]) -> None:
    created = client.post("/api/users", json=VIEWER, headers=auth_headers)
    assert created.status_code == 201
    body = created.json()
    assert (body["username"], body["role"], body["active"]) == ("vera", "viewer", True)
    assert body["active_sessions"] == 0
    assert body["created_at"].endswith("Z")
    login(client, "vera", VIEWER["password"])
    login(client, "vera", VIEWER["password"])
    listed = client.get("/api/users", headers=auth_headers).json()
    assert [(u["username"], u["role"], u["active"], u["active_sessions"]) for u in listed] == [
        ("admin", "admin", True, 1),
        ("vera", "viewer", True, 2),
    ]
    again = client.post("/api/users", json={**VIEWER, "username": "VERA"}, headers=auth_headers)
    assert again.status_code == 409
    short = client.post(
        "/api/users", json={**VIEWER, "username": "x", "password": "short"}, headers=auth_headers
    )
    assert short.status_code == 422
    bad_role = client.post(
        "/api/users", json={**VIEWER, "username": "y", "role": "root"}, headers=auth_headers
    )
    assert bad_role.status_code == 422


def test_viewer_reads_but_cannot_change_anything(
    client: TestClient, auth_headers: dict[str, str], viewer_headers: dict[str, str]
) -> None:
    strategy = client.post("/api/strategies", json=STRATEGY, headers=auth_headers).json()
    path = f"/api/strategies/{strategy['id']}"
    assert client.get("/api/strategies", headers=viewer_headers).status_code == 200
    assert client.get(path, headers=viewer_headers).status_code == 200
    refused = [
        client.post("/api/strategies", json={**STRATEGY, "name": "other"}, headers=viewer_headers),
        client.put(path, json=STRATEGY, headers=viewer_headers),
        client.patch(path, json={"quantity": 2}, headers=viewer_headers),
        client.delete(path, headers=viewer_headers),
        client.get("/api/users", headers=viewer_headers),
        client.post("/api/users", json={**VIEWER, "username": "z"}, headers=viewer_headers),
        client.patch("/api/users/admin", json={"active": False}, headers=viewer_headers),
        client.patch("/api/users/vera", json={"role": "admin"}, headers=viewer_headers),
        client.post(
            "/api/users/admin/password",
            json={"new_password": "taken-over-password"},
            headers=viewer_headers,
        ),
        client.post("/api/users/admin/revoke-sessions", headers=viewer_headers),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    backtest = client.post(
        f"{path}/backtest",
        json={"start": "2026-11-16T00:00:00Z", "days": 1, "step_minutes": 60},
        headers=viewer_headers,
    )
    assert backtest.status_code == 200
    assert client.get(path, headers=auth_headers).json()["quantity"] == 10
    assert client.get("/api/auth/me", headers=auth_headers).status_code == 200
    assert client.get("/api/auth/me", headers=viewer_headers).json()["role"] == "viewer"


def test_password_change_signs_out_older_tokens(
    client: TestClient, viewer_headers: dict[str, str]
) -> None:
    other_session = login(client, VIEWER["username"], VIEWER["password"])
    wrong = client.post(
        "/api/auth/password",
        json={"current_password": "not-it", "new_password": "a-new-password-1"},
        headers=viewer_headers,
    )
    assert wrong.status_code == 403
    too_short = client.post(
        "/api/auth/password",
        json={"current_password": VIEWER["password"], "new_password": "short"},
        headers=viewer_headers,
    )
    assert too_short.status_code == 422
    changed = client.post(
        "/api/auth/password",
        json={"current_password": VIEWER["password"], "new_password": "a-new-password-1"},
        headers=viewer_headers,
    )
    assert changed.status_code == 204
    for old in (viewer_headers, other_session):
        assert client.get("/api/auth/me", headers=old).status_code == 401
    old_password = client.post(
        "/api/auth/login", json={"username": "vera", "password": VIEWER["password"]}
    )
    assert old_password.status_code == 401
    fresh = login(client, "vera", "a-new-password-1")
    assert client.get("/api/auth/me", headers=fresh).json()["role"] == "viewer"


def test_password_change_needs_sign_in(client: TestClient) -> None:
    body = {"current_password": "x", "new_password": "a-new-password-1"}
    assert client.post("/api/auth/password", json=body).status_code == 401


def failed_login(client: TestClient, username: str = "admin") -> int:
    body = {"username": username, "password": "wrong password"}
    return client.post("/api/auth/login", json=body).status_code


def test_sixth_failure_in_a_minute_is_throttled_with_retry_after(
    client: TestClient, settings: Settings
) -> None:
    assert [failed_login(client) for _ in range(5)] == [401] * 5
    throttled = client.post(
        "/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert throttled.status_code == 429
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    # Another name from the same address, and the same name from another address, still work.
    assert failed_login(client, "someone-else") == 401
    with TestClient(create_app(settings), client=("203.0.113.9", 4000)) as elsewhere:
        assert login(elsewhere, "admin", ADMIN_PASSWORD)


@pytest.fixture
def two_addresses(settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    app = create_app(settings)
    with (
        TestClient(app, client=("198.51.100.1", 1000)) as first,
        TestClient(app, client=("198.51.100.2", 1000)) as second,
    ):
        yield first, second


def test_a_success_elsewhere_does_not_clear_a_throttled_pair(
    two_addresses: tuple[TestClient, TestClient],
) -> None:
    attacker, owner = two_addresses
    assert [failed_login(attacker) for _ in range(5)] == [401] * 5
    login(owner, "admin", ADMIN_PASSWORD)
    assert failed_login(attacker) == 429


def test_password_spraying_is_held_back_per_address_across_usernames(
    two_addresses: tuple[TestClient, TestClient], audit_log: AuditLog
) -> None:
    sprayer, owner = two_addresses
    # One failure per name stays under the per-name limit; the address limit is 20 in 10 min.
    assert [failed_login(sprayer, f"user{n}") for n in range(19)] == [401] * 19
    # A success from the sprayer does not wipe the address's count.
    login(sprayer, "admin", ADMIN_PASSWORD)
    assert failed_login(sprayer, "user19") == 401
    throttled = sprayer.post(
        "/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
    )
    assert throttled.status_code == 429
    assert 60 < int(throttled.headers["Retry-After"]) <= 600
    assert "try again in" in throttled.json()["detail"]
    assert failed_login(sprayer, "user20") == 429
    # The same names from another address are not held back.
    assert failed_login(owner, "user0") == 401
    assert login(owner, "admin", ADMIN_PASSWORD)
    refused = [e for e in audit_log.events("auth.sign_in") if e["outcome"] == "refused"]
    assert [(e["actor"], e["source_address"]) for e in refused] == [
        ("admin", "198.51.100.1"),
        ("user20", "198.51.100.1"),
    ]
