"""WalCheckpointer against real SQLite files: the WAL stays bounded while a reader queries back
to back, the log writers leave checkpoints to it, and one checkpointer works per database; the
WAL's backlog read from the wal-index, and the log writers' polled write lock."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from control_plane.db.sqlite import begin_immediate_polled, connect
from control_plane.logs.checkpoints import (
    LAST_RESTART_AT_BYTES,
    LAST_RESTART_BUSY_MS,
    RESTART_AT_BYTES,
    RESTART_BUSY_MS,
    RESTART_MAX_UNCOPIED_BYTES,
    URGENT_RESTART_AT_BYTES,
    URGENT_RESTART_BUSY_MS,
    WalCheckpointer,
    restart_busy_ms,
    should_restart,
    wal_backlog_bytes,
    wal_has_room,
)
from control_plane.logs.full_text import MERGE_WAL_ROOM_BYTES
from control_plane.logs.retention import WAL_ROOM_BYTES
from control_plane.logs.tail_store import TailStore
from control_plane.settings import Settings
from tests.polling import poll

MIB = 1024 * 1024


def wal_bytes(database: Path) -> int:
    wal = Path(f"{database}-wal")
    return wal.stat().st_size if wal.exists() else 0


def write_while_reading(database: Path, *, megabytes: int) -> int:
    """Write `megabytes` of rows in small transactions, checkpoints left to others, while a
    reader scans the table back to back; returns the largest WAL file seen."""
    setup = connect(database)
    setup.execute("CREATE TABLE IF NOT EXISTS filler (blob BLOB)")
    setup.close()
    stop = threading.Event()

    def read() -> None:
        reader = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        while not stop.is_set():
            reader.execute("SELECT count(*), sum(length(blob)) FROM filler").fetchone()
        reader.close()

    reader = threading.Thread(target=read)
    reader.start()
    writer = connect(database, auto_checkpoint=False)
    largest = 0
    try:
        for _ in range(megabytes * 16):
            writer.execute("BEGIN IMMEDIATE")
            writer.executemany("INSERT INTO filler VALUES (randomblob(8000))", [()] * 8)
            writer.execute("COMMIT")
            largest = max(largest, wal_bytes(database))
            # About 10 MB/s, more than retention writes; commits with gaps, as a tailer's.
            stop.wait(0.005)
    finally:
        writer.close()
        stop.set()
        reader.join()
    return largest


def test_the_wal_grows_without_a_checkpointer_while_a_reader_queries(
    settings: Settings,
) -> None:
    # The baseline the next test is measured against: nothing takes the WAL back.
    assert write_while_reading(settings.database_path, megabytes=32) > 28 * MIB


def test_the_checkpointer_keeps_the_wal_bounded_while_a_reader_queries(
    settings: Settings,
) -> None:
    checkpointer = WalCheckpointer(
        settings.database_path, interval_seconds=0.01, restart_at_bytes=2 * MIB
    )
    checkpointer.start()
    try:
        largest = write_while_reading(settings.database_path, megabytes=32)
    finally:
        checkpointer.stop()
    assert checkpointer.restarts > 0
    # Restarts every 2 MiB; what a busy machine adds between two of them stays well under
    # the 32 MiB written.
    assert largest < 16 * MIB, f"WAL reached {largest / MIB:.1f} MiB"


def test_the_log_writers_leave_checkpoints_to_the_checkpointer(settings: Settings) -> None:
    store = TailStore(settings.database_path, "backend.log")
    try:
        assert store._conn.execute("PRAGMA wal_autocheckpoint").fetchone() == (0,)
    finally:
        store.close()
    plain = connect(settings.database_path)
    try:
        assert plain.execute("PRAGMA wal_autocheckpoint").fetchone() == (1000,)
    finally:
        plain.close()


def test_one_checkpointer_works_per_database_and_another_takes_over(
    settings: Settings,
) -> None:
    first = WalCheckpointer(settings.database_path, interval_seconds=0.01)
    second = WalCheckpointer(settings.database_path, interval_seconds=0.01)
    first.start()
    assert poll(lambda: first.owns_checkpoints, timeout=5, interval=0.01)
    second.start()
    try:
        threading.Event().wait(0.1)
        assert not second.owns_checkpoints
        first.stop()
        assert poll(lambda: second.owns_checkpoints, timeout=5, interval=0.01)
    finally:
        first.stop()
        second.stop()


def wal_frames(conn: sqlite3.Connection) -> tuple[int, int]:
    """(frames in the WAL, frames copied back) by a PASSIVE checkpoint."""
    _, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return frames, copied


def test_the_wal_backlog_is_read_from_the_wal_index(settings: Settings) -> None:
    writer = connect(settings.database_path, auto_checkpoint=False)
    reader = sqlite3.connect(settings.database_path, isolation_level=None)
    try:
        (page,) = writer.execute("PRAGMA page_size").fetchone()
        writer.execute("CREATE TABLE filler (blob BLOB)")
        assert wal_frames(writer)[0] == wal_frames(writer)[1]
        assert wal_backlog_bytes(settings.database_path) == 0  # all copied back
        # A reader's old snapshot keeps what is written after it from being copied back.
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM filler").fetchone()
        writer.executemany("INSERT INTO filler VALUES (randomblob(4000))", [()] * 200)
        frames, copied = wal_frames(writer)
        assert copied < frames
        assert wal_backlog_bytes(settings.database_path) == frames * (page + 24)
        reader.execute("COMMIT")
        frames, copied = wal_frames(writer)
        assert frames == copied and wal_backlog_bytes(settings.database_path) == 0
    finally:
        reader.close()
        writer.close()


def test_reading_the_wal_index_keeps_the_write_lock_this_process_holds(
    settings: Settings,
) -> None:
    """SQLite's WAL locks are POSIX locks on the -shm file, dropped when the process closes any
    descriptor of it: after the read, another process must still find the write lock held."""
    holder = connect(settings.database_path, auto_checkpoint=False)
    try:
        holder.execute("CREATE TABLE filler (blob BLOB)")
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO filler VALUES (randomblob(100))")
        for _ in range(2):
            assert wal_backlog_bytes(settings.database_path) is not None
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys\n"
                "conn = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
                "conn.execute('BEGIN IMMEDIATE')",
                str(settings.database_path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert other.returncode != 0 and "database is locked" in other.stderr
        holder.execute("COMMIT")
    finally:
        holder.close()


def test_no_wal_index_no_backlog(tmp_path: Path) -> None:
    assert wal_backlog_bytes(tmp_path / "none.db") is None
    assert wal_has_room(tmp_path / "none.db", WAL_ROOM_BYTES)


@pytest.mark.parametrize("room", [WAL_ROOM_BYTES, MERGE_WAL_ROOM_BYTES])
@pytest.mark.parametrize("shm", ["absent", "header being written"])
def test_an_unreadable_wal_index_leaves_the_wal_file_size_to_decide(
    tmp_path: Path, room: int, shm: str
) -> None:
    """Retention and the full-text merge ask the same question the same way: when the
    wal-index cannot be read, a WAL file past the room is no room (the file is never smaller
    than the backlog), one within it is room."""
    database = tmp_path / "logs.db"
    if shm == "header being written":
        # The two copies of the wal-index header differ while a writer updates them.
        Path(f"{database}-shm").write_bytes(bytes(48) + b"\x01" + bytes(47 + 4))
    assert wal_backlog_bytes(database) is None
    wal = Path(f"{database}-wal")
    wal.write_bytes(b"")
    os.truncate(wal, room + 1)
    assert not wal_has_room(database, room)
    os.truncate(wal, room)
    assert wal_has_room(database, room)


def test_retention_has_no_room_while_a_reader_holds_back_half_the_soft_limit(
    settings: Settings,
) -> None:
    writer = connect(settings.database_path, auto_checkpoint=False)
    reader = sqlite3.connect(settings.database_path, isolation_level=None)
    try:
        writer.execute("CREATE TABLE filler (blob BLOB)")
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM filler").fetchone()
        rows = 0
        while (wal_backlog_bytes(settings.database_path) or 0) <= WAL_ROOM_BYTES:
            writer.executemany("INSERT INTO filler VALUES (randomblob(8000))", [()] * 256)
            rows += 256
            assert rows < 20_000, "the WAL backlog never grew"
            if (wal_backlog_bytes(settings.database_path) or 0) <= WAL_ROOM_BYTES:
                assert wal_has_room(settings.database_path, WAL_ROOM_BYTES)
        assert not wal_has_room(settings.database_path, WAL_ROOM_BYTES)
        reader.execute("COMMIT")
        wal_frames(writer)
        assert wal_has_room(settings.database_path, WAL_ROOM_BYTES)
    finally:
        reader.close()
        writer.close()


def test_the_polled_write_lock_waits_for_the_holder_and_keeps_the_busy_timeout(
    settings: Settings,
) -> None:
    held = threading.Event()

    def hold() -> None:
        holder = connect(settings.database_path)
        holder.execute("BEGIN IMMEDIATE")
        held.set()
        threading.Event().wait(0.2)
        holder.execute("COMMIT")
        holder.close()

    holding = threading.Thread(target=hold)
    holding.start()
    waiter = connect(settings.database_path, busy_timeout_ms=5000)
    try:
        assert held.wait(5)
        busy = begin_immediate_polled(waiter, poll_s=0.002)
        assert busy > 0 and waiter.in_transaction  # found it held, tried again, got it
        waiter.execute("COMMIT")
        assert waiter.execute("PRAGMA busy_timeout").fetchone() == (5000,)
    finally:
        holding.join()
        waiter.close()


def test_the_polled_write_lock_gives_up_after_the_busy_timeout(settings: Settings) -> None:
    holder = connect(settings.database_path)
    waiter = connect(settings.database_path, busy_timeout_ms=50)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            begin_immediate_polled(waiter, poll_s=0.002)
        assert not waiter.in_transaction
        assert waiter.execute("PRAGMA busy_timeout").fetchone() == (50,)
        # Any other error is not waited out.
        holder.execute("COMMIT")
        waiter.execute("BEGIN")
        with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
            begin_immediate_polled(waiter)
        waiter.execute("ROLLBACK")
    finally:
        holder.close()
        waiter.close()


def test_a_restart_is_asked_only_when_it_has_little_left_to_copy_under_the_lock() -> None:
    page = 4096
    at = RESTART_AT_BYTES // page
    most = RESTART_MAX_UNCOPIED_BYTES // page

    def asked(frames: int, copied: int) -> bool:
        return should_restart(
            frames,
            copied,
            page,
            restart_at_bytes=RESTART_AT_BYTES,
            max_uncopied_bytes=RESTART_MAX_UNCOPIED_BYTES,
        )

    assert not asked(at - 1, at - 1)  # a small WAL is left to the passive checkpoints
    assert asked(at, at) and asked(at + most, at)
    # A reader's old snapshot held back more than that: the restart would copy it (and sync
    # the database) holding the write lock; the next cycle asks again.
    assert not asked(at + most + 1, at)


def test_a_restart_waits_longer_only_once_the_wal_is_past_half_its_soft_limit() -> None:
    def busy(wal_bytes: int) -> int:
        return restart_busy_ms(
            wal_bytes, busy_ms=RESTART_BUSY_MS, urgent_busy_ms=URGENT_RESTART_BUSY_MS
        )

    assert RESTART_BUSY_MS < URGENT_RESTART_BUSY_MS
    assert busy(RESTART_AT_BYTES) == busy(URGENT_RESTART_AT_BYTES - 1) == RESTART_BUSY_MS
    assert busy(URGENT_RESTART_AT_BYTES) == busy(LAST_RESTART_AT_BYTES - 1)
    assert busy(URGENT_RESTART_AT_BYTES) == URGENT_RESTART_BUSY_MS
    assert busy(LAST_RESTART_AT_BYTES) == LAST_RESTART_BUSY_MS > URGENT_RESTART_BUSY_MS
    assert URGENT_RESTART_AT_BYTES <= WAL_ROOM_BYTES
