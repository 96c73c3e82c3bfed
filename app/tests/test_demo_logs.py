"""`control-plane demo logs`: the rows land counted and indexed, as ingested rows do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from control_plane.db.sqlite import connect
from control_plane.demo_logs import CHUNK_ROWS, seed_demo_logs
from control_plane.logs.text_search import trigram_match
from control_plane.settings import Settings
from control_plane.times import MICROS_PER_DAY
from tests.test_cli_db import run_cli

NOW_US = 1_764_900_000_000_000


def test_seeded_rows_are_spread_counted_and_searchable(settings: Settings) -> None:
    conn = connect(settings.database_path)
    seeded = seed_demo_logs(conn, CHUNK_ROWS + 7, days=2, now_us=NOW_US)
    conn.close()
    assert seeded.rows == CHUNK_ROWS + 7
    db = sqlite3.connect(settings.database_path)
    count, oldest, newest, newest_id = db.execute(
        "SELECT count(*), min(ts), max(ts), max(id) FROM backend_logs"
    ).fetchone()
    assert count == CHUNK_ROWS + 7
    assert (oldest, newest) == (NOW_US - 2 * MICROS_PER_DAY, NOW_US - 3600 * 1_000_000)
    # Counted and indexed in their own transactions: nothing is left past either watermark.
    assert db.execute("SELECT counted_through FROM backend_logs_volume_state").fetchone() == (
        newest_id,
    )
    assert db.execute("SELECT indexed_through FROM backend_logs_fts_state").fetchone() == (
        newest_id,
    )
    counted = "SELECT sum(row_count) FROM backend_logs_volume WHERE span_minutes = ?"
    assert db.execute(counted, (1,)).fetchone() == (count,)
    assert db.execute(counted, (60,)).fetchone() == (count,)
    found = db.execute(
        "SELECT count(*) FROM backend_logs_fts WHERE backend_logs_fts MATCH ?",
        (trigram_match("websocket"),),
    ).fetchone()[0]
    assert (
        found
        == db.execute(
            "SELECT count(*) FROM backend_logs WHERE message LIKE '%websocket%'"
        ).fetchone()[0]
        > 0
    )
    db.close()


def test_the_command_refuses_a_count_out_of_range(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    refused = run_cli(tmp_path, "demo", "logs", "--rows", "0")
    assert refused.returncode == 2
    assert "rows must be between 1 and 50,000,000" in refused.stderr
    wrote = run_cli(tmp_path, "demo", "logs", "--rows", "10", "--days", "1")
    assert wrote.returncode == 0, wrote.stderr
    assert wrote.stdout.startswith("wrote 10 demo log rows over 1 days in ")
