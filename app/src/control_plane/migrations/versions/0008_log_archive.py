"""log_archive_days (what retention archived to data/archive/, per day) and archived_logs (a
day loaded back from its archive)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "log_archive_days",
        sa.Column("day", sa.Text(), primary_key=True, nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Integer(), nullable=False),
    )
    op.create_table(
        "archived_logs",
        sa.Column("id", sa.Integer(), primary_key=True, nullable=True),
        sa.Column("ts", sa.Integer(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("logger", sa.Text()),
        sa.Column("event", sa.Text()),
        sa.Column("message", sa.Text()),
        sa.Column("correlation_id", sa.Text()),
        sa.Column("strategy_id", sa.Text()),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("parse_error", sa.Integer(), nullable=False),
        sa.Column("truncated", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text()),
        sa.Column("ingested_at", sa.Integer(), nullable=False),
    )
    op.create_index("ix_archived_logs_ts", "archived_logs", ["ts"])
    op.create_index("ix_archived_logs_correlation_id_ts", "archived_logs", ["correlation_id", "ts"])


def downgrade() -> None:
    op.drop_table("archived_logs")
    op.drop_table("log_archive_days")
