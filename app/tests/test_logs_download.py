"""GET /api/logs/download on a real SQLite file: streamed page by page, the page query's
filters, signed-in only, audited, and CSV a spreadsheet cannot run."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging

import orjson
import pytest
from fastapi.testclient import TestClient

from control_plane.db.engine import create_engine, create_session_factory
from control_plane.logs import export
from control_plane.logs.export import export_rows
from control_plane.logs.one_shot import ingest_once
from control_plane.logs.query import LogFilter
from control_plane.settings import Settings
from tests.logtools import append

FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "plain words"]


@pytest.fixture
def stored(settings: Settings) -> None:
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {
                "ts": f"2026-11-20T12:0{i}:00.000000Z",
                "level": "ERROR" if i % 2 else "INFO",
                "logger": "control_plane.test",
                "event": "export_test",
                "message": message,
                "correlation_id": f"req-{i}",
                "note": "=1+2" if i == 0 else "x",
            }
        )
        for i, message in enumerate(FORMULAS)
    ]
    append(settings.BACKEND_LOG_PATH, lines)
    assert ingest_once(settings) == len(FORMULAS)


def download(client: TestClient, headers: dict[str, str], **params: object):
    response = client.get("/api/logs/download", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response


def test_signed_in_only(client: TestClient, stored) -> None:
    assert client.get("/api/logs/download").status_code == 401
    assert client.get("/api/logs/download", params={"format": "csv"}).status_code == 401


def test_ndjson_holds_the_filtered_rows_newest_first(
    client: TestClient, auth_headers, stored
) -> None:
    response = download(
        client, auth_headers, format="ndjson", level="ERROR", source="backend", event="export_test"
    )
    assert response.headers["content-type"].startswith("application/x-ndjson")
    rows = [orjson.loads(line) for line in response.text.splitlines()]
    assert [row["message"] for row in rows] == ["@SUM(A1)", "+1+1"]
    assert {row["level"] for row in rows} == {"ERROR"}
    # The same rows, fields and order the page query answers.
    page = client.get(
        "/api/logs",
        params={"level": "ERROR", "source": "backend", "event": "export_test"},
        headers=auth_headers,
    ).json()
    assert rows == page["items"]


def test_text_and_time_filters_and_the_filename_name_the_range(
    client: TestClient, auth_headers, stored
) -> None:
    response = download(
        client,
        auth_headers,
        format="ndjson",
        q="words",
        start="2026-11-20T12:00:00Z",
        end="2026-11-20T13:00:00Z",
    )
    assert [orjson.loads(line)["message"] for line in response.text.splitlines()] == ["plain words"]
    assert response.headers["content-disposition"] == (
        'attachment; filename="logs-20261120T120000Z-20261120T130000Z.ndjson"'
    )


def test_csv_cells_cannot_run_as_formulas(client: TestClient, auth_headers, stored) -> None:
    response = download(client, auth_headers, format="csv", event="export_test")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].endswith('.csv"')
    assert 'filename="logs-beginning-' in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["message"] for row in table] == [
        "plain words",
        "'@SUM(A1)",
        "'-2",
        "'+1+1",
        '\'=HYPERLINK("http://x")',
    ]
    assert all(not row[name].startswith(("=", "+", "-", "@")) for row in table for name in row)
    assert json.loads(table[-1]["payload"]) == {"note": "=1+2"}
    assert table[0]["level"] == "INFO" and table[0]["correlation_id"] == "req-4"


def test_bad_filters_and_formats_are_refused(client: TestClient, auth_headers) -> None:
    for params in ({"format": "xlsx"}, {"start": "yesterday"}, {"source": "mars"}):
        response = client.get("/api/logs/download", params=params, headers=auth_headers)
        assert response.status_code == 422, params


def test_the_download_is_audited(client: TestClient, auth_headers, stored, caplog) -> None:
    caplog.set_level(logging.INFO, logger="control_plane.audit")
    download(client, auth_headers, format="csv", level="ERROR")
    [record] = [r for r in caplog.records if getattr(r, "action", None) == "logs.download"]
    assert record.actor == "admin" and record.outcome == "success"
    assert record.format == "csv"
    assert record.filter_query == "format=csv&level=ERROR"
    assert record.target.startswith("logs-beginning-")


def test_the_export_streams_one_page_at_a_time(
    settings: Settings, stored, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "EXPORT_PAGE_ROWS", 2)

    async def chunks() -> list[bytes]:
        engine = create_engine(settings)
        try:
            factory = create_session_factory(engine)
            return [chunk async for chunk in export_rows(factory, LogFilter(), "ndjson")]
        finally:
            await engine.dispose()

    pieces = asyncio.run(chunks())
    assert [piece.count(b"\n") for piece in pieces] == [2, 2, 1]


def test_the_viewers_reads_are_logged_at_debug(
    client: TestClient, auth_headers, stored, caplog
) -> None:
    """So the live tail shows the system, not the viewer reading it; writes stay at INFO."""
    caplog.set_level(logging.DEBUG, logger="control_plane.http")
    log_id = client.get("/api/logs", headers=auth_headers).json()["items"][0]["id"]
    for path in (
        "/api/logs",
        "/api/logs/facets",
        f"/api/logs/{log_id}/context",
        "/api/logs/download",
        "/api/health",
    ):
        assert client.get(path, headers=auth_headers).status_code == 200, path
    client.post("/api/logs/batch", json={"entries": []}, headers=auth_headers)
    levels = {
        (record.method, record.path): record.levelname
        for record in caplog.records
        if getattr(record, "event", None) == "http_request"
    }
    assert levels[("GET", "/api/logs")] == "DEBUG"
    assert levels[("GET", "/api/logs/facets")] == "DEBUG"
    assert levels[("GET", f"/api/logs/{log_id}/context")] == "DEBUG"
    assert levels[("GET", "/api/logs/download")] == "DEBUG"
    assert levels[("GET", "/api/health")] == "INFO"
    assert levels[("POST", "/api/logs/batch")] == "INFO"
