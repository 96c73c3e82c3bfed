"""backend_logs.source: 'edge' (the edge's access log file, tailed like the backend's)

SQLite cannot alter a CHECK constraint: the table is rebuilt (control_plane.db.log_source_rebuild);
a downgrade deletes the edge's rows (which the older CHECK refuses) and takes them out of the
full-text index first.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from alembic import op

from control_plane.db.log_source_rebuild import rebuild

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild("'backend', 'ui', 'ingest', 'edge'", "source")


def downgrade() -> None:
    op.execute(
        "INSERT INTO backend_logs_fts (backend_logs_fts, rowid, message)"
        " SELECT 'delete', id, message FROM backend_logs WHERE source = 'edge'"
        " AND id <= (SELECT indexed_through FROM backend_logs_fts_state WHERE id = 1)"
    )
    op.execute("DELETE FROM backend_logs WHERE source = 'edge'")
    rebuild("'backend', 'ui', 'ingest'", "source")
