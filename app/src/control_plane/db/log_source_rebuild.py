"""Rebuilds backend_logs with another set of allowed sources (migrations 0007 and 0009).

SQLite cannot alter a CHECK constraint, so the table is rebuilt with the same ids (the full-text
index refers to rows by id and stays valid) and the sequence, then its indexes.
"""

from __future__ import annotations

from alembic import op

INDEXES = [
    "CREATE INDEX ix_backend_logs_ts ON backend_logs (ts)",
    "CREATE INDEX ix_backend_logs_level_ts ON backend_logs (level, ts)",
    "CREATE INDEX ix_backend_logs_event_ts ON backend_logs (event, ts)",
    "CREATE INDEX ix_backend_logs_hour_correlation_id"
    " ON backend_logs (ts / 3600000000, correlation_id)",
]


def rebuild(allowed_sources: str, source_expression: str) -> None:
    op.execute(
        f"""
        CREATE TABLE backend_logs_rebuilt (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts INTEGER NOT NULL,
            level TEXT NOT NULL,
            logger TEXT,
            event TEXT,
            message TEXT,
            correlation_id TEXT,
            strategy_id TEXT,
            source TEXT NOT NULL DEFAULT 'backend' CHECK (source IN ({allowed_sources})),
            parse_error INTEGER NOT NULL DEFAULT 0,
            truncated INTEGER NOT NULL DEFAULT 0,
            payload TEXT,
            ingested_at INTEGER NOT NULL
        )
        """
    )
    op.execute(
        "INSERT INTO backend_logs_rebuilt SELECT id, ts, level, logger, event, message,"
        f" correlation_id, strategy_id, {source_expression}, parse_error, truncated, payload,"
        " ingested_at FROM backend_logs"
    )
    replace_with_rebuilt()
    for statement in INDEXES:
        op.execute(statement)


def replace_with_rebuilt() -> None:
    """backend_logs_rebuilt, filled with the same ids, becomes backend_logs (also migration
    0011); its indexes are the caller's."""
    # Ids are never reused, even those retention deleted at the top.
    op.execute(
        "INSERT INTO sqlite_sequence (name, seq) SELECT 'backend_logs_rebuilt', seq"
        " FROM sqlite_sequence WHERE name = 'backend_logs'"
        " AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'backend_logs_rebuilt')"
    )
    op.execute(
        "UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM sqlite_sequence"
        " WHERE name IN ('backend_logs', 'backend_logs_rebuilt'))"
        " WHERE name = 'backend_logs_rebuilt'"
    )
    op.execute("DROP TABLE backend_logs")
    op.execute("ALTER TABLE backend_logs_rebuilt RENAME TO backend_logs")
