"""trading sessions, their fills, the timeline of events and the kill switch

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Times are integer microseconds since the epoch (UTC), like the other tables.
UPGRADE = [
    """
    CREATE TABLE trading_sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        strategy_id INTEGER NOT NULL,
        strategy_name TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('paper', 'live')),
        status TEXT NOT NULL
            CHECK (status IN ('running', 'paused', 'stopped', 'panic_closed', 'interrupted')),
        status_reason TEXT,
        config TEXT NOT NULL,
        engine_state TEXT NOT NULL DEFAULT '{}',
        enter_now INTEGER NOT NULL DEFAULT 0 CHECK (enter_now IN (0, 1)),
        market_seed INTEGER NOT NULL,
        market_start INTEGER NOT NULL,
        realised_pnl REAL NOT NULL DEFAULT 0,
        unrealised_pnl REAL NOT NULL DEFAULT 0,
        fees REAL NOT NULL DEFAULT 0,
        trade_count INTEGER NOT NULL DEFAULT 0,
        marks TEXT,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        updated_at INTEGER NOT NULL
    )
    """,
    # At most one live session per strategy, whichever process or request starts it.
    "CREATE UNIQUE INDEX ux_trading_sessions_live_strategy ON trading_sessions (strategy_id)"
    " WHERE status IN ('running', 'paused')",
    "CREATE INDEX ix_trading_sessions_status ON trading_sessions (status)",
    """
    CREATE TABLE trading_fills (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id INTEGER NOT NULL REFERENCES trading_sessions (id) ON DELETE CASCADE,
        strategy_id INTEGER NOT NULL,
        client_order_id TEXT NOT NULL UNIQUE,
        leg TEXT NOT NULL CHECK (leg IN ('call', 'put')),
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        strike REAL NOT NULL,
        price REAL NOT NULL,
        contracts INTEGER NOT NULL CHECK (contracts > 0),
        fee REAL NOT NULL,
        time INTEGER NOT NULL
    )
    """,
    "CREATE INDEX ix_trading_fills_session ON trading_fills (session_id, id)",
    """
    CREATE TABLE timeline_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        event TEXT NOT NULL,
        session_id INTEGER,
        strategy_id INTEGER,
        strategy_name TEXT,
        message TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        pnl REAL,
        fees REAL
    )
    """,
    "CREATE INDEX ix_timeline_events_time ON timeline_events (time, id)",
    "CREATE INDEX ix_timeline_events_strategy_time ON timeline_events (strategy_id, time, id)",
    "CREATE INDEX ix_timeline_events_session ON timeline_events (session_id, id)",
    # Closed trades are what the analytics read; a partial index keeps that read small.
    "CREATE INDEX ix_timeline_events_closed ON timeline_events (time, strategy_id)"
    " WHERE event = 'position_closed'",
    """
    CREATE TABLE kill_switch (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        tripped INTEGER NOT NULL DEFAULT 0 CHECK (tripped IN (0, 1)),
        tripped_at INTEGER,
        reason TEXT,
        updated_at INTEGER NOT NULL DEFAULT 0
    )
    """,
    "INSERT INTO kill_switch (id, tripped) VALUES (1, 0)",
]

DOWNGRADE = [
    "DROP TABLE kill_switch",
    "DROP TABLE timeline_events",
    "DROP TABLE trading_fills",
    "DROP TABLE trading_sessions",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
