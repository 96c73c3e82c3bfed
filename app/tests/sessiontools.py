"""Helpers shared by the session tests: strategies, sessions, waiting on the engine."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from control_plane.settings import Settings
from tests.polling import poll


def strategy_body(**overrides: Any) -> dict[str, Any]:
    """A strategy that can open now, whenever the test runs: the window opened two hours ago
    and closes in 22 hours, and the expiry is three days away."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "name": "BTC session test",
        "underlying": "BTC",
        "expiry_rule": (now + timedelta(days=3)).date().isoformat(),
        "strike_selection": {"kind": "delta", "low": 0.10, "high": 0.15},
        "quantity": 10,
        "entry_time": (now - timedelta(hours=2)).strftime("%H:%M"),
        "exit_time": (now - timedelta(hours=1, minutes=59)).strftime("%H:%M"),
        "timezone": "UTC",
        "max_loss_pct": 1000,
        "max_profit_pct": 100,
        "trailing_stops": [],
        "active": False,
    }
    body.update(overrides)
    return body


def create_strategy(client: TestClient, headers: dict[str, str], **overrides: Any) -> int:
    response = client.post("/api/strategies", json=strategy_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def wait_for(condition: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05) -> Any:
    value = poll(condition, timeout=timeout, interval=interval)
    if not value:
        raise AssertionError("condition not met in time")
    return value


def session_json(client: TestClient, headers: dict[str, str], session_id: int) -> dict[str, Any]:
    response = client.get(f"/api/sessions/{session_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def wait_for_position(
    client: TestClient, headers: dict[str, str], session_id: int
) -> dict[str, Any]:
    return wait_for(
        lambda: (s := session_json(client, headers, session_id))["position"] is not None and s
    )


def db(settings: Settings) -> sqlite3.Connection:
    conn = sqlite3.connect(settings.database_path)
    conn.row_factory = sqlite3.Row
    return conn
