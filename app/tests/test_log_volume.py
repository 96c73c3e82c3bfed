"""The per-minute counts (logs.volume, logs.volume_query) answer facets and histograms exactly as
a scan of the rows does, whoever wrote the rows (the tailer, the batch API, a raw insert) and after
retention deleted some; and they answer without scanning the range."""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from fastapi.testclient import TestClient
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.db.engine import create_engine, create_session_factory
from control_plane.db.schema import HOUR_US, MINUTE_US
from control_plane.logs.file_identity import FilePosition
from control_plane.logs.histogram import scanned_counts
from control_plane.logs.query import LogFilter, fetch_facets
from control_plane.logs.retention import LogPruner
from control_plane.logs.tail_store import TailStore, insert_rows
from control_plane.logs.volume_query import (
    VolumeFilter,
    counted_rows,
    counts_by,
    fetch_counted_facets,
    volume_filter,
)
from control_plane.settings import Settings
from control_plane.times import MICROS_PER_DAY, now_us

T = TypeVar("T")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
EVENTS = ("order_placed", "quote", "", None)
HOURS = 5


def run_in_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def scenario() -> T:
        engine = create_engine(settings)
        try:
            async with create_session_factory(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(scenario())


def tailed_rows(rng: random.Random, base_us: int, count: int) -> list[tuple[Any, ...]]:
    rows = []
    for _ in range(count):
        # Some rows exactly on a minute's first or last microsecond.
        offset = rng.choice(
            [
                rng.randrange(HOURS * 3600 * 1_000_000),
                rng.randrange(HOURS * 60) * MINUTE_US,
                rng.randrange(1, HOURS * 60) * MINUTE_US - 1,
            ]
        )
        rows.append(
            (
                base_us + offset,
                rng.choice(LEVELS),
                "control_plane.test",
                rng.choice(EVENTS),
                "a line",
                None,
                None,
                0,
                0,
                None,
                base_us,
            )
        )
    return rows


def tail(db: Path, rows: list[tuple[Any, ...]], *, source: str, commits: int) -> None:
    store = TailStore(db, f"test-{source}", source=source)  # type: ignore[arg-type]
    try:
        step = -(-len(rows) // commits)
        for index in range(0, len(rows), step):
            store.commit(
                rows[index : index + step],
                FilePosition(1, 1, "", 0, index + step),
                lag_bytes=0,
                parse_errors=0,
            )
    finally:
        store.close()


def watermark_and_newest(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT counted_through, (SELECT max(id) FROM backend_logs)"
            " FROM backend_logs_volume_state"
        ).fetchone()
    finally:
        conn.close()


def raw_insert(db: Path, rows: list[tuple[Any, ...]]) -> None:
    """Rows written by SQL beside the tailer (as `control-plane demo logs` does)."""
    conn = sqlite3.connect(db)
    with conn:
        insert_rows(conn, "backend", rows)
    conn.close()


def fill(settings: Settings, client: TestClient, auth_headers: dict[str, str]) -> int:
    """Rows over HOURS hours from a minute, written every way rows arrive; returns that minute."""
    db = settings.database_path
    rng = random.Random(20)
    base_us = (now_us() // MINUTE_US - HOURS * 60 - 5) * MINUTE_US
    tail(db, tailed_rows(rng, base_us, 3000), source="backend", commits=7)
    assert watermark_and_newest(db)[0] == watermark_and_newest(db)[1]
    raw_insert(db, tailed_rows(rng, base_us, 200))
    # A commit after rows it did not write counts those too (from the table, not from memory).
    tail(db, tailed_rows(rng, base_us, 500), source="edge", commits=2)
    assert watermark_and_newest(db)[0] == watermark_and_newest(db)[1]
    entries = [
        {
            "ts": f"{(base_us + rng.randrange(HOURS * 3600 * 1_000_000)) / 1e6}",
            "level": rng.choice(LEVELS),
            "event": rng.choice(["ui.click", "ui.log"]),
            "message": "from the browser",
        }
        for _ in range(300)
    ]
    for entry in entries:
        entry["ts"] = _iso(float(entry["ts"]))
    response = client.post("/api/logs/batch", json={"entries": entries}, headers=auth_headers)
    assert response.status_code == 200, response.text
    counted, newest = watermark_and_newest(db)
    assert counted == newest
    # Rows nobody counted (a restore, a seed): a query reads them past the watermark.
    raw_insert(db, tailed_rows(rng, base_us, 400))
    assert watermark_and_newest(db)[0] < watermark_and_newest(db)[1]
    return base_us


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def filters_to_try(base_us: int, rng: random.Random) -> list[LogFilter]:
    end_of_data = base_us + HOURS * 3600 * 1_000_000
    bounds: list[tuple[int | None, int | None]] = [
        (None, None),
        (base_us, end_of_data),
        (base_us + 1, end_of_data - 1),
        (base_us + 7 * MINUTE_US, base_us + 8 * MINUTE_US),
        (base_us + 7 * MINUTE_US + 5, base_us + 7 * MINUTE_US + 30_000_000),
        (None, base_us + 90 * MINUTE_US + 17),
        (base_us + 100 * MINUTE_US - 3, None),
        # Whole hours inside, minutes around them.
        (base_us - base_us % HOUR_US + HOUR_US - 5, base_us - base_us % HOUR_US + 4 * HOUR_US + 7),
        (base_us - base_us % HOUR_US + HOUR_US, base_us - base_us % HOUR_US + 3 * HOUR_US),
        (None, base_us - base_us % HOUR_US + 3 * HOUR_US + MINUTE_US),
    ]
    for _ in range(8):
        low, high = sorted(rng.randrange(base_us - MINUTE_US, end_of_data) for _ in range(2))
        bounds.append((low, high + 1))
    filters = []
    for start_us, end_us in bounds:
        filters += [
            LogFilter(start_us=start_us, end_us=end_us),
            LogFilter(start_us=start_us, end_us=end_us, levels=("error", "WARNING")),
            LogFilter(start_us=start_us, end_us=end_us, event="quote"),
            LogFilter(start_us=start_us, end_us=end_us, event=""),
            LogFilter(start_us=start_us, end_us=end_us, source="edge", levels=("INFO",)),
            LogFilter(start_us=start_us, end_us=end_us, source="ui", event="ui.click"),
        ]
    return filters


def assert_counts_equal_a_scan(settings: Settings, base_us: int) -> int:
    """Every filter's facets and histogram, from the counts and from a scan; returns how many
    comparisons were made."""
    rng = random.Random(4)
    filters = filters_to_try(base_us, rng)

    async def compare(session: AsyncSession) -> int:
        compared = 0
        for log_filter in filters:
            wanted = volume_filter(log_filter)
            assert wanted is not None, log_filter
            scanned = await fetch_facets(session, log_filter)
            assert await fetch_counted_facets(session, log_filter) == scanned, log_filter
            if log_filter.start_us is None or log_filter.end_us is None:
                continue
            for width in (MINUTE_US, 5 * MINUTE_US, HOUR_US, 2 * HOUR_US):
                counted = await counts_by(session, wanted, ("bucket", "level"), bucket_us=width)
                read = await scanned_counts(session, log_filter, width)
                assert sorted(counted) == sorted(read), (log_filter, width)
            compared += 1
        return compared

    return run_in_session(settings, compare)


def test_counts_equal_a_scan_for_every_writer_and_after_retention(
    settings: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    base_us = fill(settings, client, auth_headers)
    assert assert_counts_equal_a_scan(settings, base_us) > 40

    # Retention deletes counted and uncounted rows alike; the counts follow.
    cutoff_us = base_us + 137 * MINUTE_US + 12_345
    pruned = LogPruner(settings.database_path, archive=False).prune(
        1, now_us=cutoff_us + MICROS_PER_DAY
    )
    assert pruned.deleted_rows > 1000
    conn = sqlite3.connect(settings.database_path)
    assert conn.execute("SELECT min(ts) FROM backend_logs").fetchone()[0] >= cutoff_us
    # Spans wholly deleted leave no counts behind.
    empty = "SELECT count(*) FROM backend_logs_volume WHERE row_count <= 0"
    assert conn.execute(empty).fetchone()[0] == 0
    left_behind = "SELECT count(*) FROM backend_logs_volume WHERE minute + span_minutes <= ?"
    assert conn.execute(left_behind, (cutoff_us // MINUTE_US,)).fetchone()[0] == 0
    conn.close()
    assert assert_counts_equal_a_scan(settings, base_us) > 40


def test_the_api_answers_facets_and_histogram_as_a_scan_does(
    settings: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    base_us = fill(settings, client, auth_headers)
    facets = client.get("/api/logs/facets", headers=auth_headers).json()
    scanned = run_in_session(settings, lambda session: fetch_facets(session, LogFilter()))
    assert [(f["value"], f["count"]) for f in facets["levels"]] == scanned.levels
    assert [(f["value"], f["count"]) for f in facets["events"]] == scanned.events

    start, end = base_us + 3, base_us + HOURS * 3600 * 1_000_000 - 3
    query = {"start": _iso(start / 1e6), "end": _iso(end / 1e6), "level": ["INFO", "ERROR"]}
    histogram = client.get("/api/logs/histogram", params=query, headers=auth_headers).json()
    assert histogram["bucket_seconds"] == 300
    # The API's times are in microseconds: the same bounds reach the scan.
    log_filter = LogFilter(start_us=start, end_us=end, levels=("INFO", "ERROR"))
    read = run_in_session(
        settings, lambda session: scanned_counts(session, log_filter, 300 * 1_000_000)
    )
    expected: dict[int, dict[str, int]] = {}
    for bucket, level, count in read:
        expected.setdefault(bucket, {})[level] = count
    served = {
        round(_seconds(bucket["start"]) * 1_000_000): bucket["counts"]
        for bucket in histogram["buckets"]
    }
    assert {bucket: counts for bucket, counts in served.items() if counts} == expected


def _seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def test_filters_the_counts_cannot_answer_fall_back_to_a_scan(
    settings: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    base_us = fill(settings, client, auth_headers)
    whole = LogFilter(start_us=base_us, end_us=base_us + HOURS * 3600 * 1_000_000)
    unservable = [
        replace(whole, logger="control_plane.test"),
        replace(whole, correlation_id="abc"),
        replace(whole, text="line"),
        replace(whole, actor="admin"),
        replace(whole, archived=True),
        replace(whole, start_us=0),
        replace(whole, start_us=None, end_us=MINUTE_US),
    ]
    for log_filter in unservable:
        assert volume_filter(log_filter) is None, log_filter
    # The histogram of a filter the counts cannot answer still counts what the scan counts.
    only_logger = replace(whole, logger="control_plane.test")
    query = {
        "start": _iso(whole.start_us / 1e6),  # type: ignore[operator]
        "end": _iso(whole.end_us / 1e6),  # type: ignore[operator]
        "logger": "control_plane.test",
    }
    histogram = client.get("/api/logs/histogram", params=query, headers=auth_headers).json()
    total = sum(sum(bucket["counts"].values()) for bucket in histogram["buckets"])
    scanned = run_in_session(
        settings, lambda session: scanned_counts(session, only_logger, 300 * 1_000_000)
    )
    assert total == sum(count for _, _, count in scanned) > 0


def test_counts_read_no_more_of_backend_logs_than_the_partial_minutes_and_the_uncounted_rows(
    settings: Settings,
) -> None:
    conn = sqlite3.connect(settings.database_path)
    start_us = 1_700_000_000_123_456
    for keys, wanted in (
        (("level",), VolumeFilter(None, None)),
        (("event",), VolumeFilter(start_us, start_us + 7 * MICROS_PER_DAY, ("ERROR",))),
        (
            ("bucket", "level"),
            VolumeFilter(start_us, start_us + MICROS_PER_DAY, (), "quote", "backend"),
        ),
    ):
        statement = counted_rows(wanted, keys, 3600 * 1_000_000 if "bucket" in keys else None)
        sql = str(
            statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
        )
        plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        reads = [step for step in plan if "backend_logs " in step + " "]
        assert reads, plan
        # Each read of the rows is a search (a time range or ids past the watermark), never a scan.
        assert all(step.startswith("SEARCH") for step in reads), plan
        uncounted = [step for step in reads if "PRIMARY KEY" in step]
        assert len(uncounted) == 1, plan
    conn.close()
