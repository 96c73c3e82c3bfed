"""Fault tests: the multiset of lines ingested equals the multiset of lines written."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from control_plane.logs.line_parser import MAX_LINE_BYTES
from control_plane.logs.one_shot import ingest_once
from control_plane.logs.tail_service import LogTailService
from control_plane.logs.tail_store import TailStore
from control_plane.logs.tailed_logs import backend_log
from control_plane.logs.tailer import LogTailer
from control_plane.settings import Settings
from tests.logtools import (
    BackgroundWriter,
    TailerProcess,
    append,
    ingested_messages,
    json_line,
    row_count,
    wait_until,
)


@pytest.fixture
def log_path(settings: Settings) -> Path:
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    return settings.BACKEND_LOG_PATH


def start_service(settings: Settings, **overrides: object) -> LogTailService:
    options: dict[str, object] = {
        "log": backend_log(settings.BACKEND_LOG_PATH),
        "database_path": settings.database_path,
        "batch_size": 200,
        "poll_interval": 0.02,
        "rotation_grace_seconds": 0.3,
    }
    options.update(overrides)
    service = LogTailService(**options)  # type: ignore[arg-type]
    service.start()
    return service


def wait_for_rows(settings: Settings, expected: int, stall: float = 60.0) -> None:
    """Until `expected` rows are in, for as long as rows keep arriving: a loaded machine ingests
    more slowly (a CI run ingested 196,000 of 510,000 lines in a fixed minute), so only a tailer
    that adds no row for `stall` seconds ends the wait; the caller's assertion says what is
    missing."""
    path = settings.database_path
    seen = row_count(path)
    while seen < expected:
        if not wait_until(lambda before=seen: row_count(path) > before, timeout=stall):
            return
        seen = row_count(path)


def rotate_by_rename(path: Path, keep: int = 50) -> None:
    """logrotate `create` style: shift path.N up by one, rename path to path.1, create path."""
    for index in range(keep - 1, 0, -1):
        older = path.with_name(f"{path.name}.{index}")
        if older.exists():
            older.rename(path.with_name(f"{path.name}.{index + 1}"))
    path.rename(path.with_name(f"{path.name}.1"))
    path.touch()


def test_identical_lines_are_separate_rows(settings: Settings, log_path: Path) -> None:
    line = json_line("same", correlation_id="r1")
    append(log_path, [line] * 1000)
    assert ingest_once(settings) == 1000
    assert ingested_messages(settings.database_path) == Counter({"same": 1000})


def test_rename_rotation_mid_write(settings: Settings, log_path: Path) -> None:
    service = start_service(settings)
    writer = BackgroundWriter(log_path, prefix="rot").start()
    for _ in range(8):
        time.sleep(0.08)
        rotate_by_rename(log_path)
    written = writer.stop()
    wait_for_rows(settings, sum(written.values()))
    time.sleep(0.5)
    service.stop()
    assert ingested_messages(settings.database_path) == written


def test_rename_rotation_while_stopped_finishes_old_file_first(
    settings: Settings, log_path: Path
) -> None:
    append(log_path, [json_line(f"a{i}") for i in range(100)])
    assert ingest_once(settings) == 100
    append(log_path, [json_line(f"b{i}") for i in range(50)])
    append(log_path, [json_line("b-partial")[:20]], newline=False)
    rotate_by_rename(log_path)
    append(log_path, [json_line(f"c{i}") for i in range(30)])
    rotate_by_rename(log_path)
    append(log_path, [json_line(f"d{i}") for i in range(10)])
    assert ingest_once(settings) == 50 + 1 + 30 + 10
    conn = sqlite3.connect(settings.database_path)
    messages = [row[0] for row in conn.execute("SELECT message FROM backend_logs ORDER BY id")]
    expected_order = (
        [f"a{i}" for i in range(100)]
        + [f"b{i}" for i in range(50)]
        + [json_line("b-partial")[:20]]
        + [f"c{i}" for i in range(30)]
        + [f"d{i}" for i in range(10)]
    )
    assert messages[:150] == expected_order[:150]
    assert messages[151:] == expected_order[151:]
    assert conn.execute("SELECT parse_error FROM backend_logs WHERE id = 151").fetchone() == (1,)


def copytruncate(path: Path, writer_lock: threading.Lock) -> None:
    """logrotate `copytruncate`, with the writer held off between copy and truncate."""
    with writer_lock:
        shutil.copyfile(path, path.with_name(f"{path.name}.1"))
        os.truncate(path, 0)


def test_copytruncate_mid_write(settings: Settings, log_path: Path) -> None:
    service = start_service(settings)
    writer = BackgroundWriter(log_path, prefix="ct").start()
    for index in range(5):
        time.sleep(0.1)
        rotated = log_path.with_name(f"{log_path.name}.1")
        if rotated.exists():
            rotated.rename(log_path.with_name(f"{log_path.name}.{index + 2}"))
        copytruncate(log_path, writer.writer.lock)
    written = writer.stop()
    wait_for_rows(settings, sum(written.values()))
    time.sleep(0.3)
    service.stop()
    assert ingested_messages(settings.database_path) == written


def test_copytruncate_while_stopped_reads_unread_tail_from_copy(
    settings: Settings, log_path: Path
) -> None:
    append(log_path, [json_line(f"a{i}") for i in range(40)])
    assert ingest_once(settings) == 40
    append(log_path, [json_line(f"b{i}") for i in range(40)])
    copytruncate(log_path, threading.Lock())
    append(log_path, [json_line(f"c{i}") for i in range(5)])
    assert ingest_once(settings) == 45
    expected = Counter([f"a{i}" for i in range(40)] + [f"b{i}" for i in range(40)])
    expected.update(f"c{i}" for i in range(5))
    assert ingested_messages(settings.database_path) == expected


@contextmanager
def running_tailer(settings: Settings, log_path: Path) -> Iterator[LogTailer]:
    """One tailer kept across polls (a service's), polled by the test itself."""
    store = TailStore(settings.database_path, str(log_path))
    tailer = LogTailer(log_path, store, batch_size=50, rotation_grace_seconds=0)
    try:
        yield tailer
    finally:
        tailer.close()
        store.close()


def messages(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(count)]


def test_copytruncate_twice_between_polls_reads_every_generation(
    settings: Settings, log_path: Path
) -> None:
    """The generation written between two truncations lives only in the newer copy."""
    with running_tailer(settings, log_path) as tailer:
        append(log_path, [json_line(m) for m in messages("a", 30)])
        assert tailer.ingest_available() == 30
        append(log_path, [json_line(m) for m in messages("b", 20)])
        copytruncate(log_path, threading.Lock())
        append(log_path, [json_line(m) for m in messages("c", 25)])
        log_path.with_name(f"{log_path.name}.1").rename(log_path.with_name(f"{log_path.name}.2"))
        copytruncate(log_path, threading.Lock())
        append(log_path, [json_line(m) for m in messages("d", 5)])
        assert tailer.ingest_available() == 20 + 25 + 5
    expected = Counter(messages("a", 30) + messages("b", 20) + messages("c", 25) + messages("d", 5))
    assert ingested_messages(settings.database_path) == expected


def test_copy_taken_but_not_yet_truncated_is_read_once(settings: Settings, log_path: Path) -> None:
    """A poll between copytruncate's copy and its truncation: the path still holds what the
    newest copy holds, so it goes on from the copy's end, not from its start."""
    rotated = log_path.with_name(f"{log_path.name}.1")
    with running_tailer(settings, log_path) as tailer:
        append(log_path, [json_line(m) for m in messages("a", 30)])
        assert tailer.ingest_available() == 30
        copytruncate(log_path, threading.Lock())
        append(log_path, [json_line(m) for m in messages("c", 25)])
        rotated.rename(log_path.with_name(f"{log_path.name}.2"))
        shutil.copyfile(log_path, rotated)
        assert tailer.ingest_available() == 25
        os.truncate(log_path, 0)
        append(log_path, [json_line(m) for m in messages("d", 5)])
        assert tailer.ingest_available() == 5
    expected = Counter(messages("a", 30) + messages("c", 25) + messages("d", 5))
    assert ingested_messages(settings.database_path) == expected


def test_truncation_while_stopped_then_growth_past_old_offset(
    settings: Settings, log_path: Path
) -> None:
    append(log_path, [json_line(f"old{i}") for i in range(20)])
    assert ingest_once(settings) == 20
    old_size = log_path.stat().st_size
    inode = log_path.stat().st_ino
    with open(log_path, "wb"):
        pass
    append(log_path, [json_line(f"new{i}") for i in range(60)])
    assert log_path.stat().st_size > old_size
    assert log_path.stat().st_ino == inode
    assert ingest_once(settings) == 60
    expected = Counter([f"old{i}" for i in range(20)] + [f"new{i}" for i in range(60)])
    assert ingested_messages(settings.database_path) == expected


def test_delete_and_recreate_is_a_new_file(settings: Settings, log_path: Path) -> None:
    append(log_path, [json_line(f"first{i}") for i in range(30)])
    assert ingest_once(settings) == 30
    log_path.unlink()
    append(log_path, [json_line(f"second{i}") for i in range(45)])
    assert ingest_once(settings) == 45
    expected = Counter([f"first{i}" for i in range(30)] + [f"second{i}" for i in range(45)])
    assert ingested_messages(settings.database_path) == expected


def test_restart_over_half_written_line(settings: Settings, log_path: Path) -> None:
    complete = json_line("finished-later", correlation_id="r9")
    append(log_path, [json_line("whole")])
    append(log_path, [complete[:25]], newline=False)
    assert ingest_once(settings) == 1
    append(log_path, [complete[25:]])
    assert ingest_once(settings) == 1
    assert ingested_messages(settings.database_path) == Counter(["whole", "finished-later"])
    conn = sqlite3.connect(settings.database_path)
    assert conn.execute("SELECT sum(parse_error) FROM backend_logs").fetchone() == (0,)


def test_malformed_binary_and_huge_lines_are_kept_and_flagged(
    settings: Settings, log_path: Path
) -> None:
    huge = json_line("x" * (1024 * 1024))
    append(
        log_path,
        [
            b"this is not json",
            b"\x00\x01\xff\xfe binary \x80",
            b'{"message": "bad utf8 \xff inside", "level": "warning"}',
            b"[1, 2, 3]",
            b"",
            huge.encode(),
            json_line("after-huge").encode(),
        ],
    )
    assert ingest_once(settings) == 7
    conn = sqlite3.connect(settings.database_path)
    rows = conn.execute(
        "SELECT message, level, parse_error, truncated FROM backend_logs ORDER BY id"
    ).fetchall()
    assert rows[0] == ("this is not json", "UNKNOWN", 1, 0)
    assert rows[1][2:] == (1, 0) and "\ufffd" in rows[1][0] and "binary" in rows[1][0]
    assert rows[2] == ("bad utf8 \ufffd inside", "WARNING", 0, 0)
    assert rows[3] == ("[1, 2, 3]", "UNKNOWN", 1, 0)
    assert rows[4] == ("", "UNKNOWN", 1, 0)
    assert rows[5][2:] == (1, 1)
    assert rows[5][0] == huge[:MAX_LINE_BYTES]
    assert rows[6] == ("after-huge", "INFO", 0, 0)


def test_huge_line_split_across_small_chunks(settings: Settings, log_path: Path) -> None:
    lines = [json_line("y" * 200_000), json_line("short"), "z" * 70_000]
    append(log_path, lines)
    store = TailStore(settings.database_path, str(log_path))
    tailer = LogTailer(log_path, store, batch_size=2, rotation_grace_seconds=0, chunk_bytes=4096)
    assert tailer.ingest_available() == 3
    tailer.close()
    store.close()
    conn = sqlite3.connect(settings.database_path)
    rows = conn.execute("SELECT message, truncated FROM backend_logs ORDER BY id").fetchall()
    assert rows == [(lines[0][:MAX_LINE_BYTES], 1), ("short", 0), (lines[2][:MAX_LINE_BYTES], 1)]


def test_locked_database_is_retried_not_skipped(settings: Settings, log_path: Path) -> None:
    blocker = sqlite3.connect(settings.database_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    service = start_service(settings, busy_timeout_ms=20)
    append(log_path, [json_line(f"locked{i}") for i in range(500)])
    assert wait_until(lambda: service.stats().lock_retries >= 3, timeout=30)
    assert row_count(settings.database_path) == 0
    blocker.execute("COMMIT")
    blocker.close()
    wait_for_rows(settings, 500)
    service.stop()
    assert ingested_messages(settings.database_path) == Counter(f"locked{i}" for i in range(500))


@pytest.mark.slow
def test_kill_minus_nine_at_random_instants_under_sustained_writes(
    settings: Settings, log_path: Path
) -> None:
    trials = 50
    rng = random.Random(20261121)
    settings.BACKEND_LOG_BATCH_SIZE = 37
    writer = BackgroundWriter(log_path, prefix="k9").start()
    for trial in range(trials):
        before = row_count(settings.database_path)
        tailer = TailerProcess(settings)
        # Kill only once this tailer is committing, at a random instant after that.
        assert wait_until(lambda b=before: row_count(settings.database_path) > b, timeout=30)
        time.sleep(rng.uniform(0, 0.1))
        tailer.kill()
        if trial % 10 == 9:
            rotate_by_rename(log_path)
    written = writer.stop()
    tailer = TailerProcess(settings)
    wait_for_rows(settings, sum(written.values()))
    time.sleep(0.3)
    tailer.terminate()
    assert ingested_messages(settings.database_path) == written


def test_rewrite_of_a_file_shorter_than_the_fingerprint(settings: Settings, log_path: Path) -> None:
    append(log_path, [json_line("tiny-1"), json_line("tiny-2")])
    assert log_path.stat().st_size < 1024
    assert ingest_once(settings) == 2
    with open(log_path, "wb"):
        pass
    append(log_path, [json_line(f"rewritten-{i}") for i in range(40)])
    assert ingest_once(settings) == 40
    expected = Counter(["tiny-1", "tiny-2"] + [f"rewritten-{i}" for i in range(40)])
    assert ingested_messages(settings.database_path) == expected
