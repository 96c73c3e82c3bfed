"""Notifications, end to end against a real local HTTP receiver (tests/fakes/notify_receiver.py)
through Apprise's json:// channel: every app event class from the backend's own log lines, the
play's events from `control-plane notify`, and no secret in any message."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest
from fastapi.testclient import TestClient

from control_plane.cli import main
from control_plane.db.migrate import upgrade_to_head
from control_plane.disk_watch import DiskWatch
from control_plane.main import create_app
from control_plane.notifications.events import EVENTS, PLAY_EVENTS, RELAYED_EVENTS
from control_plane.notifications.sender import FAILED_EVENT, install, uninstall
from control_plane.sessions import store
from control_plane.sessions.ledger import interrupt
from control_plane.settings import ConfigurationError, Settings, load_settings
from control_plane.times import utc_now
from tests.conftest import login, make_settings
from tests.fakes.notify_receiver import Receiver, receiving
from tests.sessiontools import create_strategy, db, wait_for

HOST = "delta-test-host"
RELEASE = "0123456789abcdef0123456789abcdef01234567"
LINK_BASE = "https://control.example.org"
# TEST-ONLY values: the test asserts that none of them reaches a receiver.
SECRETS = {
    "JWT_SECRET": "notify-test-jwt-secret-6f1d2c3b4a5e6f708192a3b4c5d6e7f8",
    "LOG_INGEST_API_KEY": "notify-test-ingest-key-91b2c3d4",
    "ADMIN_PASSWORD": "notify-test-admin-password-7a8b",
    "DELTA_API_KEY": "notify-test-delta-key-0f1e2d",
    "DELTA_API_SECRET": "notify-test-delta-secret-3c4b5a",
    "OPS_API_TOKEN": "notify-test-ops-token-2d3e4f5a6b7c",
}
APP_EVENTS = sorted(set(EVENTS) - PLAY_EVENTS - RELAYED_EVENTS)


def notify_url(receiver: Receiver) -> str:
    host, port = receiver.server_address[:2]
    return f"json://{host}:{port}/notify/TEST-ONLY-channel-token-5e6f7a8b"


def notify_settings(tmp_path: Path, receiver: Receiver, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        **SECRETS,
        "NOTIFY_URLS": notify_url(receiver),
        "NOTIFY_HOST_NAME": HOST,
        "NOTIFY_LINK_BASE_URL": LINK_BASE,
        "GIT_SHA": RELEASE,
        "ENGINE_TICK_SECONDS": 0.05,
    }
    settings = make_settings(tmp_path, **(values | overrides))
    upgrade_to_head(settings)
    return settings


def received(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    """The bodies posted, once there are at least `count`."""
    wait_for(lambda: len(receiver.snapshot()) >= count, timeout=20)
    return [entry["body"] for entry in receiver.snapshot()]


def notified(receiver: Receiver, event: str) -> dict[str, Any]:
    """The one message of an event (the body names it: `event: <name>`)."""
    wait_for(lambda: any(f"event: {event}\n" in m["message"] for m in received(receiver, 1)))
    found = [m for m in received(receiver, 1) if f"event: {event}\n" in m["message"]]
    assert len(found) == 1, found
    return found[0]


def assert_describes(message: dict[str, Any], event: str) -> None:
    assert message["title"] == f"{EVENTS[event].title} on {HOST}"
    lines = message["message"].splitlines()
    assert f"host: {HOST}" in lines
    assert f"release: {RELEASE}" in lines
    prefix = "log viewer: "
    link = next(line.removeprefix(prefix) for line in lines if line.startswith(prefix))
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{LINK_BASE}/logs"
    query = parse_qs(parts.query)
    assert query["event"] in (["audit"], [event])
    assert query["start"][0].endswith("Z")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


@pytest.fixture
def notifying(tmp_path: Path, receiver: Receiver) -> Iterator[Settings]:
    """Settings whose app events notify the receiver, as `control-plane serve` installs it."""
    settings = notify_settings(tmp_path, receiver)
    handler = install(settings)
    assert handler is not None
    try:
        yield settings
    finally:
        uninstall(handler)


def test_every_app_event_class_notifies_from_the_backends_log_lines(
    notifying: Settings, receiver: Receiver
) -> None:
    settings = notifying
    with TestClient(create_app(settings)) as client:
        admin = login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
        strategy_id = create_strategy(client, admin)
        live = client.post(
            f"/api/strategies/{strategy_id}/sessions", json={"mode": "live"}, headers=admin
        )
        assert live.status_code == 409
        started = client.post(f"/api/strategies/{strategy_id}/sessions", json={}, headers=admin)
        assert started.status_code == 201, started.text
        with db(settings) as conn:
            session = store.load_session(conn, started.json()["id"])
            assert session is not None
            interrupt(conn, session, utc_now(), "a leg was left open on Delta")
        tripped = client.post("/api/kill-switch/trip", json={"reason": "drill"}, headers=admin)
        assert tripped.status_code == 200
    DiskWatch(settings.data_dir, min_free_bytes=2**62).check()
    # Part B's late exit, as its recovery logs it.
    logging.getLogger("control_plane.sessions").warning(
        "session exit carried out late",
        extra={
            "event": "session_exit_late",
            "session_id": 7,
            "due_at": "2026-12-02T10:00:00Z",
            "delay_seconds": 95.0,
        },
    )

    for event in APP_EVENTS:
        assert_describes(notified(receiver, event), event)
    refusal = notified(receiver, "live_trading_refused")["message"]
    assert "actor: admin" in refusal and "reason: live trading is off" in refusal
    assert notified(receiver, "kill_switch_tripped")["message"].startswith(
        "kill switch tripped: drill (by admin)\n"
    )
    assert f"session_id: {session.id}" in notified(receiver, "session_interrupted")["message"]
    assert "min_free_bytes: 4611686018427387904" in notified(receiver, "disk_low")["message"]
    late = notified(receiver, "session_exit_late")["message"]
    assert "delay_seconds: 95.0" in late and "due_at: 2026-12-02T10:00:00Z" in late
    assert notified(receiver, "kill_switch_tripped")["type"] == "failure"


def test_secrets_never_appear_in_a_message(notifying: Settings, receiver: Receiver) -> None:
    url = notify_url(receiver)
    everything = " ".join([*SECRETS.values(), url])
    logging.getLogger("control_plane.sessions").warning(
        "kill switch tripped with %s",
        everything,
        extra={"event": "kill_switch_tripped", "reason": f"token={SECRETS['JWT_SECRET']} {url}"},
    )
    fields = [f"detail=password: {SECRETS['ADMIN_PASSWORD']} key {SECRETS['DELTA_API_SECRET']}"]
    assert cli_notify(notifying, "backup_failed", f"failed {everything}", *fields) == 0

    messages = received(receiver, 2)
    assert len(messages) == 2
    for message in messages:
        text = orjson.dumps(message).decode()
        for secret in [*SECRETS.values(), url, "TEST-ONLY-channel-token"]:
            assert secret not in text
        assert "[REDACTED]" in message["message"]


def cli_notify(settings: Settings, event: str, summary: str, *fields: str) -> int:
    """`control-plane notify` with the settings given as the process environment."""
    with pytest.MonkeyPatch.context() as patch:
        names = (*SECRETS, "NOTIFY_URLS", "NOTIFY_HOST_NAME", "NOTIFY_LINK_BASE_URL", "GIT_SHA")
        for name in names:
            patch.setenv(name, str(getattr(settings, name)))
        patch.setenv("APP_ENV", "production")
        patch.setenv("DATABASE_URL", settings.DATABASE_URL)
        patch.setenv("BACKEND_LOG_PATH", str(settings.BACKEND_LOG_PATH))
        arguments = [item for field in fields for item in ("--field", field)]
        return main(["notify", event, "--summary", summary, *arguments])


def test_a_play_event_is_sent_and_logged_for_the_log_viewer_link(
    tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = notify_settings(tmp_path, receiver)
    summary = "deployed 0123456789ab"
    fields = ("to_sha=0123456789ab", "x=ignored")
    assert cli_notify(settings, "deploy_succeeded", summary, *fields) == 0
    assert capsys.readouterr().out.strip() == "deploy_succeeded: sent"

    message = notified(receiver, "deploy_succeeded")
    assert_describes(message, "deploy_succeeded")
    assert message["message"].splitlines()[0] == summary
    assert "to_sha: 0123456789ab" in message["message"]
    assert "x: ignored" not in message["message"]
    lines = [orjson.loads(line) for line in settings.BACKEND_LOG_PATH.read_text().splitlines()]
    assert [(line["event"], line["message"]) for line in lines] == [("deploy_succeeded", summary)]


def test_a_channel_that_does_not_answer_fails_the_cli_and_is_logged_by_the_server(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings = make_settings(tmp_path, NOTIFY_URLS=f"json://127.0.0.1:{closed_port}/notify")
    caplog.set_level(logging.WARNING, logger="control_plane.notifications")
    handler = install(settings)
    try:
        logging.getLogger("control_plane.disk").warning("low", extra={"event": "disk_low"})
    finally:
        uninstall(handler)
    failures = [r for r in caplog.records if r.__dict__.get("event") == FAILED_EVENT]
    assert [r.__dict__["notification"] for r in failures] == ["disk_low"]

    # The CLI (the play's and the timers' way) says so with its exit status.
    assert cli_notify(settings, "rollback_failed", "the rollback failed") == 1


def test_without_notify_urls_nothing_is_installed_or_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path)
    assert install(settings) is None
    assert cli_notify(settings, "secrets_rotated", "rotated") == 0
    assert "notifications are off" in capsys.readouterr().out


def test_a_bad_notify_url_is_refused_by_position_never_by_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NOTIFY_URLS", "json://ok.example/x, not-a-url-TOKEN123")
    with pytest.raises(ConfigurationError) as refused:
        load_settings()
    assert str(refused.value) == "NOTIFY_URLS: URL 2 is not an Apprise URL (scheme://...)"


def test_the_cli_refuses_an_unknown_event_and_a_malformed_field(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["notify", "deploy_exploded", "--summary", "x"])
    assert "invalid choice: 'deploy_exploded'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["notify", "deploy_succeeded", "--summary", "x", "--field", "Bad Key=1"])
    assert "a field is KEY=VALUE" in capsys.readouterr().err
