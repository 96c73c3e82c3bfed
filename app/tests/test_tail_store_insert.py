"""tail_store.insert_rows writes ROWS_PER_INSERT rows to a statement and the rest one by one: every
row lands once, in its order, with its correlation id interned, whatever the count."""

from __future__ import annotations

import sqlite3

import pytest

from control_plane.logs.line_parser import Row
from control_plane.logs.tail_store import ROWS_PER_INSERT, insert_rows
from control_plane.settings import Settings

COUNTS = (0, 1, ROWS_PER_INSERT - 1, ROWS_PER_INSERT, ROWS_PER_INSERT + 1, 3 * ROWS_PER_INSERT + 7)


def rows(count: int, first_ts: int) -> list[Row]:
    """Ids shared across the statements' boundaries, some rows without one, and every column
    different from its neighbours'."""
    return [
        (
            first_ts + index,
            ("INFO", "ERROR", "UNKNOWN")[index % 3],
            f"logger.{index}" if index % 2 else None,
            f"event_{index % 5}" if index % 4 else None,
            f"message {index}",
            f"req-{index // 3}" if index % 7 else None,
            f"strategy-{index}" if index % 5 == 0 else None,
            index % 7 == 3,
            index % 11 == 4,
            f'{{"n": {index}}}' if index % 2 == 0 else None,
            first_ts + 1_000_000,
        )
        for index in range(count)
    ]


@pytest.mark.parametrize("count", COUNTS)
def test_every_row_once_in_order_with_its_correlation_id(settings: Settings, count: int) -> None:
    conn = sqlite3.connect(settings.database_path, isolation_level=None)
    try:
        written = rows(count, 1_700_000_000_000_000)
        conn.execute("BEGIN IMMEDIATE")
        insert_rows(conn, "edge", written)
        conn.execute("COMMIT")
        stored = conn.execute(
            "SELECT ts, level, logger, event, message, correlation_id, strategy_id, parse_error,"
            " truncated, payload, ingested_at, source FROM backend_logs_view ORDER BY id"
        ).fetchall()
        distinct_ids = conn.execute("SELECT count(*) FROM log_correlations").fetchone()[0]
    finally:
        conn.close()
    assert stored == [(*row[:7], int(row[7]), int(row[8]), *row[9:], "edge") for row in written]
    assert distinct_ids == len({row[5] for row in written} - {None})
