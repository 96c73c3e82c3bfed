"""strategies: short-strangle configurations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UPGRADE = [
    """
    CREATE TABLE strategies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        underlying TEXT NOT NULL CHECK (underlying IN ('BTC', 'ETH')),
        expiry_rule TEXT NOT NULL,
        strike_selection TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity > 0),
        entry_time TEXT NOT NULL,
        exit_time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        max_loss_pct REAL NOT NULL CHECK (max_loss_pct > 0),
        max_profit_pct REAL NOT NULL CHECK (max_profit_pct > 0),
        trailing_stops TEXT NOT NULL DEFAULT '[]',
        active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    )
    """,
    "CREATE INDEX ix_strategies_active ON strategies (active)",
]

DOWNGRADE = [
    "DROP TABLE strategies",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
