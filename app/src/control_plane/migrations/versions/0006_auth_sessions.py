"""auth sessions (revocable sign-ins with a rotating refresh token) and deactivated users

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UPGRADE = [
    # Times are integer microseconds (UTC); NULL deactivated_at = an active account.
    "ALTER TABLE users ADD COLUMN deactivated_at INTEGER",
    """
    CREATE TABLE auth_sessions (
        id TEXT PRIMARY KEY CHECK (length(id) = 32),
        username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
        created_at_us INTEGER NOT NULL,
        expires_at_us INTEGER NOT NULL,
        refresh_token_hash TEXT NOT NULL,
        revoked_at_us INTEGER,
        revoked_reason TEXT,
        source_address TEXT
    )
    """,
    "CREATE INDEX ix_auth_sessions_username ON auth_sessions (username)",
    "CREATE INDEX ix_auth_sessions_expires_at ON auth_sessions (expires_at_us)",
]

DOWNGRADE = [
    "DROP TABLE auth_sessions",
    "ALTER TABLE users DROP COLUMN deactivated_at",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
