"""backend_logs_fts: trigrams of the message and the payload, so text search finds any part of a
word (an order id's tail, a path's middle) in either, not only whole words of the message

The index is rebuilt for the rows it held (up to the watermark); the indexer goes on from there.
detail=none keeps it small: a word is looked up as its trigrams, each rowid then checked by
control_plane.logs.text_search.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEXED = "id <= (SELECT indexed_through FROM backend_logs_fts_state WHERE id = 1)"


def upgrade() -> None:
    op.execute("DROP TABLE backend_logs_fts")
    op.execute(
        "CREATE VIRTUAL TABLE backend_logs_fts USING fts5("
        " message, payload, content='backend_logs', content_rowid='id', tokenize='trigram',"
        " detail='none', columnsize=0)"
    )
    op.execute(
        "INSERT INTO backend_logs_fts (rowid, message, payload)"
        f" SELECT id, message, payload FROM backend_logs WHERE {INDEXED}"
    )


def downgrade() -> None:
    op.execute("DROP TABLE backend_logs_fts")
    op.execute(
        "CREATE VIRTUAL TABLE backend_logs_fts USING fts5("
        " message, content='backend_logs', content_rowid='id', tokenize='unicode61',"
        " detail='none', columnsize=0)"
    )
    op.execute(
        f"INSERT INTO backend_logs_fts (rowid, message) SELECT id, message FROM backend_logs"
        f" WHERE {INDEXED}"
    )
