"""Catching the full-text index up with backend_logs, shared by the tailer and the API: Core
statements over db.schema, run by the API's session and (as `sqlite3_text`) by the indexer."""

from __future__ import annotations

from sqlalchemy import bindparam, column, func, insert, literal_column, select, table, update

from control_plane.db.schema import backend_logs, backend_logs_fts_state

# FTS5 virtual table: no Core construct declares it (db.schema.NOT_IN_METADATA).
FULL_TEXT = table("backend_logs_fts", column("rowid"), column("message"), column("payload"))
STATE = backend_logs_fts_state.c
# The state table has one row, id 1.
ONLY_STATE_ROW = STATE.id == literal_column("1")

READ_WATERMARK = select(STATE.indexed_through).where(ONLY_STATE_ROW)
WATERMARK_AND_NEWEST = select(
    STATE.indexed_through, select(func.max(backend_logs.c.id)).scalar_subquery()
).where(ONLY_STATE_ROW)
_next_ids = (
    select(backend_logs.c.id)
    .where(backend_logs.c.id > bindparam("through"))
    .order_by(backend_logs.c.id)
    .limit(bindparam("max_rows"))
    # Without an offset SQLite's compiler adds OFFSET as a parameter.
    .offset(literal_column("0"))
    .subquery()
)
UPPER_BOUND = select(func.max(_next_ids.c.id))
INDEX_RANGE = insert(FULL_TEXT).from_select(
    ["rowid", "message", "payload"],
    select(backend_logs.c.id, backend_logs.c.message, backend_logs.c.payload).where(
        backend_logs.c.id > bindparam("through"), backend_logs.c.id <= bindparam("upper")
    ),
)
MOVE_WATERMARK = (
    update(backend_logs_fts_state).where(ONLY_STATE_ROW).values(indexed_through=bindparam("upper"))
)
# FTS5's 'delete' command takes a row out of the index, given the text it was indexed with.
_FULL_TEXT_COMMAND = table(
    FULL_TEXT.name,
    column("backend_logs_fts"),
    column("rowid"),
    column("message"),
    column("payload"),
)
UNINDEX_ROW = insert(_FULL_TEXT_COMMAND).values(
    backend_logs_fts=literal_column("'delete'"),
    rowid=bindparam("rowid"),
    message=bindparam("message"),
    payload=bindparam("payload"),
)
# FTS5's 'merge' command: merge segments until about `pages` leaf pages are written, if a level
# holds usermerge (migration 0013) segments or a merge is under way; else it does nothing.
_FULL_TEXT_CONFIG = table(FULL_TEXT.name, column("backend_logs_fts"), column("rank"))
MERGE_STEP = insert(_FULL_TEXT_CONFIG).values(
    backend_logs_fts=literal_column("'merge'"), rank=bindparam("pages")
)
