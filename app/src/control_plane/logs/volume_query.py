"""Facets and histogram counts from the per-minute counts (logs.volume), exact as a scan: counts
for the whole minutes of a range, plus the rows of its partial minutes and the rows past the
counting watermark, read from backend_logs.

The counts serve a filter on time, levels, event and source (`volume_filter`); any other filter
(logger, correlation id, text, actor, field filters, the archived days) is answered by a scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Integer,
    Select,
    case,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from control_plane.db.schema import HOUR_US, MINUTE_US
from control_plane.logs.query import FACET_EVENTS_LIMIT, LogFacets, LogFilter, fetch_facets
from control_plane.logs.volume import LOGS, READ_WATERMARK, VOLUME


@dataclass(frozen=True, slots=True)
class VolumeFilter:
    """The part of a log filter the counts can answer; start and end in microseconds."""

    start_us: int | None
    end_us: int | None
    levels: tuple[str, ...] = ()
    event: str | None = None
    source: str | None = None


def volume_filter(log_filter: LogFilter) -> VolumeFilter | None:
    """The filter as the counts can answer it, or None when a scan must: a filter on anything
    but time, levels, event and source, or a range reaching back to the epoch's first minute
    (which holds rows of both signs: SQLite divides toward zero)."""
    if (
        log_filter.logger is not None
        or log_filter.correlation_id is not None
        or log_filter.text
        or log_filter.actor is not None
        or log_filter.fields
        or log_filter.archived
    ):
        return None
    start_us, end_us = log_filter.start_us, log_filter.end_us
    if (start_us is not None and start_us <= 0) or (end_us is not None and end_us <= MINUTE_US):
        return None
    return VolumeFilter(start_us, end_us, log_filter.levels, log_filter.event, log_filter.source)


async def fetch_counted_facets(session: AsyncSession, log_filter: LogFilter) -> LogFacets:
    """query.fetch_facets' answer, from the counts when the filter allows."""
    wanted = volume_filter(log_filter)
    if wanted is None:
        return await fetch_facets(session, log_filter)
    levels = await counts_by(session, wanted, ("level",))
    events = await counts_by(session, wanted, ("event",), limit=FACET_EVENTS_LIMIT)
    return LogFacets([(level, n) for level, n in levels], [(event, n) for event, n in events])


def _as_is(column: Any) -> Any:
    return column


def _not_indexed(column: Any) -> Any:
    # Unary + is a no-op that keeps SQLite from searching an index by this column.
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _row_conditions(wanted: VolumeFilter, *, indexed: bool) -> list[ColumnElement[bool]]:
    plain = _as_is if indexed else _not_indexed
    conditions: list[ColumnElement[bool]] = []
    if wanted.levels:
        conditions.append(plain(LOGS.level).in_([level.upper() for level in wanted.levels]))
    if wanted.event is not None:
        conditions.append(plain(LOGS.event) == wanted.event)
    if wanted.source is not None:
        conditions.append(plain(LOGS.source) == wanted.source)
    return conditions


