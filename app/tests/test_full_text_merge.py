"""The full-text index's merge policy (migration 0013): writers never merge, the indexer merges in
steps of a bounded size, and no level is left to grow to FTS5's crisis merge."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from control_plane.logs import full_text
from control_plane.logs.checkpoints import wal_backlog_bytes
from control_plane.logs.full_text import FullTextIndexService
from control_plane.logs.tail_store import TailStore
from control_plane.logs.text_search import trigram_match
from control_plane.settings import Settings
from tests.logtools import wait_until

USERMERGE = 8
CRISISMERGE = 64
# A WAL frame is a page and its 24-byte header; the test database has 4 KiB pages.
FRAME_BYTES = 4096 + 24
STEP_OVERHEAD_PAGES = 64


def add_rows(database: Path, count: int, tag: str) -> None:
    """`count` rows whose words vary, so their trigrams fill several leaf pages."""
    conn = sqlite3.connect(database)
    conn.executemany(
        "INSERT INTO backend_logs (ts, level, message, payload, ingested_at)"
        " VALUES (?, 'INFO', ?, ?, 1)",
        [
            (n, f"{tag} order ord-{n * 7919:08x} filled", f'{{"request": "{tag}-{n:06d}"}}')
            for n in range(count)
        ],
    )
    conn.commit()
    conn.close()


def segments(database: Path) -> int:
    """Segments in the index: each has its first leaf in the %_idx table."""
    conn = sqlite3.connect(database)
    try:
        return conn.execute("SELECT count(DISTINCT segid) FROM backend_logs_fts_idx").fetchone()[0]
    finally:
        conn.close()


def frames_written(database: Path, write: Callable[[], bool]) -> tuple[bool, int]:
    """Pages one transaction wrote: the WAL's frames after it, emptied before it."""
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    done = write()
    return done, os.path.getsize(f"{database}-wal") // FRAME_BYTES


def integrity_check(database: Path) -> None:
    conn = sqlite3.connect(database)
    conn.execute("INSERT INTO backend_logs_fts (backend_logs_fts) VALUES ('integrity-check')")
    conn.close()


def test_the_policy_is_the_index_configuration(settings: Settings) -> None:
    conn = sqlite3.connect(settings.database_path)
    config = dict(conn.execute("SELECT k, v FROM backend_logs_fts_config"))
    conn.close()
    assert config["automerge"] == 0
    assert config["usermerge"] == USERMERGE
    assert config["crisismerge"] == CRISISMERGE
    # One indexer batch (20,000 rows, a few MB of pending terms) flushes as one segment.
    assert config["hashsize"] >= 32 * 1024 * 1024


def test_writers_add_segments_without_merging_them(settings: Settings) -> None:
    store = TailStore(settings.database_path, "full-text")
    for batch in range(USERMERGE + 2):
        add_rows(settings.database_path, 20, f"b{batch}")
        assert store.index_full_text(1000) == 20
    store.close()
    # With FTS5's automerge (4) the 4th, 8th ... transaction would have merged.
    assert segments(settings.database_path) == USERMERGE + 2
    integrity_check(settings.database_path)


def test_a_merge_step_writes_a_bounded_number_of_pages(settings: Settings) -> None:
    store = TailStore(settings.database_path, "full-text")
    for batch in range(USERMERGE):
        add_rows(settings.database_path, 3000, f"b{batch}")
        store.index_full_text(3000)
    pages_per_step = 16
    written: list[int] = []
    while True:
        merged, frames = frames_written(
            settings.database_path, lambda: store.merge_full_text(pages_per_step)
        )
        if not merged:
            break
        written.append(frames)
        assert len(written) < 500, "the merge never finished"
    store.close()
    # The level was merged in many steps. Each wrote its new leaves and about as many pages
    # again for the input it dropped, plus the first page of each input segment it trimmed and
    # the structure record: measured 52 frames at 4 pages a step, 80 at 16, 185 at 64.
    assert len(written) >= 8
    assert max(written) <= STEP_OVERHEAD_PAGES + 3 * pages_per_step
    assert segments(settings.database_path) == 1
    integrity_check(settings.database_path)


# Without the indexer's merges the index would hold one segment per batch (until FTS5's crisis
# merge took a whole level in one writer's transaction).
BATCHES = 3 * USERMERGE


def test_the_indexer_merges_every_level_that_fills_and_searches_find_every_row(
    settings: Settings,
) -> None:
    indexer = FullTextIndexService(database_path=settings.database_path, poll_interval=0.01)
    indexer.start()
    try:
        for batch in range(BATCHES):
            add_rows(settings.database_path, 5, f"batch{batch:03d}")
            indexer.notify()
            assert indexer.wait_caught_up(timeout=30, merged=True)
            assert segments(settings.database_path) < 2 * USERMERGE
    finally:
        indexer.stop()
    assert indexer.merge_steps >= BATCHES // USERMERGE
    integrity_check(settings.database_path)
    conn = sqlite3.connect(settings.database_path)
    search = "SELECT count(*) FROM backend_logs_fts WHERE backend_logs_fts MATCH ?"
    assert conn.execute(search, (trigram_match("filled"),)).fetchone() == (5 * BATCHES,)
    assert conn.execute(search, (trigram_match("batch017"),)).fetchone() == (5,)
    conn.close()


