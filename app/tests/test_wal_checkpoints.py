"""WalCheckpointer against real SQLite files: the WAL stays bounded while a reader queries back
to back, the log writers leave checkpoints to it, and one checkpointer works per database."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from control_plane.db.sqlite import connect
from control_plane.logs.checkpoints import WalCheckpointer
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
