"""backend_logs_volume: row counts per minute and per hour, level, source and event, with the
watermark of the rows they count (control_plane.logs.volume), filled from the rows there are

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
# 0011 comes in beside this one; the merge re-chains it.
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "backend_logs_volume",
        sa.Column("span_minutes", sa.Integer(), primary_key=True),
        sa.Column("minute", sa.Integer(), primary_key=True),
        sa.Column("level", sa.Text(), primary_key=True),
        sa.Column("source", sa.Text(), primary_key=True),
        sa.Column("has_event", sa.Integer(), primary_key=True),
        sa.Column("event", sa.Text(), primary_key=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "backend_logs_volume_state",
        sa.Column(
            "id", sa.Integer(), sa.CheckConstraint("id = 1"), primary_key=True, nullable=True
        ),
        sa.Column("counted_through", sa.Integer(), nullable=False),
    )
    for span_minutes in (1, 60):
        op.execute(
            "INSERT INTO backend_logs_volume"
            " (span_minutes, minute, level, source, has_event, event, row_count)"
            f" SELECT {span_minutes}, ts / {span_minutes * 60_000_000} * {span_minutes}, level,"
            " source, event IS NOT NULL, coalesce(event, ''), count(*)"
            " FROM backend_logs GROUP BY 1, 2, 3, 4, 5, 6"
        )
    op.execute(
        "INSERT INTO backend_logs_volume_state (id, counted_through)"
        " SELECT 1, coalesce(max(id), 0) FROM backend_logs"
    )


def downgrade() -> None:
    op.drop_table("backend_logs_volume_state")
    op.drop_table("backend_logs_volume")
