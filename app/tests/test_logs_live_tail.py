"""The Log Viewer's live tail on WS /ws/updates, on the real app and a real SQLite file: rows
the tailer ingests are pushed to a subscribed socket, filtered, each once, without a gap."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from control_plane.logs import live_tail
from control_plane.logs.one_shot import ingest_once
from control_plane.main import create_app
from control_plane.settings import Settings
from tests.conftest import login
from tests.logtools import append, json_line


@pytest.fixture
def fast_settings(settings: Settings) -> Settings:
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    return settings.model_copy(update={"WS_UPDATE_INTERVAL_SECONDS": 0.05})


def ingest(settings: Settings, *lines: str) -> None:
    append(settings.BACKEND_LOG_PATH, lines)
    assert ingest_once(settings) == len(lines)


def newest_id(settings: Settings) -> int:
    conn = sqlite3.connect(settings.database_path)
    try:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM backend_logs").fetchone()[0])
    finally:
        conn.close()


def next_of(ws: WebSocketTestSession, kind: str) -> dict[str, Any]:
    """The next message of this type; the feed's session and kill switch messages pass by."""
    while (message := ws.receive_json())["type"] != kind:
        pass
    return message


def open_socket(client: TestClient, settings: Settings) -> Any:
    headers = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
    ws = client.websocket_connect("/ws/updates")
    session = ws.__enter__()
    session.send_json({"type": "auth", "token": headers["Authorization"].removeprefix("Bearer ")})
    assert session.receive_json()["type"] == "snapshot"
    return ws, session


def test_pushes_new_matching_rows_once_in_order(fast_settings: Settings) -> None:
    ingest(fast_settings, json_line("before the viewer opened", level="ERROR"))
    with TestClient(create_app(fast_settings)) as client:
        ws, session = open_socket(client, fast_settings)
        try:
            watermark = newest_id(fast_settings)
            session.send_json(
                {
                    "type": "logs_subscribe",
                    "after_id": watermark,
                    "filters": {"level": ["ERROR"], "q": "boom"},
                }
            )
            assert next_of(session, "logs_subscribed")["after_id"] == watermark
            ingest(
                fast_settings,
                json_line("first boom", level="ERROR"),
                json_line("quiet boom", level="INFO"),
                json_line("no match here", level="ERROR"),
                json_line("payload only", level="ERROR", detail="BOOM in the payload"),
            )
            pushed = next_of(session, "logs")["items"]
            assert [row["message"] for row in pushed] == ["first boom", "payload only"]
            assert pushed[0]["id"] < pushed[1]["id"]
            ingest(fast_settings, json_line("second boom", level="ERROR"))
            # Only the new row: the earlier ones are not sent again.
            assert [row["message"] for row in next_of(session, "logs")["items"]] == ["second boom"]
        finally:
            ws.__exit__(None, None, None)


def test_pushes_only_rows_the_field_filters_keep(fast_settings: Settings) -> None:
    with TestClient(create_app(fast_settings)) as client:
        ws, session = open_socket(client, fast_settings)
        try:
            session.send_json(
                {
                    "type": "logs_subscribe",
                    "after_id": newest_id(fast_settings),
                    "filters": {"where": ["level!=debug", "payload.venue=delta"]},
                }
            )
            next_of(session, "logs_subscribed")
            ingest(
                fast_settings,
                json_line("kept", level="INFO", venue="delta"),
                json_line("debug dropped", level="DEBUG", venue="delta"),
                json_line("paper dropped", level="INFO", venue="paper"),
            )
            assert [row["message"] for row in next_of(session, "logs")["items"]] == ["kept"]
        finally:
            ws.__exit__(None, None, None)


