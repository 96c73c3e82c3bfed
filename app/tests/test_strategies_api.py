from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient

from control_plane.db.migrate import current_revision, head_revision
from control_plane.settings import Settings


def valid_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "BTC daily 0.10-0.15",
        "underlying": "BTC",
        "expiry_rule": "nearest_daily",
        "strike_selection": {"kind": "delta", "low": 0.10, "high": 0.15},
        "quantity": 10,
        "entry_time": "09:30",
        "exit_time": "17:00",
        "timezone": "Asia/Kolkata",
        "max_loss_pct": 50,
        "max_profit_pct": 80,
        "trailing_stops": [
            {"trigger_pct": 60, "lock_pct": 40},
            {"trigger_pct": 30, "lock_pct": 10},
        ],
        "active": True,
    }
    body.update(overrides)
    return body


def messages(response: Any) -> str:
    assert response.status_code == 422, response.text
    return " | ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in response.json()["detail"]
    )


def test_migration_head_includes_strategies(settings: Settings) -> None:
    assert current_revision(settings) == head_revision(settings)
    with sqlite3.connect(settings.database_path) as conn:
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'strategies'")
        assert tables.fetchone() == (1,)


def test_create_get_list_update_delete(client: TestClient, auth_headers: dict[str, str]) -> None:
    created = client.post("/api/strategies", json=valid_body(), headers=auth_headers)
    assert created.status_code == 201, created.text
    strategy = created.json()
    assert strategy["entry_time"] == "09:30:00"
    assert strategy["strike_selection"] == {"kind": "delta", "low": 0.10, "high": 0.15}
    # Stored ordered by trigger, so the engine can walk them in order.
    assert [r["trigger_pct"] for r in strategy["trailing_stops"]] == [30, 60]
    url = f"/api/strategies/{strategy['id']}"
    assert client.get(url, headers=auth_headers).json() == strategy

    weekly = valid_body(
        name="ETH weekly premium",
        underlying="ETH",
        expiry_rule="2026-11-27",
        strike_selection={"kind": "premium", "low": 5, "high": 12.5},
        trailing_stops=[],
    )
    second = client.post("/api/strategies", json=weekly, headers=auth_headers)
    assert second.status_code == 201, second.text
    assert second.json()["expiry_rule"] == "2026-11-27"
    listed = client.get("/api/strategies", headers=auth_headers).json()
    assert [s["name"] for s in listed] == ["BTC daily 0.10-0.15", "ETH weekly premium"]

    replaced = client.put(url, json=valid_body(quantity=3, active=False), headers=auth_headers)
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["quantity"], replaced.json()["active"]) == (3, False)
    patched = client.patch(url, json={"active": True, "max_loss_pct": 120}, headers=auth_headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["active"] is True
    assert patched.json()["max_loss_pct"] == 120
    assert patched.json()["quantity"] == 3
    assert patched.json()["updated_at"] >= patched.json()["created_at"]

    assert client.delete(url, headers=auth_headers).status_code == 204
    assert client.get(url, headers=auth_headers).status_code == 404
    assert client.delete(url, headers=auth_headers).status_code == 404
    assert [s["name"] for s in client.get("/api/strategies", headers=auth_headers).json()] == [
        "ETH weekly premium"
    ]


def test_names_are_unique_regardless_of_case(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    first = client.post("/api/strategies", json=valid_body(name="Alpha"), headers=auth_headers)
    other = client.post("/api/strategies", json=valid_body(name="Beta"), headers=auth_headers)
    duplicate = client.post("/api/strategies", json=valid_body(name="ALPHA"), headers=auth_headers)
    assert duplicate.status_code == 409
    assert "already exists" in duplicate.json()["detail"]
    renamed = client.patch(
        f"/api/strategies/{other.json()['id']}", json={"name": "alpha"}, headers=auth_headers
    )
    assert renamed.status_code == 409
    assert (
        client.get(f"/api/strategies/{first.json()['id']}", headers=auth_headers).status_code == 200
    )
    assert (
        client.get(f"/api/strategies/{other.json()['id']}", headers=auth_headers).json()["name"]
        == "Beta"
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"underlying": "SOL"}, "underlying: Input should be 'BTC' or 'ETH'"),
        (
            {"expiry_rule": "monthly"},
            "expiry_rule: Value error, expiry_rule must be nearest_daily, nearest_weekly or a date",
        ),
        ({"expiry_rule": "2026-02-30"}, "or a date YYYY-MM-DD"),
        (
            {"strike_selection": {"kind": "delta", "low": 0.15, "high": 0.10}},
            "delta band low must be less than high",
        ),
        ({"strike_selection": {"kind": "delta", "low": 0.1, "high": 0.5}}, "less than 0.5"),
        ({"strike_selection": {"kind": "delta", "low": 0, "high": 0.2}}, "greater than 0"),
        (
            {"strike_selection": {"kind": "premium", "low": 10, "high": 10}},
            "premium band low must be less than high",
        ),
        ({"strike_selection": {"kind": "gamma", "low": 1, "high": 2}}, "strike_selection"),
        ({"quantity": 0}, "quantity: Input should be greater than 0"),
        ({"timezone": "Mars/Olympus"}, "unknown IANA time zone 'Mars/Olympus'"),
        ({"entry_time": "25:00"}, "entry_time"),
        ({"exit_time": "09:30"}, "entry_time and exit_time must differ"),
        ({"max_loss_pct": 0}, "max_loss_pct: Input should be greater than 0"),
        ({"max_profit_pct": -5}, "max_profit_pct: Input should be greater than 0"),
        ({"max_profit_pct": 150}, "max_profit_pct: Input should be less than or equal to 100"),
        (
            {"trailing_stops": [{"trigger_pct": 30, "lock_pct": 30}]},
            "lock_pct must be less than trigger_pct",
        ),
        (
            {
                "trailing_stops": [
                    {"trigger_pct": 30, "lock_pct": 5},
                    {"trigger_pct": 30, "lock_pct": 9},
                ]
            },
            "trigger_pct values must be distinct",
        ),
        ({"name": "   "}, "name must not be blank"),
        ({"leverage": 10}, "leverage: Extra inputs are not permitted"),
    ],
)
def test_invalid_configurations_get_clear_422(
    client: TestClient, auth_headers: dict[str, str], overrides: dict[str, Any], expected: str
) -> None:
    response = client.post("/api/strategies", json=valid_body(**overrides), headers=auth_headers)
    assert expected in messages(response)
    assert client.get("/api/strategies", headers=auth_headers).json() == []


def test_patch_validates_the_merged_configuration(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    created = client.post("/api/strategies", json=valid_body(), headers=auth_headers).json()
    url = f"/api/strategies/{created['id']}"
    response = client.patch(url, json={"entry_time": "17:00"}, headers=auth_headers)
    assert "entry_time and exit_time must differ" in messages(response)
    response = client.patch(url, json={"timezone": "Nowhere/Land"}, headers=auth_headers)
    assert "body.timezone: Value error, unknown IANA time zone" in messages(response)
    assert client.get(url, headers=auth_headers).json()["timezone"] == "Asia/Kolkata"
    assert client.patch("/api/strategies/999", json={}, headers=auth_headers).status_code == 404


def test_strategies_require_sign_in(client: TestClient) -> None:
    assert client.get("/api/strategies").status_code == 401
    assert client.post("/api/strategies", json=valid_body()).status_code == 401
    assert client.get("/api/strategies/1").status_code == 401
    assert client.put("/api/strategies/1", json=valid_body()).status_code == 401
    assert client.patch("/api/strategies/1", json={}).status_code == 401
    assert client.delete("/api/strategies/1").status_code == 401
