"""WalCheckpointer: the WAL checkpoints of the log pipeline, off the writers' commits.

SQLite's automatic checkpoint runs inside the commit of whichever connection crosses 1,000 WAL
pages, so the tailer paid for copying the WAL back on its ingest path. The log writers turn it
off (db.sqlite `auto_checkpoint=False`) and this thread copies the WAL back with PASSIVE
checkpoints, which never wait for and never block a reader or a writer.

A PASSIVE checkpoint cannot restart the WAL while a reader keeps an older snapshot open, so
with a viewer querying back to back the WAL would only grow (retention writes hundreds of MB).
Once the WAL holds more than `restart_at_bytes` the checkpointer asks for a RESTART: it holds
the write lock until the readers of the WAL finish, so the next commit starts the WAL over.
That wait is the one writers see: it is asked only when the passive checkpoint before it left
little to copy, and each of its waits lasts at most `restart_busy_ms` (30 ms), longer only as
the WAL nears its soft limit (restart_busy_ms()). A viewer querying back to back over millions
of rows makes short restarts fail; retention then stops writing (logs.retention) until one
succeeds.

Exactly one checkpointer works per database: the holder of the database lock `wal-checkpoint`.
Another one (`logs prune` beside `logs follow`) tries the lock each cycle and takes over when
the holder exits.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import struct
import time
from pathlib import Path

from control_plane.background_service import BackgroundService
from control_plane.db.database_lock import DatabaseLock
from control_plane.db.sqlite import connect

logger = logging.getLogger("control_plane.logs.checkpoints")

CHECKPOINT_LOCK = "wal-checkpoint"
INTERVAL_SECONDS = 0.05
# A quarter of the WAL's 64 MiB soft limit (db.sqlite.JOURNAL_SIZE_LIMIT_BYTES), so a burst
# of deletes written while a restart waits still fits under it.
RESTART_AT_BYTES = 16 * 1024 * 1024
# Each of a restart's waits (for the write lock, then twice for readers) may take this long, and
# the later two hold the write lock: at 100 ms a traced restart held it 440 ms under load. A
# short wait fails more often; retention then waits for the WAL (logs.retention), not the tailer
# for the lock (docs/benchmarks.md, "Retention during ingestion").
RESTART_BUSY_MS = 30
# Past 24 MiB (where retention stops writing) a restart waits out a whole query of a viewer
# over millions of rows, and past 40 MiB two (a back-to-back viewer
# starts its next query before the copy is done): the limit then wins over a stall. A 1M-row
# run at load 10-13 with only the 100 ms step past 32 MiB reached 181 MiB, with 250 ms past
# 48 MiB 74 MiB at load 4-7, with these 61 MiB at load 3-5 (docs/benchmarks.md).
URGENT_RESTART_AT_BYTES = 24 * 1024 * 1024
URGENT_RESTART_BUSY_MS = 100
LAST_RESTART_AT_BYTES = 40 * 1024 * 1024
LAST_RESTART_BUSY_MS = 250
# A restart copies what the passive checkpoint before it could not (the frames written after a
# reader's snapshot) and syncs the database while it holds the write lock: it is asked only
# when that is little, so its hold is the wait for readers and not a copy of a delete burst.
RESTART_MAX_UNCOPIED_BYTES = 2 * 1024 * 1024
CACHE_KIB = 2 * 1024
MIN_LOCK_FREE_SECONDS = 0.12


def lock_free_pause(held_seconds: float) -> float:
    """How long to leave the write lock free after holding it. A waiting writer's busy
    handler sleeps up to 100 ms between tries, so shorter gaps could be missed again and
    again; twice the hold time keeps a holder to at most a third of the lock."""
    return max(MIN_LOCK_FREE_SECONDS, 2 * held_seconds)


# What one transaction of a deferrable writer (a retention batch, a full-text merge step) aims to
# hold the write lock for: a row the tailer commits behind it waits at most about this long.
TARGET_HOLD_SECONDS = 0.05


def paced_size(current: int, held_seconds: float, *, smallest: int, largest: int) -> int:
    """The size of a deferrable writer's next transaction (rows, pages) after one of `current`
    held the write lock `held_seconds`: halved past TARGET_HOLD_SECONDS, doubled under a third
    of it, within [smallest, largest]."""
    if held_seconds > TARGET_HOLD_SECONDS:
        return max(smallest, current // 2)
    if held_seconds < TARGET_HOLD_SECONDS / 3:
        return min(largest, current * 2)
    return current


# The wal-index header at the start of the -shm file, kept twice, then the checkpoint's
# nBackfill (https://sqlite.org/walformat.html): iVersion, unused, iChange, isInit,
# bigEndCksum, szPage, mxFrame, in native byte order.
WAL_INDEX_HEADER = struct.Struct("=IIIBBHI")
WAL_INDEX_HEADER_BYTES = 48
WAL_INDEX_BACKFILL = struct.Struct("=I")
WAL_INDEX_VERSION = 3007000
WAL_FRAME_HEADER_BYTES = 24


# Descriptors of -shm files this process reads, never closed: SQLite keeps its WAL locks as POSIX
# record locks on the -shm file, and closing ANY descriptor of a file drops every such lock the
# process holds on it (https://sqlite.org/howtocorrupt.html, 2.2). Reading the wal-index with
# open()/close() beside a tailer in the same process let another process write while the
# tailer held the write lock: "database disk image is malformed" in a benchmark run.
_WAL_INDEX_FDS: dict[str, int] = {}


def _wal_index_fd(shm_path: str) -> int:
    """A descriptor of the -shm file now at `shm_path`; a replaced file gets a new one (the old
    one stays open, for the same reason)."""
    inode = os.stat(shm_path).st_ino
    fd = _WAL_INDEX_FDS.get(shm_path)
    if fd is None or os.fstat(fd).st_ino != inode:
        fd = os.open(shm_path, os.O_RDONLY | os.O_CLOEXEC)
        _WAL_INDEX_FDS[shm_path] = fd
    return fd


def wal_backlog_bytes(database_path: Path) -> int | None:
    """Bytes in the WAL since it last started over, while some are not yet copied back (0 once
    all are: the next commit starts the WAL over unless a reader still holds its frames). Read
    from the wal-index without a lock or a checkpoint, a throttle's hint; None when there is no
    WAL or its header is being written. The WAL file's size says nothing of this: the file
    keeps its length when the WAL starts over."""
    try:
        index = os.pread(
            _wal_index_fd(f"{database_path}-shm"),
            2 * WAL_INDEX_HEADER_BYTES + WAL_INDEX_BACKFILL.size,
            0,
        )
    except FileNotFoundError:
        return None
    if len(index) < 2 * WAL_INDEX_HEADER_BYTES + WAL_INDEX_BACKFILL.size:
        return None
    if index[:WAL_INDEX_HEADER_BYTES] != index[WAL_INDEX_HEADER_BYTES : 2 * WAL_INDEX_HEADER_BYTES]:
        return None
    version, _, _, initialised, _, page, frames = WAL_INDEX_HEADER.unpack_from(index)
    if version != WAL_INDEX_VERSION or not initialised:
        return None
    (backfilled,) = WAL_INDEX_BACKFILL.unpack_from(index, 2 * WAL_INDEX_HEADER_BYTES)
    if backfilled >= frames:
        return 0
    page_bytes: int = 65536 if page == 1 else page
    backlog: int = frames * (page_bytes + WAL_FRAME_HEADER_BYTES)
    return backlog


def wal_has_room(database_path: Path, room_bytes: int) -> bool:
    """Room for a deferrable writer's next transaction (a retention batch, a full-text merge
    step): the WAL's backlog at most `room_bytes`. When the wal-index cannot be read (no -shm
    file, its header being written) the WAL file's size stands in, never less than the backlog,
    so the writer errs on waiting; with no WAL file there is room."""
    backlog = wal_backlog_bytes(database_path)
    if backlog is None:
        try:
            backlog = os.stat(f"{database_path}-wal").st_size
        except FileNotFoundError:
            return True
    return backlog <= room_bytes


def checkpoint(conn: sqlite3.Connection, mode: str) -> tuple[bool, int, int]:
    """(busy, frames in the WAL, frames copied back); frames are -1 when busy."""
    busy, frames, copied = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return bool(busy), frames, copied


def restart_busy_ms(wal_bytes: int, *, busy_ms: int, urgent_busy_ms: int) -> int:
    """How long a restart may wait for the write lock and for each group of readers."""
    if wal_bytes >= LAST_RESTART_AT_BYTES:
        return max(urgent_busy_ms, LAST_RESTART_BUSY_MS)
    return urgent_busy_ms if wal_bytes >= URGENT_RESTART_AT_BYTES else busy_ms


def should_restart(
    frames: int, copied: int, page_bytes: int, *, restart_at_bytes: int, max_uncopied_bytes: int
) -> bool:
    """After a PASSIVE checkpoint that found `frames` in the WAL and copied back `copied`."""
    wal_bytes = frames * page_bytes
    uncopied_bytes = (frames - copied) * page_bytes
    return wal_bytes >= restart_at_bytes and uncopied_bytes <= max_uncopied_bytes


class WalCheckpointer(BackgroundService):
    thread_name = "wal-checkpoint"
    logger = logger
    failure_message = "WAL checkpoint failed; retrying"
    failure_event = "wal_checkpoint_error"

    def __init__(
        self,
        database_path: Path,
        *,
        interval_seconds: float = INTERVAL_SECONDS,
        restart_at_bytes: int = RESTART_AT_BYTES,
        restart_busy_ms: int = RESTART_BUSY_MS,
        max_uncopied_bytes: int = RESTART_MAX_UNCOPIED_BYTES,
        urgent_restart_busy_ms: int = URGENT_RESTART_BUSY_MS,
    ) -> None:
        super().__init__()
        self.database_path = database_path
        self.interval_seconds = interval_seconds
        self.restart_at_bytes = restart_at_bytes
        self.restart_busy_ms = restart_busy_ms
        self.max_uncopied_bytes = max_uncopied_bytes
        self.urgent_restart_busy_ms = urgent_restart_busy_ms
        self._lock = DatabaseLock.for_database(database_path, CHECKPOINT_LOCK)
        self._conn: sqlite3.Connection | None = None
        self._page_bytes = 4096
        self._pause = interval_seconds
        self.restarts = 0
        self.restarts_busy = 0
        self.longest_restart_seconds = 0.0

    @property
    def owns_checkpoints(self) -> bool:
        return self._lock.held

    def open(self) -> None:
        self._conn = connect(
            self.database_path,
            busy_timeout_ms=self.restart_busy_ms,
            cache_kib=CACHE_KIB,
            auto_checkpoint=False,
        )
        (self._page_bytes,) = self._conn.execute("PRAGMA page_size").fetchone()

    def cycle(self) -> bool:
        if self._conn is None:
            raise RuntimeError("the checkpointer's thread has not opened its connection")
        self._pause = self.interval_seconds
        if not self._lock.try_acquire():
            return False
        busy, frames, copied = checkpoint(self._conn, "PASSIVE")
        if busy or not should_restart(
            frames,
            copied,
            self._page_bytes,
            restart_at_bytes=self.restart_at_bytes,
            max_uncopied_bytes=self.max_uncopied_bytes,
        ):
            return False
        busy_ms = restart_busy_ms(
            frames * self._page_bytes,
            busy_ms=self.restart_busy_ms,
            urgent_busy_ms=self.urgent_restart_busy_ms,
        )
        self._conn.execute(f"PRAGMA busy_timeout={busy_ms}")
        started = time.perf_counter()
        busy, _, _ = checkpoint(self._conn, "RESTART")
        held = time.perf_counter() - started
        self.longest_restart_seconds = max(self.longest_restart_seconds, held)
        self.restarts += 1
        self.restarts_busy += busy
        # A waiting writer's busy handler sleeps up to 100 ms between tries: leave the write
        # lock free long enough for it to get in before asking again.
        self._pause = max(self.interval_seconds, lock_free_pause(held))
        return False

    def idle(self) -> None:
        self._stop_event.wait(self._pause)

    def close(self) -> None:
        if self._conn is not None:
            if self._lock.held:
                # What is left goes back too; a reader still in it keeps its frames.
                checkpoint(self._conn, "PASSIVE")
            self._conn.close()
            self._conn = None
        self._lock.release()
