from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from control_plane.logs.one_shot import ingest_once
from control_plane.settings import Settings
from tests.logtools import append

BASE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def stamp(seconds: int) -> str:
    return (
        (BASE + timedelta(seconds=seconds))
        .isoformat(timespec="microseconds")
        .replace("+00:00", "Z")
    )


@pytest.fixture
def seeded(settings: Settings) -> list[dict]:
    """120 lines over two hours: levels, events and request ids vary; one line is not JSON."""
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    documents = []
    for i in range(120):
        documents.append(
            {
                "ts": stamp(i * 60),
                "level": ["INFO", "WARNING", "ERROR"][i % 3],
                "logger": "control_plane.orders" if i % 2 else "control_plane.market",
                "event": "order_placed" if i % 4 == 0 else "tick",
                "message": f"order {i} filled at strike {24000 + i}" if i % 4 == 0 else f"tick {i}",
                "correlation_id": f"req-{i // 3}",
                "strategy_id": "strangle-1",
                "qty": i,
            }
        )
    append(settings.BACKEND_LOG_PATH, [json.dumps(d) for d in documents] + ["garbage line"])
    assert ingest_once(settings) == 121
    return documents


def get(client: TestClient, headers: dict[str, str], **params: object) -> dict:
    response = client.get("/api/logs", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_newest_first_and_fields(client: TestClient, auth_headers, seeded) -> None:
    page = get(client, auth_headers, source="backend", level=["INFO", "WARNING", "ERROR"])
    first = page["items"][0]
    assert first["message"] == "tick 119"
    assert first["ts"] == stamp(119 * 60)
    assert first["payload"] == {"qty": 119}
    assert first["correlation_id"] == "req-39"
    timestamps = [item["ts"] for item in page["items"]]
    assert timestamps == sorted(timestamps, reverse=True)


@pytest.mark.parametrize(("query", "expected"), [({}, 121), ({"q": "tick"}, 90)])
def test_keyset_pagination_visits_every_row_once(
    client: TestClient, auth_headers, seeded, query, expected
) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 7, **query}
        if cursor:
            params["cursor"] = cursor
        page = get(client, auth_headers, **params)
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": ["ERROR"]}, 40),
        ({"level": ["ERROR", "WARNING"]}, 80),
        ({"event": "order_placed"}, 30),
        ({"logger": "control_plane.orders"}, 60),
        ({"correlation_id": "req-5"}, 3),
        ({"start": stamp(0), "end": stamp(3600)}, 60),
        ({"q": "filled strike"}, 30),
        ({"q": "garbage"}, 1),
        ({"source": "frontend"}, 0),
        ({"level": ["ERROR"], "event": "order_placed"}, 10),
    ],
)
def test_filters(client: TestClient, auth_headers, seeded, params, expected) -> None:
    page = get(client, auth_headers, limit=1000, **params)
    assert len(page["items"]) == expected


def test_text_search_input_with_fts_syntax_does_not_break(
    client: TestClient, auth_headers, seeded
) -> None:
    assert len(get(client, auth_headers, q='filled" (* strike', limit=1000)["items"]) == 30


def test_limit_bounds_and_bad_cursor(client: TestClient, auth_headers, seeded) -> None:
    assert client.get("/api/logs?limit=1001", headers=auth_headers).status_code == 422
    assert client.get("/api/logs?cursor=@@@", headers=auth_headers).status_code == 400


def test_context_returns_neighbours_in_time_order(client: TestClient, auth_headers, seeded) -> None:
    target = get(client, auth_headers, q="strike 24040")["items"][0]
    response = client.get(
        f"/api/logs/{target['id']}/context", params={"before": 2, "after": 3}, headers=auth_headers
    )
    body = response.json()
    assert [e["message"] for e in body["before"]] == ["tick 38", "tick 39"]
    assert body["entry"]["id"] == target["id"]
    assert [e["message"] for e in body["after"]] == ["tick 41", "tick 42", "tick 43"]
    assert client.get("/api/logs/999999/context", headers=auth_headers).status_code == 404


