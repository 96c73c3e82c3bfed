"""Row counts of backend_logs per minute and per hour, level, source and event
(db.schema.backend_logs_volume), kept up to date, so the facets and the volume histogram add up
a few counts an hour instead of reading every row of their range (logs.volume_query reads them).

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
from operator import itemgetter
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
KEY_NAMES = ("span_minutes", "minute", "level", "source", "has_event", "event")
# Each row is counted per minute and per hour: a week adds up 168 hours, not 10,080 minutes.
SPANS_MINUTES = (1, 60)


def _count_range(span_minutes: int) -> Any:
    span: Any = literal_column(str(span_minutes))
    # SQLite divides integers toward zero, as minute_of does.
    start_minute = LOGS.ts.op("/")(literal_column(str(span_minutes * MINUTE_US))) * span
    counted = upsert(backend_logs_volume).from_select(
        [*KEY_NAMES, "row_count"],
        select(
            span,
            start_minute,
            LOGS.level,
            LOGS.source,
            LOGS.event.is_not(None),
            func.coalesce(LOGS.event, literal_column("''")),
            func.count(),
        )
        .where(LOGS.id > bindparam("through"), LOGS.id <= bindparam("upper"))
        .group_by(*(literal_column(str(position)) for position in range(1, 7))),
    )
    return counted.on_conflict_do_update(
        index_elements=[VOLUME[name] for name in KEY_NAMES],
        set_={"row_count": VOLUME.row_count + counted.excluded.row_count},
    )


READ_WATERMARK = select(STATE.counted_through).where(ONLY_STATE_ROW)
COUNT_RANGES = tuple(_count_range(span) for span in SPANS_MINUTES)
MOVE_WATERMARK = (
    update(backend_logs_volume_state)
    .where(ONLY_STATE_ROW)
    .values(counted_through=bindparam("upper"))
)
_added = upsert(backend_logs_volume).values(
    {name: bindparam(name) for name in (*KEY_NAMES, "row_count")}
)
ADD = _added.on_conflict_do_update(
    index_elements=[VOLUME[name] for name in KEY_NAMES],
    set_={"row_count": VOLUME.row_count + _added.excluded.row_count},
)
NEWEST_ID = select(func.max(LOGS.id))
_same_key = [VOLUME[name] == bindparam(name) for name in KEY_NAMES]
SUBTRACT = (
    update(backend_logs_volume)
    .where(*_same_key)
    .values(row_count=VOLUME.row_count - bindparam("rows"))
)
DROP_EMPTY = backend_logs_volume.delete().where(
    VOLUME.span_minutes == bindparam("span_minutes"),
    VOLUME.minute >= bindparam("low"),
    VOLUME.minute <= bindparam("high"),
    VOLUME.row_count <= literal_column("0"),
)

_READ_WATERMARK_SQL = sqlite3_text(READ_WATERMARK)
_UPPER_BOUND_SQL = sqlite3_text(fts.UPPER_BOUND)
_COUNT_RANGES_SQL = tuple(sqlite3_text(statement) for statement in COUNT_RANGES)
_MOVE_WATERMARK_SQL = sqlite3_text(MOVE_WATERMARK)
_ADD_SQL = sqlite3_text(ADD, positional=(*KEY_NAMES, "row_count"))
_NEWEST_ID_SQL = sqlite3_text(NEWEST_ID)
_SUBTRACT_SQL = sqlite3_text(SUBTRACT, positional=("rows", *KEY_NAMES))
_DROP_EMPTY_SQL = sqlite3_text(DROP_EMPTY)
_ID, _TS, _LEVEL, _SOURCE, _EVENT = (
    [column.name for column in backend_logs.columns].index(name)
    for name in ("id", "ts", "level", "source", "event")
)


# A row's ts, level and event (tail_store.ROW_COLUMNS order): no list per row, as `*_` makes.
_ROW_TS_LEVEL_EVENT = itemgetter(0, 1, 3)


def minute_of(ts_us: int, span_minutes: int = 1) -> int:
    """The first minute of the span a row is counted in, as SQLite's integer division gives it."""
    width = span_minutes * MINUTE_US
    spans = ts_us // width if ts_us >= 0 else -(-ts_us // width)
    return spans * span_minutes


