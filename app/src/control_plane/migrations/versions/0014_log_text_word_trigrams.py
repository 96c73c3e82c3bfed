"""backend_logs_fts: only the trigrams inside words (the `word_trigram` tokenizer,
app/native/word_trigram.c), the only ones a text search asks for (logs.text_search)

FTS5's trigram tokenizer also indexed every window across spaces and punctuation: 2.4 times the
tokens on our log lines, and the indexer was a third of ingestion's CPU (docs/benchmarks.md).
Every connection to the database now needs the tokenizer (control_plane.db.text_tokenizer); a
`sqlite3` shell that only runs the natural queries does not touch this table.

The index is rebuilt for the rows it held (up to the watermark), in this transaction: about
2 s per 1,000,000 rows (docs/benchmarks.md); the merge policy of 0013 lives in the table's
config and is written again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXED = "id <= (SELECT indexed_through FROM backend_logs_fts_state WHERE id = 1)"
# 0013's merge policy, kept in the table's %_config rows that DROP TABLE takes with it.
MERGE_POLICY = {"automerge": 0, "crisismerge": 64, "usermerge": 8, "hashsize": 64 * 1024 * 1024}


def _rebuild(tokenizer: str) -> None:
    op.execute("DROP TABLE backend_logs_fts")
    op.execute(
        "CREATE VIRTUAL TABLE backend_logs_fts USING fts5("
        f" message, payload, content='backend_logs', content_rowid='id', tokenize='{tokenizer}',"
        " detail='none', columnsize=0)"
    )
    for name, value in MERGE_POLICY.items():
        op.execute(
            f"INSERT INTO backend_logs_fts (backend_logs_fts, rank) VALUES ('{name}', {value})"
        )
    op.execute(
        "INSERT INTO backend_logs_fts (rowid, message, payload)"
        f" SELECT id, message, payload FROM backend_logs WHERE {INDEXED}"
    )


def upgrade() -> None:
    _rebuild("word_trigram")


def downgrade() -> None:
    _rebuild("trigram")
