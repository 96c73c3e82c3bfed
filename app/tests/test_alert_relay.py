"""The alert relay (monitoring profile): Alertmanager's webhook payloads in, one notification per
alert out through Apprise to a real local receiver; callers without the token are refused, a
channel that does not take an alert makes Alertmanager send it again, bad payloads are refused."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from control_plane.cli import main
from control_plane.notifications.alert_relay import MAX_ALERTS_PER_POST, create_relay
from control_plane.notifications.sender import NotificationSender
from control_plane.settings import Settings
from tests.conftest import make_settings
from tests.fakes.notify_receiver import Receiver, receiving
from tests.test_notifications import HOST, RELEASE, SECRETS, assert_describes, notify_url

TOKEN = "TEST-ONLY-alert-relay-token-0a1b2c3d4e5f"


def alert(name: str, status: str = "firing", **annotations: str) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": name, "severity": "critical", "instance": HOST, "job": "backend"},
        "annotations": annotations,
        "startsAt": "2026-12-04T18:00:00.000Z",
        "endsAt": "2026-12-04T18:05:00.000Z" if status == "resolved" else "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up",
        "fingerprint": "c0ffee",
    }


def group(*alerts: dict[str, Any]) -> dict[str, Any]:
    """Alertmanager's webhook body (version 4), as it posts a group."""
    return {
        "version": "4",
        "groupKey": "{}:{}",
        "truncatedAlerts": 0,
        "status": alerts[0]["status"],
        "receiver": "operators",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts),
    }


def relay_settings(tmp_path: Path, urls: str) -> Settings:
    return make_settings(
        tmp_path,
        **SECRETS,
        NOTIFY_URLS=urls,
        NOTIFY_HOST_NAME=HOST,
        NOTIFY_LINK_BASE_URL="https://control.example.org",
        GIT_SHA=RELEASE,
        ALERT_RELAY_TOKEN=TOKEN,
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


@pytest.fixture
def relay(tmp_path: Path, receiver: Receiver) -> TestClient:
    settings = relay_settings(tmp_path, notify_url(receiver))
    return TestClient(create_relay(settings, NotificationSender(settings)))


def post(client: TestClient, body: Any, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post("/alerts", json=body, headers=headers)


def test_each_alert_of_a_group_is_one_notification(relay: TestClient, receiver: Receiver) -> None:
    answer = post(
        relay,
        group(
            alert("BackendDown", summary="The backend does not answer /metrics", description="d1"),
            alert("KillSwitchTripped", summary="The kill switch is tripped"),
        ),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"sent": 2}
    messages = [entry["body"] for entry in receiver.snapshot()]
    assert len(messages) == 2
    first = messages[0]
    assert_describes(first, "alert_firing")
    assert first["type"] == "failure"
    lines = first["message"].splitlines()
    assert lines[0] == "BackendDown: The backend does not answer /metrics"
    assert "alertname: BackendDown" in lines
    assert "severity: critical" in lines
    assert "description: d1" in lines
    assert messages[1]["message"].startswith("KillSwitchTripped: The kill switch is tripped")


def test_a_resolved_alert_says_so(relay: TestClient, receiver: Receiver) -> None:
    answer = post(relay, group(alert("BackendDown", "resolved", summary="back")))
    assert answer.status_code == 200, answer.text
    (message,) = [entry["body"] for entry in receiver.snapshot()]
    assert_describes(message, "alert_resolved")
    assert message["type"] == "success"
    assert "ended_at: 2026-12-04T18:05:00+00:00" in message["message"].splitlines()


@pytest.mark.parametrize("token", [None, "", "wrong-token", TOKEN + "x"])
def test_a_caller_without_the_token_is_refused(
    relay: TestClient, receiver: Receiver, token: str | None
) -> None:
    answer = post(relay, group(alert("BackendDown")), token=token)
    assert answer.status_code == 401
    assert receiver.snapshot() == []


@pytest.mark.parametrize(
    "body",
    [
        {"version": "4", "status": "firing", "alerts": []},
        {"version": "3", "status": "firing", "alerts": [alert("A")]},
        {"version": "4", "status": "firing", "alerts": [alert("A")] * (MAX_ALERTS_PER_POST + 1)},
        {"version": "4", "status": "firing", "alerts": [{**alert("A"), "status": "pending"}]},
        "not an object",
    ],
    ids=["no alerts", "old version", "too many", "unknown status", "not json object"],
)
def test_a_payload_that_is_not_alertmanagers_is_refused(
    relay: TestClient, receiver: Receiver, body: Any
) -> None:
    answer = post(relay, body)
    assert answer.status_code == 422
    assert receiver.snapshot() == []


def test_a_channel_that_does_not_take_the_alert_makes_alertmanager_retry(tmp_path: Path) -> None:
    # A port nothing listens on: the json:// channel cannot deliver.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = relay_settings(tmp_path, f"json://127.0.0.1:{port}/closed")
    client = TestClient(create_relay(settings, NotificationSender(settings)))
    answer = post(client, group(alert("BackendDown")))
    assert answer.status_code == 502
    assert answer.json() == {"detail": "1 alerts not sent"}


def test_the_relay_refuses_to_start_without_its_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/db.sqlite")
    monkeypatch.delenv("ALERT_RELAY_TOKEN", raising=False)
    assert main(["alert-relay", "--port", "0"]) == 2
    assert "ALERT_RELAY_TOKEN is not set" in capsys.readouterr().err
