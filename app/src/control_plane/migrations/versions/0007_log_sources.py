"""backend_logs.source: 'ui' (a signed-in user's browser) and 'ingest' (the ingest key) beside
'backend'; earlier browser rows ('frontend') become 'ui'

SQLite cannot alter a CHECK constraint: the table is rebuilt (control_plane.db.log_source_rebuild).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from control_plane.db.log_source_rebuild import rebuild

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    rebuild(
        "'backend', 'ui', 'ingest'",
        "CASE source WHEN 'frontend' THEN 'ui' ELSE source END",
    )


def downgrade() -> None:
    rebuild(
        "'backend', 'frontend'", "CASE source WHEN 'backend' THEN 'backend' ELSE 'frontend' END"
    )
