"""backend_logs_fts: segments merged by the indexer in bounded steps, never by the writer that
happens to add one (logs.full_text)

FTS5's automerge merges inside whichever transaction flushes a segment: the tailer's indexer, a
retention delete, a batch from the browser. With its default (4) that is most of the indexer's
merge work spread over every writer; raised to 16 it equalled crisismerge and a whole level was
merged in one transaction (over 5 s of write lock after a 5,000,000-row bulk write, see 0011).
Here automerge is off, the indexer thread runs ('merge', N) steps of a bounded number of pages in
their own transactions, 8 segments of a level at a time, and crisismerge stays as the safety net
far above what the steps leave. The pending-terms hash holds a whole indexer batch, so a batch
writes one segment instead of one per megabyte.

Only the index's configuration changes (its %_config rows): constant time on any database.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# usermerge: how many segments of a level one merge takes (FTS5's 'merge' command); at 8 a row's
# trigrams are rewritten half as often as at 4 (docs/benchmarks.md). crisismerge: a level with
# this many segments is merged at once by the writer, which the indexer's steps never let happen.
# hashsize: bytes of pending terms before a flush, above what one indexer batch needs.
MERGE_POLICY = {"automerge": 0, "crisismerge": 64, "usermerge": 8, "hashsize": 64 * 1024 * 1024}
# FTS5's own defaults.
DEFAULTS = {"automerge": 4, "crisismerge": 16, "usermerge": 4, "hashsize": 1024 * 1024}


def _configure(values: dict[str, int]) -> None:
    for name, value in values.items():
        op.execute(
            f"INSERT INTO backend_logs_fts (backend_logs_fts, rank) VALUES ('{name}', {value})"
        )


def upgrade() -> None:
    _configure(MERGE_POLICY)


def downgrade() -> None:
    _configure(DEFAULTS)
