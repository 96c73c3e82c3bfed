"""`control-plane demo logs`: synthetic log rows spread over the last days, written straight into
backend_logs, so the Log Viewer can be tried (and its first page timed) at millions of rows
without ingesting a log file that large. Each transaction inserts a chunk of rows from a
generator, counts them (logs.volume) and indexes their text, as the tailer does for its own:
the viewer's facets, histogram and text search then see them like any ingested row."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from control_plane.db.sqlite import write_transaction
from control_plane.logs import volume
from control_plane.logs.tail_store import index_past_watermark, insert_rows
from control_plane.times import MICROS_PER_DAY

CHUNK_ROWS = 100_000
LOGGER = "control_plane.demo"
# (event, level, message, weight): what a trading backend's log mostly says.
LINES = (
    ("http_request", "INFO", "GET /api/positions 200 in {n} ms", 30),
    ("quote_received", "DEBUG", "quote BTC-{n}-C refreshed", 25),
    ("order_placed", "INFO", "placed sell order ord-{n}", 8),
    ("order_filled", "INFO", "order ord-{n} filled", 8),
    ("delta_check", "INFO", "portfolio delta within band ({n})", 12),
    ("hedge_adjusted", "WARNING", "delta outside band; rolled call {n}", 4),
    ("broker_timeout", "ERROR", "broker request {n} timed out; retrying", 3),
    ("websocket_reconnect", "ERROR", "market data websocket dropped ({n})", 2),
    ("pnl_snapshot", "INFO", "strategy pnl snapshot {n}", 8),
)


@dataclass(frozen=True, slots=True)
class DemoLogs:
    rows: int
    first_us: int
    last_us: int
    seconds: float


def demo_rows(count: int, *, first_us: int, last_us: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """`count` rows evenly spaced over [first, last], oldest first, in tail_store.ROW_COLUMNS
    order; a few consecutive rows share a correlation id, as a request's lines do."""
    rng = random.Random(seed)
    kinds = rng.choices(LINES, weights=[line[3] for line in LINES], k=4096)
    step = (last_us - first_us) / max(count - 1, 1)
    for index in range(count):
        event, level, message, _ = kinds[index & 4095]
        yield (
            first_us + int(index * step),
            level,
            LOGGER,
            event,
            message.format(n=index),
            f"demo-{index // 4:08x}",
            None,
            0,
            0,
            None,
            last_us,
        )


def seed_demo_logs(
    conn: sqlite3.Connection, count: int, *, days: int, now_us: int, seed: int = 0
) -> DemoLogs:
    """Insert `count` rows over the `days` before now (the newest an hour ago, so the rows a
    running backend writes stay the newest), counted and indexed, CHUNK_ROWS a transaction."""
    started = time.perf_counter()
    first_us, last_us = now_us - days * MICROS_PER_DAY, now_us - 3600 * 1_000_000
    rows = demo_rows(count, first_us=first_us, last_us=last_us, seed=seed)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        with write_transaction(conn):
            insert_rows(conn, "backend", chunk)
            volume.count_inserted(conn, chunk, "backend")
            index_past_watermark(conn, len(chunk) * 2)
    # Gigabytes of WAL left behind would be copied back by the backend's checkpointer while it
    # serves requests: the bulk writer folds them back itself before it says it is done.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return DemoLogs(count, first_us, last_us, time.perf_counter() - started)