def _count_conditions(wanted: VolumeFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.levels:
        conditions.append(VOLUME.level.in_([level.upper() for level in wanted.levels]))
    if wanted.event is not None:
        conditions += [VOLUME.has_event == 1, VOLUME.event == wanted.event]
    if wanted.source is not None:
        conditions.append(VOLUME.source == wanted.source)
    return conditions


def counted_rows(
    wanted: VolumeFilter, keys: tuple[str, ...], bucket_us: int | None = None
) -> Select[Any] | CompoundSelect[Any]:
    """Parts (key_0, key_1, ..., n) whose n add up to the rows of the filter per value of the
    keys ("level", "event", or "bucket": the start of the `bucket_us` wide bucket, a whole
    number of minutes): hour counts for the whole hours of the range (when buckets are whole
    hours), minute counts for its other whole minutes, and rows read for the rest (its partial
    minutes, and the rows past the watermark)."""
    if "bucket" in keys and (bucket_us is None or bucket_us % MINUTE_US):
        raise ValueError("buckets must be whole minutes")
    width: Any = literal_column(str(bucket_us)) if bucket_us else None
    # Minutes wholly inside [start, end): [first, last); None: unbounded.
    first = None if wanted.start_us is None else -(-wanted.start_us // MINUTE_US)
    last = None if wanted.end_us is None else wanted.end_us // MINUTE_US
    if first is not None and last is not None and first >= last:
        return _rows_part(wanted, keys, width, wanted.start_us, wanted.end_us, indexed=True)
    parts = [
        _counts_part(wanted, keys, width, span, low, high)
        for span, low, high in _spans(
            first, last, hours=bucket_us is None or bucket_us % HOUR_US == 0
        )
    ]
    if first is not None:
        parts.append(
            _rows_part(wanted, keys, width, wanted.start_us, first * MINUTE_US, indexed=True)
        )
    if last is not None:
        parts.append(_rows_part(wanted, keys, width, last * MINUTE_US, wanted.end_us, indexed=True))
    # Rows not counted yet in the whole minutes, found by id (the newest few, usually none).
    uncounted = _rows_part(
        wanted,
        keys,
        width,
        None if first is None else first * MINUTE_US,
        None if last is None else last * MINUTE_US,
        indexed=False,
    ).where(LOGS.id > READ_WATERMARK.scalar_subquery())
    parts.append(uncounted)
    return union_all(*parts)


def _spans(
    first: int | None, last: int | None, *, hours: bool
) -> list[tuple[int, int | None, int | None]]:
    """(span in minutes, first minute, end minute) covering the whole minutes [first, last):
    whole hours from the hour counts, the minutes around them from the minute counts."""
    if not hours:
        return [(1, first, last)]
    first_hour = None if first is None else -(-first // 60) * 60
    last_hour = None if last is None else last // 60 * 60
    if first_hour is not None and last_hour is not None and first_hour >= last_hour:
        return [(1, first, last)]
    spans: list[tuple[int, int | None, int | None]] = [(60, first_hour, last_hour)]
    if first is not None and first != first_hour:
        spans.append((1, first, first_hour))
    if last is not None and last != last_hour:
        spans.append((1, last_hour, last))
    return spans


def _counts_part(
    wanted: VolumeFilter,
    keys: tuple[str, ...],
    width: Any,
    span_minutes: int,
    first: int | None,
    end: int | None,
) -> Select[Any]:
    conditions = [VOLUME.span_minutes == span_minutes, *_count_conditions(wanted)]
    if first is not None:
        conditions.append(VOLUME.minute >= first)
    if end is not None:
        conditions.append(VOLUME.minute < end)
    return select(
        *(_count_key(key, width).label(f"key_{index}") for index, key in enumerate(keys)),
        VOLUME.row_count.label("n"),
    ).where(*conditions)


def _count_key(key: str, width: Any) -> Any:
    if key == "level":
        return VOLUME.level
    if key == "event":
        return case((VOLUME.has_event == 0, None), else_=VOLUME.event)
    minute_us = VOLUME.minute * literal_column(str(MINUTE_US))
    return minute_us.op("/")(width) * width


def _row_key(key: str, width: Any) -> Any:
    if key == "bucket":
        return LOGS.ts.op("/")(width) * width
    return LOGS[key]


def _rows_part(
    wanted: VolumeFilter,
    keys: tuple[str, ...],
    width: Any,
    start_us: int | None,
    end_us: int | None,
    *,
    indexed: bool,
) -> Select[Any]:
    ts = LOGS.ts if indexed else _not_indexed(LOGS.ts)
    conditions = _row_conditions(wanted, indexed=indexed)
    if start_us is not None:
        conditions.append(ts >= start_us)
    if end_us is not None:
        conditions.append(ts < end_us)
    return select(
        *(_row_key(key, width).label(f"key_{index}") for index, key in enumerate(keys)),
        literal(1, Integer).label("n"),
    ).where(*conditions)


async def counts_by(
    session: AsyncSession,
    wanted: VolumeFilter,
    keys: tuple[str, ...],
    *,
    bucket_us: int | None = None,
    limit: int | None = None,
) -> list[tuple[Any, ...]]:
    """(values of the keys..., rows), ordered by the values, or with `limit` the most frequent
    first (then by the values)."""
    parts = counted_rows(wanted, keys, bucket_us).subquery("parts")
    values = [parts.c[f"key_{index}"] for index in range(len(keys))]
    total = func.sum(parts.c.n).label("total")
    query = select(*values, total).group_by(*values)
    if limit is None:
        query = query.order_by(*values)
    else:
        query = query.order_by(total.desc(), *values).limit(limit)
    return [tuple(row) for row in await session.execute(query)]
