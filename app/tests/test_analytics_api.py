"""Analytics history and CSV export over timeline rows with hand-computed figures."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from control_plane.analytics.report import EXPORT_PAGE_ROWS
from control_plane.db.sqlite import open_connection, write_transaction
from control_plane.sessions import store
from control_plane.settings import Settings
from control_plane.times import to_us

DAY1 = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
RANGE = "start=2026-10-01&end=2026-10-03"


def add_event(conn: Any, at: datetime, event: str, strategy_id: int | None, **values: Any) -> None:
    store.insert_event(
        conn,
        time_us=to_us(at),
        event=event,
        strategy_id=strategy_id,
        strategy_name=None if strategy_id is None else f"S{strategy_id}",
        message=values.pop("message", event),
        **values,
    )


@pytest.fixture
def history_db(settings: Settings) -> Settings:
    conn = open_connection(settings.database_path)
    with write_transaction(conn):
        add_event(conn, DAY1 - timedelta(hours=1), "session_started", 1, session_id=7)
        # Strategy 1 in close order: +100, -50 (day 1), +30 (day 2), -20 (day 3)
        for at, pnl, fees in (
            (DAY1, 100.0, 1.0),
            (DAY1 + timedelta(hours=1), -50.0, 1.0),
            (DAY1 + timedelta(days=1), 30.0, 2.0),
            (DAY1 + timedelta(days=2), -20.0, 1.0),
        ):
            add_event(
                conn,
                at,
                "position_closed",
                1,
                session_id=7,
                pnl=pnl,
                fees=fees,
                details={"reason": "take_profit"},
            )
        add_event(conn, DAY1 + timedelta(days=1, hours=2), "kill_switch_rearmed", None)
        # Outside the range: a month earlier, another strategy.
        add_event(conn, DAY1 - timedelta(days=30), "position_closed", 2, pnl=500.0, fees=5.0)
    conn.close()
    return settings


def get(client: TestClient, headers: dict[str, str], url: str) -> dict[str, Any]:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_history_metrics_series_and_timeline(
    history_db: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    body = get(client, auth_headers, f"/api/analytics/history?{RANGE}&page_size=4")
    assert body["filters"] == {
        "start": "2026-10-01T00:00:00Z",
        "end": "2026-10-04T00:00:00Z",
        "preset": "30d",
        "strategy_id": None,
    }
    metrics = body["metrics"]
    # net 100 - 50 + 30 - 20 = 60; fees 1 + 1 + 2 + 1 = 5; gross 65
    assert metrics["net_pnl"] == pytest.approx(60)
    assert metrics["fees"] == pytest.approx(5)
    assert metrics["gross_pnl"] == pytest.approx(65)
    assert metrics["trade_count"] == 4
    assert metrics["win_rate"] == pytest.approx(0.5)
    assert metrics["average_win"] == pytest.approx(65)  # (100 + 30) / 2
    assert metrics["average_loss"] == pytest.approx(-35)  # (-50 - 20) / 2
    assert metrics["profit_factor"] == pytest.approx(130 / 70)
    # cumulative 100, 50, 80, 60: from the peak of 100 down to 50
    assert metrics["max_drawdown"] == pytest.approx(50)
    assert (metrics["longest_win_streak"], metrics["longest_loss_streak"]) == (1, 1)
    # days: +50, +30, -20
    assert (metrics["trading_days"], metrics["profitable_days"]) == (3, 2)
    # mean 20; deviations 30, 10, -40 -> sample variance 2600 / 2 = 1300
    assert metrics["sharpe"] == pytest.approx(20 / math.sqrt(1300) * math.sqrt(365))
    series = body["series"]
    assert [p["value"] for p in series["cumulative_pnl"]] == [100, 50, 80, 60]
    assert [p["value"] for p in series["drawdown"]] == [0, -50, -20, -40]
    assert series["cumulative_pnl"][0]["time"] == "2026-10-01T10:00:00Z"

    timeline = body["timeline"]
    assert (timeline["page"], timeline["page_size"], timeline["total"]) == (1, 4, 6)
    times = [item["time"] for item in timeline["items"]]
    assert times == sorted(times, reverse=True) and len(times) == 4
    assert timeline["items"][0] == {
        "id": timeline["items"][0]["id"],
        "time": "2026-10-03T10:00:00Z",
        "event": "position_closed",
        "session_id": 7,
        "strategy_id": 1,
        "strategy_name": "S1",
        "message": "position_closed",
        "pnl": -20.0,
    }
    second = get(client, auth_headers, f"/api/analytics/history?{RANGE}&page_size=4&page=2")
    assert [i["event"] for i in second["timeline"]["items"]] == [
        "position_closed",
        "session_started",
    ]


def test_filters_presets_and_strategy(
    history_db: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    everything = get(client, auth_headers, "/api/analytics/history?preset=all")
    assert everything["metrics"]["trade_count"] == 5
    assert everything["filters"]["start"] == "1970-01-01T00:00:00Z"
    blank = get(client, auth_headers, "/api/analytics/history?preset=all&start=&end=&strategy_id=")
    assert blank["metrics"]["trade_count"] == 5 and blank["filters"]["strategy_id"] is None
    only_two = get(client, auth_headers, "/api/analytics/history?preset=all&strategy_id=2")
    assert only_two["metrics"]["net_pnl"] == 500 and only_two["filters"]["strategy_id"] == 2
    assert only_two["timeline"]["total"] == 1
    # The October rows are more than 30 days before the test runs.
    recent = get(client, auth_headers, "/api/analytics/history")
    assert recent["metrics"] == {
        "net_pnl": 0,
        "gross_pnl": 0,
        "fees": 0,
        "trade_count": 0,
        "win_rate": None,
        "average_win": None,
        "average_loss": None,
        "profit_factor": None,
        "max_drawdown": 0,
        "longest_win_streak": 0,
        "longest_loss_streak": 0,
        "profitable_days": 0,
        "trading_days": 0,
        "sharpe": None,
    }
    start = datetime.fromisoformat(recent["filters"]["start"])
    end = datetime.fromisoformat(recent["filters"]["end"])
    assert end - start == timedelta(days=30)
    today = get(client, auth_headers, "/api/analytics/history?preset=today")
    assert today["filters"]["start"].endswith("T00:00:00Z")
    ytd = get(client, auth_headers, "/api/analytics/history?preset=ytd")
    assert ytd["filters"]["start"][5:] == "01-01T00:00:00Z"
    moment = get(
        client,
        auth_headers,
        "/api/analytics/history?start=2026-10-01T10:30:00Z&end=2026-10-02T10:00:00%2B00:00",
    )
    assert [p["value"] for p in moment["series"]["cumulative_pnl"]] == [-50]


BAD_QUERIES = (
    "preset=1y",
    "start=yesterday",
    "end=2026-13-01",
    "start=2026-10-05&end=2026-10-01",
    "strategy_id=x",
    # Past what datetimes and SQLite's 64-bit integers hold: a 422, not a server error.
    "end=9999-12-31",
    "start=0001-01-01T00:00:00%2B01:00",
    "strategy_id=9223372036854775808",
)


def test_bad_filters_are_422(client: TestClient, auth_headers: dict[str, str]) -> None:
    for query in (*BAD_QUERIES, "page=0", "page_size=501", "page=18446744073709551616"):
        response = client.get(f"/api/analytics/history?{query}", headers=auth_headers)
        assert response.status_code == 422, query
    for query in BAD_QUERIES:
        export = client.get(f"/api/analytics/export?format=csv&{query}", headers=auth_headers)
        assert export.status_code == 422, query
    # The error names the parameter that is wrong, whatever text it holds.
    named = client.get("/api/analytics/history?end=start", headers=auth_headers)
    assert [error["loc"] for error in named.json()["detail"]] == [["query", "end"]]


def sections(text: str) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("# "):
            current = line[2:]
            found[current] = []
        else:
            assert current is not None
            found[current].extend(csv.reader(io.StringIO(line)))
    return found


def test_export_sections_filename_and_paging(
    history_db: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    # More rows than one page of the export, all in the range.
    conn = open_connection(history_db.database_path)
    with write_transaction(conn):
        conn.executemany(
            "INSERT INTO timeline_events (time, event, strategy_id, message, details)"
            " VALUES (?, 'mark', 1, ?, '{}')",
            [(to_us(DAY1) + i, f"row {i}, with a comma") for i in range(EXPORT_PAGE_ROWS * 2 + 7)],
        )
    conn.close()
    with client.stream(
        "GET", f"/api/analytics/export?format=csv&{RANGE}", headers=auth_headers
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "content-length" not in response.headers  # streamed, not built whole
        disposition = response.headers["content-disposition"]
        text = response.read().decode()
    assert re.fullmatch(r'attachment; filename="analytics-export-\d{8}-\d{6}\.csv"', disposition)
    assert list(sections(text)) == ["metadata", "metrics", "timeline"]
    parts = sections(text)
    metadata = dict(parts["metadata"][1:])
    assert metadata["start"] == "2026-10-01T00:00:00Z" and metadata["strategy_id"] == ""
    assert metadata["generated_at"].endswith("Z")
    metrics = dict(parts["metrics"][1:])
    assert float(metrics["net_pnl"]) == 60 and metrics["trade_count"] == "4"
    header, *rows = parts["timeline"]
    assert header == [
        "id",
        "time",
        "event",
        "session_id",
        "strategy_id",
        "strategy_name",
        "message",
        "pnl",
        "fees",
        "details",
    ]
    assert len(rows) == 6 + EXPORT_PAGE_ROWS * 2 + 7
    assert len({row[0] for row in rows}) == len(rows)
    times = [datetime.fromisoformat(row[1]) for row in rows]
    assert times == sorted(times)
    assert rows[0][2] == "session_started"
    assert "row 1, with a comma" in {row[6] for row in rows}


def test_export_needs_sign_in_and_csv(client: TestClient, auth_headers: dict[str, str]) -> None:
    assert client.get("/api/analytics/export?format=csv").status_code == 401
    assert client.get("/api/analytics/history").status_code == 401
    for bad in ("json", "xlsx", ""):
        response = client.get(f"/api/analytics/export?format={bad}", headers=auth_headers)
        assert response.status_code == 422
    assert client.get("/api/analytics/export", headers=auth_headers).status_code == 422


def test_export_neutralises_text_a_spreadsheet_would_run(
    settings: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    hostile = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    conn = open_connection(settings.database_path)
    with write_transaction(conn):
        for i, text in enumerate(hostile):
            store.insert_event(
                conn,
                time_us=to_us(DAY1) + i,
                event="position_closed",
                strategy_id=1,
                strategy_name=text,
                message=text,
                pnl=-5.5,
                fees=1.0,
            )
    conn.close()
    response = client.get(f"/api/analytics/export?format=csv&{RANGE}", headers=auth_headers)
    assert response.status_code == 200
    timeline = response.text.split("# timeline\r\n", 1)[1]
    _header, *rows = csv.reader(io.StringIO(timeline, newline=""))
    assert [row[5] for row in rows] == ["'" + text for text in hostile]
    assert [row[6] for row in rows] == ["'" + text for text in hostile]
    # Numbers stay numbers, negative ones included.
    assert {row[7] for row in rows} == {"-5.5"}
    metrics = dict(sections(response.text.split("# timeline")[0])["metrics"][1:])
    assert float(metrics["net_pnl"]) == -33.0
