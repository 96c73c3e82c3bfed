"""WS /ws/updates on the real app: a snapshot, then session, fill and kill switch messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from control_plane.db.migrate import upgrade_to_head
from control_plane.main import create_app
from control_plane.security import issue_token
from tests.conftest import login, make_settings
from tests.sessiontools import create_strategy


def test_snapshot_then_pushes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, ENGINE_TICK_SECONDS=0.05, WS_UPDATE_INTERVAL_SECONDS=0.05)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        headers = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        token = headers["Authorization"].removeprefix("Bearer ")
        strategy_id = create_strategy(client, headers)
        with client.websocket_connect(f"/ws/updates?token={token}") as ws:
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


@pytest.mark.parametrize("token", ["", "not-a-jwt", "forged", "unknown user"])
def test_bad_token_is_closed_with_4401(tmp_path: Path, token: str) -> None:
    settings = make_settings(tmp_path)
    upgrade_to_head(settings)
    if token == "forged":
        token = issue_token("admin", "some-other-secret-0123456789abcdef", 600).token
    if token == "unknown user":
        token = issue_token("ghost", settings.JWT_SECRET, 600).token
    with (
        TestClient(create_app(settings)) as client,
        client.websocket_connect(f"/ws/updates?token={token}") as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_json()
    assert closed.value.code == 4401
