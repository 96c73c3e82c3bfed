"""Synchronous SQLite connections with the pragmas every writer of the database shares."""

from __future__ import annotations

import sqlite3
from pathlib import Path

BUSY_TIMEOUT_MS = 5000


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


DEFAULT_CACHE_KIB = 32 * 1024
# The WAL file is cut back to this size after a checkpoint, so it cannot stay large.
JOURNAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024


def connect(
    path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, cache_kib: int = DEFAULT_CACHE_KIB
) -> sqlite3.Connection:
    """Open a connection in explicit-transaction mode (BEGIN/COMMIT issued by the caller)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    apply_pragmas(conn, busy_timeout_ms=busy_timeout_ms, cache_kib=cache_kib)
    return conn


def apply_pragmas(
    conn: sqlite3.Connection,
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    cache_kib: int = DEFAULT_CACHE_KIB,
) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
    conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT_BYTES}")
    conn.execute("PRAGMA temp_store=MEMORY")
