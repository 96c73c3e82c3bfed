"""Plain `sqlite3` read connections for the API's hot reads: all of a request's database work (its
session check and its query) runs as one function on one connection, one hop to a worker thread,
instead of a hop per driver call through the async engine and aiosqlite (issue 20 item 6)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from control_plane.db.sqlite import BUSY_TIMEOUT_MS, apply_pragmas

T = TypeVar("T")

DEFAULT_READERS = 4
READ_CACHE_KIB = 8 * 1024


class _Readers:
    """A few threads, each with its own read-only connection, opened on first use."""

    def __init__(self, database_path: Path, readers: int, cache_kib: int) -> None:
        self._path = database_path
        self._cache_kib = cache_kib
        self._executor = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="db-read")
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Closed by close() from another thread, once its own thread has stopped.
            conn = sqlite3.connect(
                self._path,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
            apply_pragmas(conn, cache_kib=self._cache_kib)
            # A read path cannot write, whatever a caller passes it.
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return work(self._connection())

    def submit(self, work: Callable[[sqlite3.Connection], T]) -> Future[T]:
        return self._executor.submit(self._run, work)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()


class ReadConnections:
    """The app's read connections. close() stops their threads and closes them; a later run()
    opens new ones, as the engine's dispose() does, so an app served by two lifespans at once
    (test harnesses do) keeps reading after one of them ends."""

    def __init__(
        self,
        database_path: Path,
        *,
        readers: int = DEFAULT_READERS,
        cache_kib: int = READ_CACHE_KIB,
    ) -> None:
        self._path = database_path
        self._readers = readers
        self._cache_kib = cache_kib
        self._current: _Readers | None = None
        self._lock = threading.Lock()

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(connection)` on a reader thread; each statement sees the latest commit."""
        with self._lock:
            if self._current is None:
                self._current = _Readers(self._path, self._readers, self._cache_kib)
            future = self._current.submit(work)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        with self._lock:
            current, self._current = self._current, None
        if current is not None:
            current.close()
