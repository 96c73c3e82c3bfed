"""The queries a person types in the sqlite3 shell (docs/operations.md, "Query the log table from
the sqlite3 shell") and the API's own page queries are served by an index, never a scan of
backend_logs; and they find the rows the tailer wrote, by their text correlation id."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite

from control_plane.logs.one_shot import ingest_once
from control_plane.logs.query import LogFilter, page_query
from control_plane.settings import Settings
from tests.logtools import append, json_line

RUNBOOK = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
SECTION = "## Query the log table from the sqlite3 shell"
HOUR_US = 3_600_000_000
# 2026-12-05 10:00 UTC, the hour the runbook's range query reads.
TEN_OCLOCK_US = int(datetime(2026, 12, 5, 10, tzinfo=UTC).timestamp()) * 1_000_000


def runbook_queries() -> list[str]:
    text = RUNBOOK.read_text()
    section = text[text.index(SECTION) :]
    block = re.search(r"```sql\n(.*?)```", section, re.DOTALL)
    assert block, "the runbook's section has its queries in a ```sql block"
    code = "\n".join(line for line in block.group(1).splitlines() if not line.startswith("--"))
    return [statement.strip() for statement in code.split(";") if statement.strip()]


def plan(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> list[str]:
    return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def scans_of_the_logs(steps: list[str]) -> list[str]:
    return [step for step in steps if re.match(r"SCAN (l|backend_logs)\b", step)]


def iso(us: int) -> str:
    return datetime.fromtimestamp(us / 1_000_000, UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def logged(settings: Settings) -> Settings:
    """Lines of three requests around 10:00, one of them the runbook's req-5f2c, and others."""
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json_line(
            f"line {i}",
            ts=iso(TEN_OCLOCK_US - HOUR_US // 2 + i * 60_000_000),
            level="ERROR" if i % 7 == 0 else "INFO",
            event="order_placed" if i % 5 == 0 else "tick",
            correlation_id=("req-5f2c", "req-other", None)[i % 3],
        )
        for i in range(120)
    ]
    append(settings.BACKEND_LOG_PATH, lines)
    assert ingest_once(settings) == 120
    return settings


def test_the_runbook_queries_use_an_index_and_find_the_rows(logged: Settings) -> None:
    queries = runbook_queries()
    assert len(queries) == 5
    conn = sqlite3.connect(logged.database_path)
    try:
        for sql in queries:
            steps = plan(conn, sql)
            assert not scans_of_the_logs(steps), (sql, steps)
            assert any("USING INDEX" in step for step in steps), (sql, steps)
        by_view, errors, events, in_range, by_join = (conn.execute(q).fetchall() for q in queries)
    finally:
        conn.close()
    assert [row[5] for row in by_view] == [f"line {i}" for i in range(0, 120, 3)]
    assert {row[6] for row in by_view} == {"req-5f2c"}
    assert [row[0] for row in by_join] == [row[0] for row in by_view]
    assert len(errors) == 18 and {row[2] for row in errors} == {"ERROR"}
    assert len(events) == 24 and {row[4] for row in events} == {"order_placed"}
    assert [row[3] for row in in_range] == [f"line {i}" for i in range(30, 90)]


@pytest.mark.parametrize(
    ("log_filter", "index"),
    [
        (LogFilter(correlation_id="req-5f2c"), "ix_backend_logs_correlation_ts"),
        (LogFilter(correlation_id="req-5f2c", start_us=1, end_us=2), None),
        (LogFilter(levels=("ERROR",)), "ix_backend_logs_level_ts"),
        (LogFilter(event="order_placed"), "ix_backend_logs_event_ts"),
        (LogFilter(start_us=TEN_OCLOCK_US, end_us=TEN_OCLOCK_US + HOUR_US), None),
        # Text: the trigram index drives the page, in row id order, for a rare word and a
        # frequent one alike.
        (LogFilter(text="req-5f2c"), "VIRTUAL TABLE INDEX"),
        (LogFilter(text="line"), "VIRTUAL TABLE INDEX"),
        (LogFilter(text="line 4", levels=("ERROR",)), "VIRTUAL TABLE INDEX"),
    ],
)
def test_the_api_page_queries_use_an_index(
    logged: Settings, log_filter: LogFilter, index: str | None
) -> None:
    statement = page_query(log_filter, limit=100, cursor=None)
    compiled = statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    conn = sqlite3.connect(logged.database_path)
    try:
        steps = plan(conn, str(compiled))
    finally:
        conn.close()
    assert not scans_of_the_logs(steps), steps
    assert any(("USING INDEX" in step or "VIRTUAL TABLE INDEX" in step) for step in steps), steps
    if index is not None:
        assert any(index in step for step in steps), steps
