"""backend_logs with FTS5, tailer positions and users

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE backend_logs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts INTEGER NOT NULL,
        level TEXT NOT NULL,
        logger TEXT,
        event TEXT,
        message TEXT,
        correlation_id TEXT,
        strategy_id TEXT,
        source TEXT NOT NULL DEFAULT 'backend' CHECK (source IN ('backend', 'frontend')),
        parse_error INTEGER NOT NULL DEFAULT 0,
        truncated INTEGER NOT NULL DEFAULT 0,
        payload TEXT,
        ingested_at INTEGER NOT NULL
    )
    """,
    "CREATE INDEX ix_backend_logs_ts ON backend_logs (ts)",
    "CREATE INDEX ix_backend_logs_level_ts ON backend_logs (level, ts)",
    "CREATE INDEX ix_backend_logs_event_ts ON backend_logs (event, ts)",
    # Keyed by hour first: ingestion appends to the current hour's part of the index instead
    # of touching pages all over it (request ids are random), which keeps bulk ingestion fast.
    # Queries probe each hour present, see control_plane.logs.query.
    "CREATE INDEX ix_backend_logs_hour_correlation_id"
    " ON backend_logs (ts / 3600000000, correlation_id)",
    """
    CREATE VIRTUAL TABLE backend_logs_fts USING fts5(
        message, content='backend_logs', content_rowid='id', tokenize='unicode61',
        detail='none', columnsize=0
    )
    """,
    """
    CREATE TABLE backend_logs_fts_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        indexed_through INTEGER NOT NULL
    )
    """,
    "INSERT INTO backend_logs_fts_state (id, indexed_through) VALUES (1, 0)",
    """
    CREATE TABLE log_tail_positions (
        stream TEXT PRIMARY KEY,
        dev INTEGER,
        ino INTEGER,
        fingerprint TEXT,
        fingerprint_len INTEGER NOT NULL DEFAULT 0,
        file_offset INTEGER NOT NULL DEFAULT 0,
        lag_bytes INTEGER NOT NULL DEFAULT 0,
        lines_total INTEGER NOT NULL DEFAULT 0,
        parse_errors_total INTEGER NOT NULL DEFAULT 0,
        last_ingest_at INTEGER,
        updated_at INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
    )
    """,
]

DOWNGRADE = [
    "DROP TABLE users",
    "DROP TABLE log_tail_positions",
    "DROP TABLE backend_logs_fts_state",
    "DROP TABLE backend_logs_fts",
    "DROP TABLE backend_logs",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
