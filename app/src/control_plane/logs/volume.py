"""Row counts of backend_logs per minute, level, source and event (db.schema.backend_logs_volume),
kept up to date, so the facets and the volume histogram add up a few counts a minute instead of
reading every row of their range (logs.volume_query reads them).

The counts follow a watermark, as the full-text index does (logs.fts): the rows with ids up to
`counted_through` are counted. The tailer and the batch ingest count their rows in the
transaction that inserts them, retention takes the rows it deletes out, and a query reads the
rows past the watermark (written by anything else, a seed or a restore) itself, along with the
parts of its range that do not fill a whole minute. So a count here equals a scan's at any moment.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, literal_column, select, update
from sqlalchemy.dialects.sqlite import insert as upsert

from control_plane.db.schema import (
    MINUTE_US,
    backend_logs,
    backend_logs_volume,
    backend_logs_volume_state,
)
from control_plane.db.statements import sqlite3_text
from control_plane.logs import fts

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

VOLUME = backend_logs_volume.c
LOGS = backend_logs.c
STATE = backend_logs_volume_state.c
# A backlog (rows a seed wrote) is counted this many at a time, so no transaction holds on long.
COUNT_ROWS_PER_TRANSACTION = 50_000
ONLY_STATE_ROW = STATE.id == literal_column("1")
KEY_NAMES = ("minute", "level", "source", "has_event", "event")

# SQLite divides integers toward zero, as minute_of does.
_MINUTE_OF_TS = LOGS.ts.op("/")(literal_column(str(MINUTE_US)))

READ_WATERMARK = select(STATE.counted_through).where(ONLY_STATE_ROW)
_counted = upsert(backend_logs_volume).from_select(
    [*KEY_NAMES, "row_count"],
    select(
        _MINUTE_OF_TS,
        LOGS.level,
        LOGS.source,
        LOGS.event.is_not(None),
        func.coalesce(LOGS.event, literal_column("''")),
        func.count(),
    )
    .where(LOGS.id > bindparam("through"), LOGS.id <= bindparam("upper"))
    .group_by(*(literal_column(str(position)) for position in range(1, 6))),
)
COUNT_RANGE = _counted.on_conflict_do_update(
    index_elements=[VOLUME[name] for name in KEY_NAMES],
    set_={"row_count": VOLUME.row_count + _counted.excluded.row_count},
)
MOVE_WATERMARK = (
    update(backend_logs_volume_state)
    .where(ONLY_STATE_ROW)
    .values(counted_through=bindparam("upper"))
)
_same_key = [VOLUME[name] == bindparam(name) for name in KEY_NAMES]
SUBTRACT = (
    update(backend_logs_volume)
    .where(*_same_key)
    .values(row_count=VOLUME.row_count - bindparam("rows"))
)
DROP_EMPTY = backend_logs_volume.delete().where(
    VOLUME.minute >= bindparam("low"),
    VOLUME.minute <= bindparam("high"),
    VOLUME.row_count <= literal_column("0"),
)

_READ_WATERMARK_SQL = sqlite3_text(READ_WATERMARK)
_UPPER_BOUND_SQL = sqlite3_text(fts.UPPER_BOUND)
_COUNT_RANGE_SQL = sqlite3_text(COUNT_RANGE)
_MOVE_WATERMARK_SQL = sqlite3_text(MOVE_WATERMARK)
_SUBTRACT_SQL = sqlite3_text(SUBTRACT, positional=("rows", *KEY_NAMES))
_DROP_EMPTY_SQL = sqlite3_text(DROP_EMPTY)
_ID, _TS, _LEVEL, _SOURCE, _EVENT = (
    [column.name for column in backend_logs.columns].index(name)
    for name in ("id", "ts", "level", "source", "event")
)


def minute_of(ts_us: int) -> int:
    """The minute a row is counted in, as SQLite's integer division gives it."""
    return ts_us // MINUTE_US if ts_us >= 0 else -(-ts_us // MINUTE_US)


def count_new_rows(conn: sqlite3.Connection, max_rows: int = COUNT_ROWS_PER_TRANSACTION) -> int:
    """In the caller's transaction: count up to `max_rows` rows past the watermark and move it.
    Returns how many rows were counted."""
    (through,) = conn.execute(_READ_WATERMARK_SQL).fetchone()
    bounds = {"through": through, "max_rows": max_rows}
    (upper,) = conn.execute(_UPPER_BOUND_SQL, bounds).fetchone()
    if upper is None:
        return 0
    conn.execute(_COUNT_RANGE_SQL, {"through": through, "upper": upper})
    conn.execute(_MOVE_WATERMARK_SQL, {"upper": upper})
    return int(upper - through)


async def count_new_rows_in(session: AsyncSession) -> None:
    """count_new_rows in the session's transaction (the batch ingest's)."""
    through: int = (await session.execute(READ_WATERMARK)).scalar_one()
    bounds = {"through": through, "max_rows": COUNT_ROWS_PER_TRANSACTION}
    upper = (await session.execute(fts.UPPER_BOUND, bounds)).scalar()
    if upper is not None:
        await session.execute(COUNT_RANGE, {"through": through, "upper": upper})
        await session.execute(MOVE_WATERMARK, {"upper": upper})


def uncount_deleted(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """In the caller's transaction, before it deletes `rows` (whole backend_logs rows): take the
    counted ones out of the counts, and drop the counts that reach zero."""
    (through,) = conn.execute(_READ_WATERMARK_SQL).fetchone()
    keys = Counter(
        (minute_of(row[_TS]), row[_LEVEL], row[_SOURCE], row[_EVENT])
        for row in rows
        if row[_ID] <= through
    )
    if not keys:
        return
    conn.executemany(
        _SUBTRACT_SQL,
        [
            (n, minute, level, source, int(event is not None), event or "")
            for (minute, level, source, event), n in keys.items()
        ],
    )
    minutes = [minute for minute, *_ in keys]
    conn.execute(_DROP_EMPTY_SQL, {"low": min(minutes), "high": max(minutes)})
