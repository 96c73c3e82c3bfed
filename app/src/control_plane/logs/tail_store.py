"""Writes tailed rows and the tail position in one SQLite transaction."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from control_plane.background_service import ServiceStopped
from control_plane.db.sqlite import connect
from control_plane.logs import fts
from control_plane.logs.file_identity import FilePosition
from control_plane.logs.line_parser import Row

INSERT_ROW = (
    "INSERT INTO backend_logs (ts, level, logger, event, message, correlation_id, strategy_id,"
    " source, parse_error, truncated, payload, ingested_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 'backend', ?, ?, ?, ?)"
)
UPSERT_POSITION = """
INSERT INTO log_tail_positions (stream, dev, ino, fingerprint, fingerprint_len, file_offset,
    lag_bytes, lines_total, parse_errors_total, last_ingest_at, updated_at)
VALUES (:stream, :dev, :ino, :fingerprint, :fingerprint_len, :offset, :lag, :lines,
    :parse_errors, :last_ingest_at, :now)
ON CONFLICT (stream) DO UPDATE SET
    dev = excluded.dev, ino = excluded.ino, fingerprint = excluded.fingerprint,
    fingerprint_len = excluded.fingerprint_len, file_offset = excluded.file_offset,
    lag_bytes = excluded.lag_bytes,
    lines_total = log_tail_positions.lines_total + excluded.lines_total,
    parse_errors_total = log_tail_positions.parse_errors_total + excluded.parse_errors_total,
    last_ingest_at = coalesce(excluded.last_ingest_at, log_tail_positions.last_ingest_at),
    updated_at = excluded.updated_at
"""
MAX_BACKOFF_SECONDS = 1.0
TAILER_CACHE_KIB = 128 * 1024


def now_us() -> int:
    return time.time_ns() // 1000


def is_lock_error(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class TailStore:
    def __init__(
        self,
        db_path: Path,
        stream: str,
        *,
        busy_timeout_ms: int = 5000,
        stop_event: threading.Event | None = None,
    ) -> None:
        self.stream = stream
        # Index pages touched by random keys (correlation ids) stay cached between batches.
        self._conn = connect(db_path, busy_timeout_ms=busy_timeout_ms, cache_kib=TAILER_CACHE_KIB)
        self._stop_event = stop_event or threading.Event()
        self.lock_retries = 0

    def close(self) -> None:
        self._conn.close()

    def load_position(self) -> FilePosition | None:
        row = self._conn.execute(
            "SELECT dev, ino, fingerprint, fingerprint_len, file_offset FROM log_tail_positions"
            " WHERE stream = ?",
            (self.stream,),
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return FilePosition(row[0], row[1], row[2] or "", row[3], row[4])

    def commit(
        self, rows: Sequence[Row], position: FilePosition, *, lag_bytes: int, parse_errors: int
    ) -> None:
        """Insert rows and move the position atomically; a locked database is retried, never
        skipped."""
        stamp = now_us()
        params = {
            "stream": self.stream,
            "dev": position.dev,
            "ino": position.ino,
            "fingerprint": position.fingerprint,
            "fingerprint_len": position.fingerprint_len,
            "offset": position.offset,
            "lag": lag_bytes,
            "lines": len(rows),
            "parse_errors": parse_errors,
            "last_ingest_at": stamp if rows else None,
            "now": stamp,
        }

        def write(conn: sqlite3.Connection) -> None:
            if rows:
                conn.executemany(INSERT_ROW, rows)
            conn.execute(UPSERT_POSITION, params)

        self.run_in_transaction(write)

    def heartbeat(self, lag_bytes: int) -> None:
        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO log_tail_positions (stream, lag_bytes, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (stream) DO UPDATE SET lag_bytes = excluded.lag_bytes,"
                " updated_at = excluded.updated_at",
                (self.stream, lag_bytes, now_us()),
            )

        self.run_in_transaction(write)

    def index_full_text(self, max_rows: int) -> int:
        """Add rows past the FTS watermark to the full-text index; returns rows indexed."""
        indexed = 0
        through, newest = self._conn.execute(
            "SELECT indexed_through, (SELECT max(id) FROM backend_logs)"
            " FROM backend_logs_fts_state WHERE id = 1"
        ).fetchone()
        if newest is None or newest <= through:
            return 0

        def write(conn: sqlite3.Connection) -> None:
            nonlocal indexed
            (through,) = conn.execute(fts.READ_WATERMARK).fetchone()
            bounds = {"through": through, "max_rows": max_rows}
            upper = conn.execute(fts.UPPER_BOUND, bounds).fetchone()[0]
            if upper is None:
                indexed = 0
                return
            indexed = conn.execute(fts.INDEX_RANGE, {"through": through, "upper": upper}).rowcount
            conn.execute(fts.MOVE_WATERMARK, {"upper": upper})

        self.run_in_transaction(write)
        return indexed

    def run_in_transaction(self, write: Callable[[sqlite3.Connection], None]) -> None:
        attempt = 0
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    write(self._conn)
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                return
            except sqlite3.OperationalError as exc:
                if not is_lock_error(exc):
                    raise
                attempt += 1
                self.lock_retries += 1
                delay = min(MAX_BACKOFF_SECONDS, 0.01 * 2 ** min(attempt, 10))
                if self._stop_event.wait(delay):
                    # Nothing was committed; the service stops where it was.
                    raise ServiceStopped from exc
