"""Catching the full-text index up with backend_logs, shared by the tailer and the API."""

READ_WATERMARK = "SELECT indexed_through FROM backend_logs_fts_state WHERE id = 1"
UPPER_BOUND = (
    "SELECT max(id) FROM (SELECT id FROM backend_logs WHERE id > :through ORDER BY id"
    " LIMIT :max_rows)"
)
INDEX_RANGE = (
    "INSERT INTO backend_logs_fts (rowid, message) SELECT id, message FROM backend_logs"
    " WHERE id > :through AND id <= :upper"
)
MOVE_WATERMARK = "UPDATE backend_logs_fts_state SET indexed_through = :upper WHERE id = 1"