def count_new_rows(conn: sqlite3.Connection, max_rows: int = COUNT_ROWS_PER_TRANSACTION) -> int:
    """In the caller's transaction: count up to `max_rows` rows past the watermark and move it.
    Returns how many rows were counted."""
    (through,) = conn.execute(_READ_WATERMARK_SQL).fetchone()
    bounds = {"through": through, "max_rows": max_rows}
    (upper,) = conn.execute(_UPPER_BOUND_SQL, bounds).fetchone()
    if upper is None:
        return 0
    for statement in _COUNT_RANGES_SQL:
        conn.execute(statement, {"through": through, "upper": upper})
    conn.execute(_MOVE_WATERMARK_SQL, {"upper": upper})
    return int(upper - through)


def count_inserted(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]], source: str) -> None:
    """In the caller's transaction, right after it inserted `rows` (tail_store.ROW_COLUMNS
    order, all of `source`): count them from memory, which costs a fraction of reading them
    back, when they are all the rows past the watermark; else count_new_rows."""
    (through,) = conn.execute(_READ_WATERMARK_SQL).fetchone()
    (newest,) = conn.execute(_NEWEST_ID_SQL).fetchone()
    # Ids only grow: as many ids past the watermark as rows inserted means these rows alone.
    if newest is None or newest - through != len(rows):
        count_new_rows(conn)
        return
    minutes = Counter(
        (ts // MINUTE_US if ts >= 0 else minute_of(ts), level, event)
        for ts, level, event in map(_ROW_TS_LEVEL_EVENT, rows)
    )
    hours: Counter[tuple[int, str, str | None]] = Counter()
    for (minute, level, event), n in minutes.items():
        hours[(minute_of(minute * MINUTE_US, 60), level, event)] += n
    conn.executemany(
        _ADD_SQL,
        [
            (span, minute, level, source, int(event is not None), event or "", n)
            for span, counts in ((1, minutes), (60, hours))
            for (minute, level, event), n in counts.items()
        ],
    )
    conn.execute(_MOVE_WATERMARK_SQL, {"upper": newest})


async def count_new_rows_in(session: AsyncSession) -> None:
    """count_new_rows in the session's transaction (the batch ingest's)."""
    through: int = (await session.execute(READ_WATERMARK)).scalar_one()
    bounds = {"through": through, "max_rows": COUNT_ROWS_PER_TRANSACTION}
    upper = (await session.execute(fts.UPPER_BOUND, bounds)).scalar()
    if upper is not None:
        for statement in COUNT_RANGES:
            await session.execute(statement, {"through": through, "upper": upper})
        await session.execute(MOVE_WATERMARK, {"upper": upper})


def uncount_deleted(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """In the caller's transaction, before it deletes `rows` (whole backend_logs rows): take the
    counted ones out of the counts, and drop the counts that reach zero."""
    (through,) = conn.execute(_READ_WATERMARK_SQL).fetchone()
    counted = [row for row in rows if row[_ID] <= through]
    if not counted:
        return
    for span in SPANS_MINUTES:
        keys = Counter(
            (minute_of(row[_TS], span), row[_LEVEL], row[_SOURCE], row[_EVENT]) for row in counted
        )
        conn.executemany(
            _SUBTRACT_SQL,
            [
                (n, span, minute, level, source, int(event is not None), event or "")
                for (minute, level, source, event), n in keys.items()
            ],
        )
        minutes = [minute for minute, *_ in keys]
        bounds = {"span_minutes": span, "low": min(minutes), "high": max(minutes)}
        conn.execute(_DROP_EMPTY_SQL, bounds)