def test_the_indexer_merges_the_segments_other_writers_add(settings: Settings) -> None:
    add_rows(settings.database_path, 40, "kept")
    indexer = FullTextIndexService(database_path=settings.database_path, poll_interval=0.01)
    indexer.start()
    try:
        indexer.notify()
        assert indexer.wait_caught_up(timeout=30)
        conn = sqlite3.connect(settings.database_path)
        # Retention takes rows out of the index as FTS5 'delete' commands, a segment per COMMIT.
        for rowid, message, payload in conn.execute(
            "SELECT id, message, payload FROM backend_logs ORDER BY id LIMIT ?", (USERMERGE + 2,)
        ).fetchall():
            conn.execute(
                "INSERT INTO backend_logs_fts (backend_logs_fts, rowid, message, payload)"
                " VALUES ('delete', ?, ?, ?)",
                (rowid, message, payload),
            )
            conn.commit()
        conn.close()
        assert wait_until(lambda: segments(settings.database_path) < USERMERGE)
    finally:
        indexer.stop()
    integrity_check(settings.database_path)


def test_rows_committed_during_a_merge_backlog_are_indexed_after_the_current_step(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk load leaves many steps of merging: a row that arrives meanwhile is searchable
    after the step under way (and its lock-free pause), not after the whole cycle of steps."""
    monkeypatch.setattr(full_text, "MERGE_PAGES", 4)
    store = TailStore(settings.database_path, "full-text")
    for batch in range(USERMERGE):
        add_rows(settings.database_path, 3000, f"b{batch}")
        store.index_full_text(3000)
    store.close()
    conn = sqlite3.connect(settings.database_path)
    search = "SELECT count(*) FROM backend_logs_fts WHERE backend_logs_fts MATCH ?"
    indexer = FullTextIndexService(database_path=settings.database_path, poll_interval=0.01)
    indexer.start()
    try:
        assert wait_until(lambda: indexer.merge_steps >= 1)
        add_rows(settings.database_path, 1, "latecomer")
        steps_before = indexer.merge_steps
        indexer.notify()
        assert wait_until(
            lambda: conn.execute(search, (trigram_match("latecomer"),)).fetchone() == (1,)
        )
        # The step under way, and at most one more begun before this poll saw the row
        # (a whole cycle is MERGE_STEPS_PER_CYCLE steps).
        assert indexer.merge_steps - steps_before <= 2
        assert segments(settings.database_path) > 1, "the backlog was merged already"
    finally:
        indexer.stop()
        conn.close()
    assert full_text.MERGE_STEPS_PER_CYCLE > 2


def test_merging_waits_while_the_wal_backlog_is_past_its_room_and_at_most_so_long(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge step writes about three times its pages to the WAL: while a reader's old
    snapshot keeps the WAL from being copied back, the indexer indexes new rows but defers
    merging, for a bounded time."""
    monkeypatch.setattr(full_text, "MERGE_WAL_ROOM_BYTES", 1024 * 1024)
    monkeypatch.setattr(full_text, "MAX_MERGE_WAL_WAIT_SECONDS", 60.0)
    reader = sqlite3.connect(settings.database_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM backend_logs").fetchone()
    store = TailStore(settings.database_path, "full-text")
    for batch in range(USERMERGE):
        add_rows(settings.database_path, 3000, f"b{batch}")
        store.index_full_text(3000)
    store.close()
    assert (wal_backlog_bytes(settings.database_path) or 0) > full_text.MERGE_WAL_ROOM_BYTES
    conn = sqlite3.connect(settings.database_path)
    search = "SELECT count(*) FROM backend_logs_fts WHERE backend_logs_fts MATCH ?"
    indexer = FullTextIndexService(database_path=settings.database_path, poll_interval=0.01)
    indexer.start()
    try:
        add_rows(settings.database_path, 1, "latecomer")
        indexer.notify()
        assert wait_until(
            lambda: conn.execute(search, (trigram_match("latecomer"),)).fetchone() == (1,)
        )
        assert not wait_until(lambda: indexer.merge_steps > 0, timeout=1.0)
        assert not indexer.wait_caught_up(timeout=0.1, merged=True)
        monkeypatch.setattr(full_text, "MAX_MERGE_WAL_WAIT_SECONDS", 0.0)
        assert wait_until(lambda: indexer.merge_steps > 0)
    finally:
        indexer.stop()
        conn.close()
        reader.execute("COMMIT")
        reader.close()
    integrity_check(settings.database_path)
