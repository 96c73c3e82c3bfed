"""Log volume over a time range: row counts per time bucket and level, for the viewer's
filters. Buckets have a round width (1 s … 1 week) chosen so the range needs at most
MAX_BUCKETS of them, and start at multiples of that width (UTC). Buckets of whole minutes are
added up from the per-minute counts (logs.volume_query) when the filters allow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import cast

from sqlalchemy import func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.db.schema import MINUTE_US
from control_plane.logs.query import LogFilter, filter_conditions
from control_plane.logs.volume_query import counts_by, volume_filter

SECOND_US = 1_000_000
MAX_BUCKETS = 120
BUCKET_WIDTHS_US = tuple(
    seconds * SECOND_US
    for seconds in (
        1, 2, 5, 10, 15, 30,
        60, 2 * 60, 5 * 60, 10 * 60, 15 * 60, 30 * 60,
        3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600,
        86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
    )
)  # fmt: skip


class RangeTooLong(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class VolumeHistogram:
    start_us: int
    end_us: int
    bucket_us: int
    # Each bucket's start, and its count per level (levels without rows left out).
    buckets: list[tuple[int, dict[str, int]]]


def bucket_width(start_us: int, end_us: int) -> int:
    """The narrowest round width that covers [start, end) in at most MAX_BUCKETS buckets."""
    for width in BUCKET_WIDTHS_US:
        if bucket_count(start_us, end_us, width) <= MAX_BUCKETS:
            return width
    days = BUCKET_WIDTHS_US[-1] * (MAX_BUCKETS - 1) // (86400 * SECOND_US)
    raise RangeTooLong(f"the range is too long for a histogram: at most {days} days")


def bucket_count(start_us: int, end_us: int, width: int) -> int:
    return (max(end_us, start_us + 1) - 1) // width - start_us // width + 1


def bucket_starts(start_us: int, end_us: int, width: int) -> list[int]:
    first = start_us // width
    return [(first + index) * width for index in range(bucket_count(start_us, end_us, width))]


async def fetch_histogram(
    session: AsyncSession, log_filter: LogFilter, *, start_us: int, end_us: int
) -> VolumeHistogram:
    """Counts for [start, end) with every other filter of `log_filter` applied: from the
    per-minute counts when the buckets are whole minutes and the filter allows, else a scan."""
    width = bucket_width(start_us, end_us)
    bounded = replace(log_filter, start_us=start_us, end_us=end_us)
    wanted = volume_filter(bounded)
    if wanted is not None and width % MINUTE_US == 0:
        counted = await counts_by(session, wanted, ("bucket", "level"), bucket_us=width)
    else:
        counted = await scanned_counts(session, bounded, width)
    counts: dict[int, dict[str, int]] = {}
    for start, level, count in counted:
        counts.setdefault(start, {})[level] = count
    return VolumeHistogram(
        start_us,
        end_us,
        width,
        [(start, counts.get(start, {})) for start in bucket_starts(start_us, end_us, width)],
    )


async def scanned_counts(
    session: AsyncSession, log_filter: LogFilter, width: int
) -> list[tuple[int, str, int]]:
    """(bucket start, level, rows) read from the rows themselves."""
    logs = log_filter.table.c
    # Integer division (Core's `/` would divide as decimals); the width is a literal integer,
    # never user text, so the grouping is one expression.
    bucket = logs.ts.op("/")(literal_column(str(width))).label("bucket")
    rows = await session.execute(
        select(bucket, logs.level, func.count())
        .where(*filter_conditions(log_filter))
        .group_by(bucket, logs.level)
    )
    return [
        (index * width, level, count)
        for index, level, count in cast("Iterable[tuple[int, str, int]]", rows)
    ]


async def oldest_ts(session: AsyncSession, log_filter: LogFilter) -> int | None:
    logs = log_filter.table.c
    oldest: int | None = (await session.execute(select(func.min(logs.ts)))).scalar()
    return oldest