def test_facets_count_levels_and_events(client: TestClient, auth_headers, seeded) -> None:
    body = client.get("/api/logs/facets", headers=auth_headers).json()
    assert {f["value"]: f["count"] for f in body["levels"]} == {
        "ERROR": 40,
        "INFO": 40,
        "WARNING": 40,
        "UNKNOWN": 1,
    }
    events = {f["value"]: f["count"] for f in body["events"]}
    assert events["order_placed"] == 30 and events["tick"] == 90


def batch(entries: list[dict]) -> dict:
    return {"entries": entries}


def test_batch_with_api_key_is_stored_as_ingest_and_searchable(
    client: TestClient, auth_headers, settings: Settings
) -> None:
    entries = [
        {"level": level, "message": f"chart crashed {i}", "correlation_id": "ui-1", "page": "x"}
        for i, level in enumerate(["error", "warn", "Error"])
    ]
    response = client.post(
        "/api/logs/batch", json=batch(entries), headers={"X-API-Key": settings.LOG_INGEST_API_KEY}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"stored": 3}
    page = get(client, auth_headers, source="ingest", q="chart crashed")
    assert len(page["items"]) == 3
    assert [item["level"] for item in page["items"]] == ["ERROR", "WARNING", "ERROR"]
    assert page["items"][0]["payload"] == {"page": "x", "source_address": "testclient"}
    assert page["items"][0]["actor"] is None


def test_batch_authorisation(client: TestClient, auth_headers) -> None:
    body = batch([{"message": "hi"}])
    assert client.post("/api/logs/batch", json=body).status_code == 401
    assert (
        client.post("/api/logs/batch", json=body, headers={"X-API-Key": "wrong"}).status_code == 401
    )
    assert client.post("/api/logs/batch", json=body, headers=auth_headers).status_code == 200


def test_batch_names_the_invalid_entries_and_stores_nothing(
    client: TestClient, auth_headers
) -> None:
    entries = [
        {"message": "fine"},
        {"level": "LOUD", "message": "bad level"},
        {"message": "fine too"},
        {"no_message": True},
        {"message": "from 1990", "ts": "1990-01-01T00:00:00Z"},
    ]
    response = client.post("/api/logs/batch", json=batch(entries), headers=auth_headers)
    assert response.status_code == 422
    invalid = response.json()["detail"]["invalid_entries"]
    assert [item["index"] for item in invalid] == [1, 3, 4]
    assert get(client, auth_headers)["items"] == []


def test_batch_limits(client: TestClient, auth_headers) -> None:
    too_many = batch([{"message": "m"}] * 1001)
    assert client.post("/api/logs/batch", json=too_many, headers=auth_headers).status_code == 422
    huge = batch([{"message": "x" * 60000}] * 20)
    assert client.post("/api/logs/batch", json=huge, headers=auth_headers).status_code == 413
    assert get(client, auth_headers)["items"] == []


def test_context_pages_by_moving_its_anchor(client: TestClient, auth_headers, seeded) -> None:
    """ "Load earlier/later" asks for the context of the outermost line shown, one side only."""
    target = get(client, auth_headers, limit=60)["items"][-1]

    def context(log_id: int, **params: int) -> dict:
        response = client.get(f"/api/logs/{log_id}/context", params=params, headers=auth_headers)
        assert response.status_code == 200, response.text
        return response.json()

    around = context(target["id"], before=3, after=3)
    earlier = context(around["before"][0]["id"], before=3, after=0)
    later = context(around["after"][-1]["id"], before=0, after=3)
    wide = context(target["id"], before=6, after=6)
    joined = earlier["before"] + around["before"] + [around["entry"]] + around["after"]
    joined += later["after"]
    assert [e["id"] for e in joined] == [
        e["id"] for e in wide["before"] + [wide["entry"]] + wide["after"]
    ]
    for params in ({"before": 201}, {"after": -1}, {"before": "many"}):
        response = client.get(
            f"/api/logs/{target['id']}/context", params=params, headers=auth_headers
        )
        assert response.status_code == 422, params
