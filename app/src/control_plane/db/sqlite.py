"""The one way the app reaches SQLite: the PRAGMAs every connection shares, synchronous `sqlite3`
connections for worker threads and the tailer, and write transactions. The async engine of the
HTTP side is db.engine; Core statements on these connections are db.statements. No SQLAlchemy
here: the tailer process imports this module, and its restart time is its import time.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import orjson

T = TypeVar("T")

BUSY_TIMEOUT_MS = 5000
DEFAULT_CACHE_KIB = 32 * 1024
# The WAL file is cut back to this size after a checkpoint, so it cannot stay large.
JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024
PROBE_TIMEOUT_S = 1.0
# SQLite's own busy handler sleeps 1, 2, 5 ... 50, 100 ms between tries, so a writer waiting
# on a 150 ms transaction gets in at 178 ms and on a 230 ms one at 328 ms.
WRITE_LOCK_POLL_S = 0.002


def pragma_statements(
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    cache_kib: int | None = DEFAULT_CACHE_KIB,
    auto_checkpoint: bool = True,
) -> list[str]:
    """The PRAGMAs of every connection; `cache_kib=None` keeps SQLite's default page cache and
    temp store (the async engine's pool, up to 15 connections, does). `auto_checkpoint=False`
    for the log writers, whose checkpoints logs.checkpoints takes off their commits."""
    statements = [
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        f"PRAGMA busy_timeout={int(busy_timeout_ms)}",
        "PRAGMA foreign_keys=ON",
        f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}",
    ]
    if not auto_checkpoint:
        statements.append("PRAGMA wal_autocheckpoint=0")
    if cache_kib is not None:
        statements += [f"PRAGMA cache_size=-{int(cache_kib)}", "PRAGMA temp_store=MEMORY"]
    return statements


def prepare_database_file(path: Path) -> None:
    """Create the data directory and switch a new database to WAL with incremental vacuum.

    auto_vacuum only takes effect before the first table exists, so it is set here, before
    Alembic creates its version table.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if not has_tables:
            conn.execute("PRAGMA auto_vacuum=INCREMENTAL")
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def apply_pragmas(
    conn: sqlite3.Connection,
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    cache_kib: int = DEFAULT_CACHE_KIB,
    auto_checkpoint: bool = True,
) -> None:
    for pragma in pragma_statements(
        busy_timeout_ms=busy_timeout_ms, cache_kib=cache_kib, auto_checkpoint=auto_checkpoint
    ):
        conn.execute(pragma)


def connect(
    path: Path,
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    cache_kib: int = DEFAULT_CACHE_KIB,
    auto_checkpoint: bool = True,
) -> sqlite3.Connection:
    """Open a connection in explicit-transaction mode (BEGIN/COMMIT issued by the caller)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    apply_pragmas(
        conn, busy_timeout_ms=busy_timeout_ms, cache_kib=cache_kib, auto_checkpoint=auto_checkpoint
    )
    return conn


def open_connection(
    database_path: Path, *, cache_kib: int = DEFAULT_CACHE_KIB
) -> sqlite3.Connection:
    """`connect` with rows readable by column name (`sqlite3.Row`)."""
    conn = connect(database_path, cache_kib=cache_kib)
    conn.row_factory = sqlite3.Row
    return conn


def with_connection(
    database_path: Path,
    work: Callable[[sqlite3.Connection], T],
    *,
    cache_kib: int = DEFAULT_CACHE_KIB,
) -> T:
    conn = open_connection(database_path, cache_kib=cache_kib)
    try:
        return work(conn)
    finally:
        conn.close()


async def in_worker_thread(database_path: Path, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run blocking database work off the event loop, on a connection of its own."""
    return await asyncio.to_thread(with_connection, database_path, work)


def probe_connection(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A short-lived connection for health and metrics probes: a 1 s busy timeout and no
    PRAGMAs, so a probe never waits long on a busy database; read-only when asked."""
    if read_only:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=PROBE_TIMEOUT_S)
    return sqlite3.connect(path, timeout=PROBE_TIMEOUT_S, isolation_level=None)


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT; inside an open transaction, part of that one (so a batch of
    operations, like the demo's history, can commit once)."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def read_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One snapshot for several reads (a deferred BEGIN takes no lock until the first read);
    inside an open transaction, part of that one."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


def begin_immediate_polled(conn: sqlite3.Connection, *, poll_s: float = WRITE_LOCK_POLL_S) -> int:
    """BEGIN IMMEDIATE, tried every `poll_s` for as long as the connection's busy timeout (then
    SQLite's "database is locked"), so a latency-bound writer gets the lock within milliseconds
    of its release; returns how many tries found it held."""
    (timeout_ms,) = conn.execute("PRAGMA busy_timeout").fetchone()
    conn.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + timeout_ms / 1000
        busy = 0
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return busy
            except sqlite3.OperationalError as exc:
                if (
                    exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY
                    or time.monotonic() >= deadline
                ):
                    raise
            busy += 1
            time.sleep(poll_s)
    finally:
        conn.execute(f"PRAGMA busy_timeout={int(timeout_ms)}")


def dumps(value: Any) -> str:
    """JSON text for a TEXT column."""
    return orjson.dumps(value).decode()
