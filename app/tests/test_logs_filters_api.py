"""The Log Viewer's field filters, sort order, text search over message and payload, and the
volume histogram, against a real database filled by the tailer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from control_plane.logs.field_filters import InvalidFieldFilter, parse_field_filter
from control_plane.logs.histogram import MAX_BUCKETS, SECOND_US, bucket_width
from control_plane.logs.one_shot import ingest_once
from control_plane.logs.text_search import trigram_match
from control_plane.settings import Settings
from tests.logtools import append

BASE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]


def stamp(seconds: float) -> str:
    moment = BASE + timedelta(seconds=seconds)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


@pytest.fixture
def seeded(settings: Settings) -> None:
    """80 lines, one a minute: level cycles DEBUG..ERROR; every 5th has an order id."""
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(80):
        document: dict[str, object] = {
            "ts": stamp(i * 60),
            "level": LEVELS[i % 4],
            "logger": "control_plane.orders",
            "event": "order_placed" if i % 5 == 0 else "tick",
            "message": f"line {i}",
            "qty": i,
            "venue": {"name": "delta" if i % 2 else "paper"},
        }
        if i % 5 == 0:
            document["order_id"] = f"ORD-{700000 + i}"
        lines.append(json.dumps(document))
    append(settings.BACKEND_LOG_PATH, lines)
    assert ingest_once(settings) == 80


def messages(client: TestClient, headers: dict[str, str], **params: object) -> list[str]:
    response = client.get("/api/logs", params={"limit": 1000, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [item["message"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (["level!=debug"], 60),
        (["level=debug", "level=error"], 40),
        (["level!=debug", "level!=info"], 40),
        (["payload.order_id=ORD-700015"], 1),
        (["payload.order_id!=ORD-700015"], 79),
        (["payload.qty=7"], 1),
        (["payload.venue.name=delta"], 40),
        (["payload.venue.name=delta", "level=ERROR"], 20),
        (["event=order_placed", "payload.venue.name!=paper"], 8),
        (["message=line 3"], 1),
        (["payload.missing=x"], 0),
        (["payload.missing!=x"], 80),
    ],
)
def test_field_filters(client: TestClient, auth_headers, seeded, where, expected) -> None:
    assert len(messages(client, auth_headers, where=where)) == expected


def test_field_filters_combine_with_text_search(client: TestClient, auth_headers, seeded) -> None:
    found = messages(client, auth_headers, q="ORD-7000", where=["level!=debug"])
    # Order ids on lines 0, 5, …, 75; line 0 and every 20th is DEBUG.
    assert found == [f"line {i}" for i in range(75, -1, -5) if i % 4 != 0]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("level", "expected field=value"),
        ("nope=1", "'nope' is not a field"),
        ("payload.=1", "payload path"),
        ("payload.a'b=1", "payload path"),
        ('payload.a")--=1', "payload path"),
        ("payload." + ".".join("k" * 9) + "=1", "payload path"),
        ("event=" + "x" * 501, "over 500"),
    ],
)
def test_bad_field_filters_are_refused_with_a_reason(
    client: TestClient, auth_headers, seeded, where, message
) -> None:
    for path in ("/api/logs", "/api/logs/histogram"):
        response = client.get(path, params={"where": where}, headers=auth_headers)
        assert response.status_code == 422, response.text
        [error] = response.json()["detail"]
        assert error["loc"] == ["query", "where"]
        assert message in error["msg"]


def test_too_many_field_filters_are_refused(client: TestClient, auth_headers) -> None:
    response = client.get("/api/logs", params={"where": ["level=INFO"] * 21}, headers=auth_headers)
    assert response.status_code == 422


def test_field_filter_parsing() -> None:
    assert parse_field_filter("level!=debug").spelled == "level!=debug"
    assert parse_field_filter("payload.a=b=c").value == "b=c"
    assert parse_field_filter("payload.x-y=").value == ""
    with pytest.raises(InvalidFieldFilter):
        parse_field_filter("payload.a b=1")


@pytest.mark.parametrize("text", [None, "line"])
def test_oldest_first_pages_through_every_row_in_time_order(
    client: TestClient, auth_headers, seeded, text
) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, object] = {"limit": 7, "order": "oldest"}
        if text:
            params["q"] = text
        if cursor:
            params["cursor"] = cursor
        body = client.get("/api/logs", params=params, headers=auth_headers).json()
        seen += [item["ts"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen)
    assert len(seen) == 80
    assert client.get("/api/logs?order=sideways", headers=auth_headers).status_code == 422


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ine", [f"line {i}" for i in range(79, -1, -1)]),
        ("700015", ["line 15"]),
        ("ord-70001", ["line 15", "line 10"]),
        ("DELTA", [f"line {i}" for i in range(79, -1, -2)]),
        ("DELTA 7000", [f"line {i}" for i in range(75, -1, -10)]),
        ("paper delta", []),
        ('"(*', []),
    ],
)  # fmt: skip
def test_text_search_finds_parts_of_words_in_message_and_payload(
    client: TestClient, auth_headers, seeded, q, expected
) -> None:
    assert messages(client, auth_headers, q=q) == expected


def test_trigram_match_quotes_only_letters_and_digits() -> None:
    assert trigram_match('ab "(* x') is None
    assert trigram_match("Order-12") == '"ord" "rde" "der"'
    assert trigram_match("abcd abc") == '"abc" "bcd"'


def histogram(client: TestClient, headers: dict[str, str], **params: object) -> dict:
    response = client.get("/api/logs/histogram", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_histogram_counts_levels_per_bucket(client: TestClient, auth_headers, seeded) -> None:
    body = histogram(client, auth_headers, start=stamp(0), end=stamp(80 * 60))
    assert body["bucket_seconds"] == 60
    assert len(body["buckets"]) == 80
    assert body["buckets"][0] == {"start": stamp(0), "counts": {"DEBUG": 1}}
    assert body["buckets"][3]["counts"] == {"ERROR": 1}
    total = sum(sum(bucket["counts"].values()) for bucket in body["buckets"])
    assert total == 80


def test_histogram_applies_the_filters(client: TestClient, auth_headers, seeded) -> None:
    body = histogram(
        client,
        auth_headers,
        start=stamp(0),
        end=stamp(4 * 3600),
        where=["level!=debug", "payload.venue.name=delta"],
        q="line",
    )
    assert body["bucket_seconds"] == 120
    assert len(body["buckets"]) == MAX_BUCKETS
    totals: dict[str, int] = {}
    for bucket in body["buckets"]:
        for level, count in bucket["counts"].items():
            totals[level] = totals.get(level, 0) + count
    assert totals == {"INFO": 20, "ERROR": 20}


def test_histogram_without_a_range_runs_from_the_oldest_row_to_now(
    client: TestClient, auth_headers, seeded
) -> None:
    body = histogram(client, auth_headers)
    assert body["start"] <= stamp(0)
    assert len(body["buckets"]) <= MAX_BUCKETS
    assert sum(sum(bucket["counts"].values()) for bucket in body["buckets"]) == 80


def test_histogram_refuses_an_empty_range(client: TestClient, auth_headers) -> None:
    response = client.get(
        "/api/logs/histogram", params={"start": stamp(60), "end": stamp(0)}, headers=auth_headers
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "start must be before end"


def test_histogram_needs_sign_in(client: TestClient) -> None:
    assert client.get("/api/logs/histogram").status_code == 401


@pytest.mark.parametrize(
    ("span_seconds", "width_seconds"),
    [(60, 1), (900, 10), (3600, 60), (86400, 900), (7 * 86400, 2 * 3600), (365 * 86400, 7 * 86400)],
)
def test_bucket_width_is_round_and_bounded(span_seconds: int, width_seconds: int) -> None:
    start = 1_700_000_123 * SECOND_US
    assert bucket_width(start, start + span_seconds * SECOND_US) == width_seconds * SECOND_US


@pytest.mark.slow
def test_text_search_over_many_rows_finds_them(
    client: TestClient, auth_headers, settings: Settings
) -> None:
    """200,000 rows: a rare part of a payload value and a frequent word are found, and the
    histogram of a word every row holds counts them all. That the full-text index serves these
    queries is held by test_log_natural_queries (their plans); their speed by make bench-logs."""
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {
                "ts": stamp(i / 10),
                "level": "INFO",
                "event": "http_request",
                "message": f"GET /api/logs?limit=500 200 {i % 97}.5 ms",
                "order_id": f"ORD-{i * 7919 % 100_000_000:08d}",
                "path": "/api/logs",
            }
        )
        for i in range(200_000)
    ]
    append(settings.BACKEND_LOG_PATH, lines)
    assert ingest_once(settings) == 200_000
    for q, at_least in (("12345", 1), ("api logs", 500), ("ms", 500)):
        found = messages(client, auth_headers, q=q, limit=500)
        assert len(found) >= min(at_least, 500), q
    body = histogram(client, auth_headers, q="api")
    assert sum(sum(bucket["counts"].values()) for bucket in body["buckets"]) == 200_000


def test_histogram_refuses_a_range_too_long_for_its_buckets(
    client: TestClient, auth_headers
) -> None:
    response = client.get(
        "/api/logs/histogram",
        params={"start": "0001-01-01T00:00:00Z", "end": "9999-01-01T00:00:00Z"},
        headers=auth_headers,
    )
    assert response.status_code == 422
    assert "too long" in response.json()["detail"][0]["msg"]
