"""The bare probe of `make bench-logs`' throughput section: the least a Python writer can do to
put the corpus into the production table with its indexes (orjson per line, rows as tuples,
executemany in batches; no position row, no full-text index, no scrubbing).

`python -m bench.bare_probe DATABASE CORPUS BATCH` prints the rows written. It writes whichever
schema the database has: interned correlation ids (log_correlations) or the text column.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from datetime import datetime

import orjson

FIELDS = ("ts", "level", "logger", "event", "message", "correlation_id", "strategy_id")


def epoch_us(text: str) -> int:
    moment = datetime.fromisoformat(text)
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def main(database: str, corpus: str, batch: int) -> int:
    conn = sqlite3.connect(database, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-131072"):
        conn.execute(f"PRAGMA {pragma}")
    columns = {row[1] for row in conn.execute("PRAGMA table_info(backend_logs)")}
    interned = "correlation" in columns
    correlation = "correlation" if interned else "correlation_id"
    insert = (
        "INSERT INTO backend_logs (ts, level, logger, event, message, "
        f"{correlation}, strategy_id, payload, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    # A fresh database: ids are numbered here, as the bare minimum of interning.
    ids: dict[str, int] = {}
    written = 0
    rows: list[tuple[object, ...]] = []
    new_ids: list[tuple[int, str]] = []
    stamp = time.time_ns() // 1000

    def flush() -> None:
        conn.execute("BEGIN")
        if new_ids:
            conn.executemany(
                "INSERT INTO log_correlations (id, correlation_id) VALUES (?, ?)", new_ids
            )
        conn.executemany(insert, rows)
        conn.execute("COMMIT")
        rows.clear()
        new_ids.clear()

    with open(corpus, "rb") as lines:
        for line in lines:
            document = orjson.loads(line)
            ts, level, logger, event, message, correlation_id, strategy_id = (
                document.pop(name, None) for name in FIELDS
            )
            if interned and correlation_id is not None:
                number = ids.get(correlation_id)
                if number is None:
                    number = ids[correlation_id] = len(ids) + 1
                    new_ids.append((number, correlation_id))
                correlation_id = number
            rows.append(
                (
                    epoch_us(ts),
                    level,
                    logger,
                    event,
                    message,
                    correlation_id,
                    strategy_id,
                    orjson.dumps(document).decode() if document else None,
                    stamp,
                )
            )
            if len(rows) >= batch:
                written += len(rows)
                flush()
    if rows:
        written += len(rows)
        flush()
    conn.close()
    print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
