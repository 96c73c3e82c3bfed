"""Writes tailed rows and the tail position in one SQLite transaction."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, literal_column, select
from sqlalchemy.dialects.sqlite import insert as upsert

from control_plane.background_service import ServiceStopped
from control_plane.db.schema import LOG_SOURCES, LogSource, backend_logs, log_tail_positions
from control_plane.db.sqlite import begin_immediate_polled, connect, probe_connection
from control_plane.db.statements import sqlite3_text
from control_plane.logs import correlations, fts, volume
from control_plane.logs.file_identity import FilePosition
from control_plane.logs.line_parser import Row
from control_plane.times import now_us

# The order of line_parser.Row.
ROW_COLUMNS = (
    "ts",
    "level",
    "logger",
    "event",
    "message",
    "correlation_id",
    "strategy_id",
    "parse_error",
    "truncated",
    "payload",
    "ingested_at",
)


# Rows go into backend_logs this many to a statement (one VALUES list of them): a statement per
# row opened and closed a cursor on the table, each of its indexes and log_correlations' for
# every row (docs/benchmarks.md, "Lines per CPU-second against today's code").
ROWS_PER_INSERT = 64


@cache
def insert_row_statement(source: LogSource, rows: int = 1) -> str:
    """Every row of a tailed file carries the file's source; `rows` rows' parameters in a row,
    each in ROW_COLUMNS order."""
    if source not in LOG_SOURCES:
        raise ValueError(f"unknown log source {source!r}")
    values: dict[str, Any] = {
        name: bindparam(name) for name in ROW_COLUMNS if name != "correlation_id"
    }
    values["correlation"] = correlations.interned(bindparam("correlation_id"))
    values["source"] = literal_column(f"'{source}'")
    return sqlite3_text(
        insert(backend_logs).values([values] * rows),
        positional=ROW_COLUMNS * rows,
    )


INTERN_CORRELATIONS = sqlite3_text(correlations.INTERN, positional=("correlation_id",))
CORRELATION_AT = ROW_COLUMNS.index("correlation_id")


def insert_rows(conn: sqlite3.Connection, source: LogSource, rows: Sequence[Row]) -> None:
    """Rows in ROW_COLUMNS order, all of `source`, their correlation ids interned first (same
    transaction); ids follow the rows' order."""
    ids = {row[CORRELATION_AT] for row in rows}
    ids.discard(None)
    conn.executemany(INTERN_CORRELATIONS, [(value,) for value in ids])
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    if whole:
        conn.executemany(
            insert_row_statement(source, ROWS_PER_INSERT),
            (
                tuple(chain.from_iterable(rows[start : start + ROWS_PER_INSERT]))
                for start in range(0, whole, ROWS_PER_INSERT)
            ),
        )
    if whole < len(rows):
        conn.executemany(insert_row_statement(source), rows[whole:])


POSITIONS = log_tail_positions.c
LOAD_POSITION = sqlite3_text(
    select(
        POSITIONS.dev,
        POSITIONS.ino,
        POSITIONS.fingerprint,
        POSITIONS.fingerprint_len,
        POSITIONS.file_offset,
    ).where(POSITIONS.stream == bindparam("stream"))
)
_position = upsert(log_tail_positions).values(
    {column.name: bindparam(column.name) for column in log_tail_positions.columns}
)
# Totals add up across commits; the last ingest time stays when a commit brings no rows.
UPSERT_POSITION = sqlite3_text(
    _position.on_conflict_do_update(
        index_elements=[POSITIONS.stream],
        set_={
            "dev": _position.excluded.dev,
            "ino": _position.excluded.ino,
            "fingerprint": _position.excluded.fingerprint,
            "fingerprint_len": _position.excluded.fingerprint_len,
            "file_offset": _position.excluded.file_offset,
            "lag_bytes": _position.excluded.lag_bytes,
            "lines_total": POSITIONS.lines_total + _position.excluded.lines_total,
            "parse_errors_total": (
                POSITIONS.parse_errors_total + _position.excluded.parse_errors_total
            ),
            "last_ingest_at": func.coalesce(
                _position.excluded.last_ingest_at, POSITIONS.last_ingest_at
            ),
            "updated_at": _position.excluded.updated_at,
        },
    )
)
_heartbeat = upsert(log_tail_positions).values(
    stream=bindparam("stream"), lag_bytes=bindparam("lag_bytes"), updated_at=bindparam("now")
)
HEARTBEAT = sqlite3_text(
    _heartbeat.on_conflict_do_update(
        index_elements=[POSITIONS.stream],
        set_={
            "lag_bytes": _heartbeat.excluded.lag_bytes,
            "updated_at": _heartbeat.excluded.updated_at,
        },
    )
)
WATERMARK_AND_NEWEST = sqlite3_text(fts.WATERMARK_AND_NEWEST)
READ_WATERMARK = sqlite3_text(fts.READ_WATERMARK)
UPPER_BOUND = sqlite3_text(fts.UPPER_BOUND)
INDEX_RANGE = sqlite3_text(fts.INDEX_RANGE)
MOVE_WATERMARK = sqlite3_text(fts.MOVE_WATERMARK)
MERGE_STEP = sqlite3_text(fts.MERGE_STEP)
MAX_BACKOFF_SECONDS = 1.0
TAILER_CACHE_KIB = 128 * 1024

