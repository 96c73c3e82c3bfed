"""users: roles (admin, viewer) and the time of the last password change

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Users created before roles existed were all admins (only the bootstrap admin could exist).
UPGRADE = [
    "ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin'"
    " CHECK (role IN ('admin', 'viewer'))",
    # Tokens issued before this time (microseconds) are refused: a password change signs out.
    "ALTER TABLE users ADD COLUMN password_changed_at INTEGER NOT NULL DEFAULT 0",
]

DOWNGRADE = [
    "ALTER TABLE users DROP COLUMN password_changed_at",
    "ALTER TABLE users DROP COLUMN role",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