def test_a_resubscription_after_an_id_gets_everything_since(fast_settings: Settings) -> None:
    """What a reconnect or a changed filter does: nothing between the two is lost."""
    ingest(fast_settings, json_line("seen"))
    seen = newest_id(fast_settings)
    ingest(fast_settings, json_line("missed 1"), json_line("missed 2"))
    with TestClient(create_app(fast_settings)) as client:
        ws, session = open_socket(client, fast_settings)
        try:
            session.send_json({"type": "logs_subscribe", "after_id": seen})
            next_of(session, "logs_subscribed")
            assert [row["message"] for row in next_of(session, "logs")["items"]] == [
                "missed 1",
                "missed 2",
            ]
        finally:
            ws.__exit__(None, None, None)


def test_a_burst_is_pushed_in_bounded_messages_without_gaps(
    fast_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live_tail, "MAX_ROWS_PER_PUSH", 3)
    with TestClient(create_app(fast_settings)) as client:
        ws, session = open_socket(client, fast_settings)
        try:
            session.send_json({"type": "logs_subscribe", "after_id": newest_id(fast_settings)})
            next_of(session, "logs_subscribed")
            ingest(fast_settings, *(json_line(f"burst {i}") for i in range(8)))
            received: list[str] = []
            while len(received) < 8:
                items = next_of(session, "logs")["items"]
                assert len(items) <= 3
                received += [row["message"] for row in items]
            assert received == [f"burst {i}" for i in range(8)]
        finally:
            ws.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("message", "detail"),
    [
        ({"type": "logs_subscribe", "filters": {"level": ["LOUD"]}}, "filters.level.0"),
        ({"type": "logs_subscribe", "after_id": -1}, "after_id"),
        ({"type": "logs_subscribe", "filters": {"colour": "red"}}, "filters.colour"),
        ({"type": "logs_subscribe", "filters": {"source": "mars"}}, "filters.source"),
        ({"type": "logs_subscribe", "filters": {"where": ["colour=red"]}}, "filters.where"),
    ],
)
def test_a_bad_subscription_is_answered_with_an_error(
    fast_settings: Settings, message: dict[str, Any], detail: str
) -> None:
    with TestClient(create_app(fast_settings)) as client:
        ws, session = open_socket(client, fast_settings)
        try:
            session.send_json(message)
            assert next_of(session, "error")["detail"].startswith(detail)
        finally:
            ws.__exit__(None, None, None)


def test_unsubscribed_sockets_get_no_rows(fast_settings: Settings) -> None:
    with TestClient(create_app(fast_settings)) as client:
        ws, session = open_socket(client, fast_settings)
        try:
            session.send_json({"type": "logs_subscribe", "after_id": newest_id(fast_settings)})
            next_of(session, "logs_subscribed")
            session.send_json({"type": "logs_unsubscribe"})
            ingest(fast_settings, json_line("after unsubscribing"))
            session.send_json({"type": "logs_subscribe", "filters": {"q": "marker"}})
            # A fresh subscription without an id starts at the newest row: the row ingested
            # while unsubscribed is not pushed, only what comes after.
            next_of(session, "logs_subscribed")
            ingest(fast_settings, json_line("marker"))
            assert [row["message"] for row in next_of(session, "logs")["items"]] == ["marker"]
        finally:
            ws.__exit__(None, None, None)


def test_a_viewer_with_no_rows_gets_every_matching_row_and_a_long_gap_is_named(
    fast_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """after_id 0 (an empty page): every matching row is new to it, but no more than the
    backlog is replayed; the rest is reported as skipped, for the viewer to refresh."""
    monkeypatch.setattr(live_tail, "MAX_BACKLOG_ROWS", 3)
    ingest(fast_settings, *(json_line(f"early {i}") for i in range(5)))
    with TestClient(create_app(fast_settings)) as client:
        ws, session = open_socket(client, fast_settings)
        try:
            session.send_json({"type": "logs_subscribe", "after_id": 0})
            started = next_of(session, "logs_subscribed")
            assert started == {"type": "logs_subscribed", "after_id": 2, "skipped_ids": 2}
            assert [row["message"] for row in next_of(session, "logs")["items"]] == [
                "early 2",
                "early 3",
                "early 4",
            ]
        finally:
            ws.__exit__(None, None, None)