TAIL_FIGURES = sqlite3_text(
    select(
        POSITIONS.lines_total,
        POSITIONS.parse_errors_total,
        POSITIONS.lag_bytes,
        POSITIONS.last_ingest_at,
        POSITIONS.updated_at,
        POSITIONS.dev,
        POSITIONS.ino,
        POSITIONS.file_offset,
    ).where(POSITIONS.stream == bindparam("stream"))
)


@dataclass(frozen=True, slots=True)
class TailFigures:
    """What the tailer last reported in its position row (readiness and /metrics read it)."""

    lines_total: int
    parse_errors_total: int
    lag_bytes: int
    last_ingest_at: int | None
    updated_at: int
    dev: int | None
    ino: int | None
    file_offset: int

    def lag_in_file(self, path: Path) -> int:
        """Bytes of the log file past the committed offset, read from the file now: the lag the
        tailer last wrote stays what it was while its commits fail (a full disk)."""
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return self.lag_bytes
        if (info.st_dev, info.st_ino) == (self.dev, self.ino):
            return max(0, info.st_size - self.file_offset)
        # Rotated since: what is left of the old file is unknown here, the new one is all unread.
        return max(self.lag_bytes, info.st_size)


def read_tail_figures(database_path: Path, stream: str) -> TailFigures | None:
    """On a read-only probe connection, so any worker may ask; None before the first report.
    A busy or unreadable database raises sqlite3.Error."""
    conn = probe_connection(database_path, read_only=True)
    try:
        row = conn.execute(TAIL_FIGURES, {"stream": stream}).fetchone()
    finally:
        conn.close()
    return TailFigures(*row) if row is not None else None


def index_past_watermark(conn: sqlite3.Connection, max_rows: int) -> int:
    """In the caller's transaction: index up to `max_rows` rows past the FTS watermark and move
    it; returns rows indexed."""
    (through,) = conn.execute(READ_WATERMARK).fetchone()
    upper = conn.execute(UPPER_BOUND, {"through": through, "max_rows": max_rows}).fetchone()[0]
    if upper is None:
        return 0
    indexed: int = conn.execute(INDEX_RANGE, {"through": through, "upper": upper}).rowcount
    conn.execute(MOVE_WATERMARK, {"upper": upper})
    return indexed


def is_lock_error(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class TailStore:
    def __init__(
        self,
        db_path: Path,
        stream: str,
        *,
        source: LogSource = "backend",
        busy_timeout_ms: int = 5000,
        stop_event: threading.Event | None = None,
    ) -> None:
        self.stream = stream
        self._source = source
        # Index pages touched by random keys (correlation ids) stay cached between batches; the
        # WAL is checkpointed off the commit, by logs.checkpoints.WalCheckpointer.
        self._conn = connect(
            db_path,
            busy_timeout_ms=busy_timeout_ms,
            cache_kib=TAILER_CACHE_KIB,
            auto_checkpoint=False,
        )
        self._stop_event = stop_event or threading.Event()
        self.lock_retries = 0
        # The write lock held by the last transaction (from BEGIN to the end of COMMIT).
        self.last_hold_seconds = 0.0

    def close(self) -> None:
        self._conn.close()

    def load_position(self) -> FilePosition | None:
        row = self._conn.execute(LOAD_POSITION, {"stream": self.stream}).fetchone()
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
            "file_offset": position.offset,
            "lag_bytes": lag_bytes,
            "lines_total": len(rows),
            "parse_errors_total": parse_errors,
            "last_ingest_at": stamp if rows else None,
            "updated_at": stamp,
        }

        def write(conn: sqlite3.Connection) -> None:
            if rows:
                insert_rows(conn, self._source, rows)
                volume.count_inserted(conn, rows, self._source)
            conn.execute(UPSERT_POSITION, params)

        self.run_in_transaction(write)

    def heartbeat(self, lag_bytes: int) -> None:
        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                HEARTBEAT, {"stream": self.stream, "lag_bytes": lag_bytes, "now": now_us()}
            )

        self.run_in_transaction(write)

    def index_full_text(self, max_rows: int) -> int:
        """Add rows past the FTS watermark to the full-text index; returns rows indexed."""
        indexed = 0
        through, newest = self._conn.execute(WATERMARK_AND_NEWEST).fetchone()
        if newest is None or newest <= through:
            return 0

        def write(conn: sqlite3.Connection) -> None:
            nonlocal indexed
            indexed = index_past_watermark(conn, max_rows)

        self.run_in_transaction(write)
        return indexed

    def data_version(self) -> int:
        """Changes whenever another connection commits (PRAGMA data_version)."""
        version: int = self._conn.execute("PRAGMA data_version").fetchone()[0]
        return version

    def merge_full_text(self, pages: int) -> bool:
        """One step merging the full-text index's segments, about `pages` leaf pages written in
        its own transaction; False when there was nothing to merge."""
        merged = False

        def write(conn: sqlite3.Connection) -> None:
            nonlocal merged
            before = conn.total_changes
            conn.execute(MERGE_STEP, {"pages": pages})
            # FTS5 changes no row when the command found nothing to do.
            merged = conn.total_changes - before >= 2

        self.run_in_transaction(write)
        return merged

    def run_in_transaction(self, write: Callable[[sqlite3.Connection], None]) -> None:
        attempt = 0
        while True:
            try:
                # Polled: a row waiting behind retention's delete is queryable milliseconds
                # after the delete commits, not after SQLite's next busy-handler sleep.
                begin_immediate_polled(self._conn)
                began = time.perf_counter()
                try:
                    write(self._conn)
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                self.last_hold_seconds = time.perf_counter() - began
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
