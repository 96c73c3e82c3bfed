"""Admins manage users: role, deactivation, password reset, revoking sessions; each audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from control_plane.main import create_app
from control_plane.settings import Settings
from tests.audittools import AuditLog
from tests.conftest import bearer, login, sign_in

VIEWER = {"username": "vera", "password": "viewer-password-1", "role": "viewer"}
SECOND_ADMIN = {"username": "alba", "password": "second-admin-password", "role": "admin"}


@pytest.fixture
def vera(client: TestClient, auth_headers: dict[str, str]) -> dict[str, Any]:
    assert client.post("/api/users", json=VIEWER, headers=auth_headers).status_code == 201
    return sign_in(client, VIEWER["username"], VIEWER["password"])


def listed(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {u["username"]: u for u in client.get("/api/users", headers=headers).json()}


def patch(client: TestClient, headers: dict[str, str], username: str, **body: Any) -> Any:
    return client.patch(f"/api/users/{username}", json=body, headers=headers)


def me(client: TestClient, tokens: dict[str, Any]) -> int:
    return client.get("/api/auth/me", headers=bearer(tokens["access_token"])).status_code


def test_role_change_applies_on_the_next_request_and_is_audited(
    client: TestClient, auth_headers: dict[str, str], vera: dict[str, Any], audit_log: AuditLog
) -> None:
    vera_headers = bearer(vera["access_token"])
    assert client.get("/api/users", headers=vera_headers).status_code == 403
    promoted = patch(client, auth_headers, "vera", role="admin")
    assert promoted.status_code == 200
    assert {k: promoted.json()[k] for k in ("username", "role", "active", "active_sessions")} == {
        "username": "vera",
        "role": "admin",
        "active": True,
        "active_sessions": 1,
    }
    assert client.get("/api/users", headers=vera_headers).status_code == 200
    assert patch(client, auth_headers, "vera", role="viewer").json()["role"] == "viewer"
    assert client.get("/api/users", headers=vera_headers).status_code == 403
    events = audit_log.events("user.role_change")
    assert [(e["actor"], e["target"], e["role"], e["previous_role"]) for e in events] == [
        ("admin", "user:vera", "admin", "viewer"),
        ("admin", "user:vera", "viewer", "admin"),
    ]


def test_deactivation_refuses_every_request_and_sign_in_until_reactivated(
    client: TestClient, auth_headers: dict[str, str], vera: dict[str, Any], audit_log: AuditLog
) -> None:
    other = sign_in(client, VIEWER["username"], VIEWER["password"])
    deactivated = patch(client, auth_headers, "vera", active=False)
    assert deactivated.status_code == 200
    assert (deactivated.json()["active"], deactivated.json()["active_sessions"]) == (False, 0)
    for tokens in (vera, other):
        assert me(client, tokens) == 401
        refreshed = client.post(
            "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 401
    refused = client.post(
        "/api/auth/login", json={"username": "vera", "password": VIEWER["password"]}
    )
    wrong = client.post("/api/auth/login", json={"username": "vera", "password": "wrong-one"})
    assert (refused.status_code, refused.json()) == (wrong.status_code, wrong.json())
    assert listed(client, auth_headers)["vera"]["active"] is False

    assert patch(client, auth_headers, "vera", active=True).json()["active"] is True
    assert me(client, vera) == 401  # reactivation does not bring old sessions back
    assert me(client, sign_in(client, "vera", VIEWER["password"])) == 200
    assert [
        (e["action"], e["actor"], e["target"])
        for e in audit_log.events()
        if e["action"].startswith("user.")
    ] == [
        ("user.deactivate", "admin", "user:vera"),
        ("user.reactivate", "admin", "user:vera"),
    ]
    (deactivation,) = audit_log.events("user.deactivate")
    assert deactivation["revoked_sessions"] == 2
    failures = [e for e in audit_log.events("auth.sign_in") if e["outcome"] == "failure"]
    assert [(e["actor"], e["reason"]) for e in failures] == [
        ("vera", "deactivated"),
        ("vera", "wrong password"),
    ]


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(
    client: TestClient, auth_headers: dict[str, str], audit_log: AuditLog
) -> None:
    assert patch(client, auth_headers, "admin", role="viewer").status_code == 409
    assert patch(client, auth_headers, "admin", active=False).status_code == 409
    assert client.post("/api/users", json=SECOND_ADMIN, headers=auth_headers).status_code == 201
    alba = login(client, SECOND_ADMIN["username"], SECOND_ADMIN["password"])
    # Nobody deactivates themself, even with another admin around.
    yourself = patch(client, auth_headers, "admin", active=False)
    assert (yourself.status_code, yourself.json()["detail"]) == (
        409,
        "you cannot deactivate yourself",
    )
    assert patch(client, alba, "admin", active=False).status_code == 200
    # alba is now the only active admin.
    assert patch(client, alba, "alba", role="viewer").status_code == 409
    assert patch(client, alba, "admin", active=True).status_code == 200
    demoted_self = patch(client, alba, "alba", role="viewer")
    assert demoted_self.status_code == 200
    assert client.get("/api/users", headers=alba).status_code == 403
    refusals = [e for e in audit_log.events() if e["outcome"] == "refused"]
    assert [(e["action"], e["actor"], e["target"]) for e in refusals] == [
        ("user.role_change", "admin", "user:admin"),
        ("user.deactivate", "admin", "user:admin"),
        ("user.deactivate", "admin", "user:admin"),
        ("user.role_change", "alba", "user:alba"),
    ]


def test_a_deactivated_admin_does_not_count_as_the_remaining_admin(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    assert client.post("/api/users", json=SECOND_ADMIN, headers=auth_headers).status_code == 201
    assert patch(client, auth_headers, "alba", active=False).status_code == 200
    assert patch(client, auth_headers, "admin", role="viewer").status_code == 409
    assert listed(client, auth_headers)["admin"]["role"] == "admin"


def test_admin_password_reset_revokes_the_users_sessions(
    client: TestClient, auth_headers: dict[str, str], vera: dict[str, Any], audit_log: AuditLog
) -> None:
    reset = client.post(
        "/api/users/vera/password",
        json={"new_password": "set-by-the-admin-1"},
        headers=auth_headers,
    )
    assert reset.status_code == 204
    assert me(client, vera) == 401
    old = client.post("/api/auth/login", json={"username": "vera", "password": VIEWER["password"]})
    assert old.status_code == 401
    assert me(client, sign_in(client, "vera", "set-by-the-admin-1")) == 200
    short = client.post(
        "/api/users/vera/password", json={"new_password": "short"}, headers=auth_headers
    )
    assert short.status_code == 422
    (event,) = audit_log.events("user.password_reset")
    assert (event["actor"], event["target"], event["revoked_sessions"]) == (
        "admin",
        "user:vera",
        1,
    )
    assert not any("set-by-the-admin-1" in line for line in audit_log.lines())


def test_revoke_sessions_ends_every_session_of_the_user_and_counts_them(
    client: TestClient, auth_headers: dict[str, str], vera: dict[str, Any], audit_log: AuditLog
) -> None:
    other = sign_in(client, VIEWER["username"], VIEWER["password"])
    revoked = client.post("/api/users/vera/revoke-sessions", headers=auth_headers)
    assert (revoked.status_code, revoked.json()) == (200, {"revoked": 2})
    assert me(client, vera) == 401 and me(client, other) == 401
    assert client.get("/api/auth/me", headers=auth_headers).status_code == 200
    again = client.post("/api/users/vera/revoke-sessions", headers=auth_headers)
    assert again.json() == {"revoked": 0}
    assert listed(client, auth_headers)["vera"]["active_sessions"] == 0
    events = audit_log.events("user.revoke_sessions")
    assert [(e["actor"], e["target"], e["revoked_sessions"]) for e in events] == [
        ("admin", "user:vera", 2),
        ("admin", "user:vera", 0),
    ]


def test_unknown_users_are_404_on_every_route_and_audited(
    client: TestClient, auth_headers: dict[str, str], audit_log: AuditLog
) -> None:
    answers = [
        patch(client, auth_headers, "ghost", role="admin"),
        patch(client, auth_headers, "ghost", active=False),
        patch(client, auth_headers, "ghost", active=True),
        client.post(
            "/api/users/ghost/password",
            json={"new_password": "whatever-password"},
            headers=auth_headers,
        ),
        client.post("/api/users/ghost/revoke-sessions", headers=auth_headers),
    ]
    assert [a.status_code for a in answers] == [404] * 5
    assert [(e["action"], e["outcome"], e["target"]) for e in audit_log.events()[-5:]] == [
        ("user.role_change", "failure", "user:ghost"),
        ("user.deactivate", "failure", "user:ghost"),
        ("user.reactivate", "failure", "user:ghost"),
        ("user.password_reset", "failure", "user:ghost"),
        ("user.revoke_sessions", "failure", "user:ghost"),
    ]


@pytest.mark.parametrize("body", [{}, {"role": "root"}, {"active": "maybe"}, {"name": "x"}])
def test_a_patch_must_change_role_or_active(
    client: TestClient, auth_headers: dict[str, str], vera: dict[str, Any], body: dict[str, Any]
) -> None:
    assert patch(client, auth_headers, "vera", **body).status_code == 422


def test_create_is_audited_and_a_duplicate_is_a_refusal(
    client: TestClient, auth_headers: dict[str, str], audit_log: AuditLog
) -> None:
    assert client.post("/api/users", json=VIEWER, headers=auth_headers).status_code == 201
    dupe = client.post("/api/users", json={**VIEWER, "username": "VERA"}, headers=auth_headers)
    assert dupe.status_code == 409
    events = audit_log.events("user.create")
    assert [(e["actor"], e["target"], e["outcome"], e.get("role")) for e in events] == [
        ("admin", "user:vera", "success", "viewer"),
        ("admin", "user:VERA", "refused", None),
    ]
    assert not any(VIEWER["password"] in line for line in audit_log.lines())


def test_a_restart_keeps_the_bootstrap_admins_deactivation(
    client: TestClient, auth_headers: dict[str, str], settings: Settings
) -> None:
    assert client.post("/api/users", json=SECOND_ADMIN, headers=auth_headers).status_code == 201
    alba = login(client, SECOND_ADMIN["username"], SECOND_ADMIN["password"])
    assert patch(client, alba, "admin", active=False).status_code == 200
    with TestClient(create_app(settings)) as restarted:
        refused = restarted.post(
            "/api/auth/login",
            json={"username": "admin", "password": settings.ADMIN_PASSWORD},
        )
        assert refused.status_code == 401
        assert listed(restarted, alba)["admin"]["role"] == "admin"
