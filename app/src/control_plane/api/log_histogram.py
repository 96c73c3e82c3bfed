"""The Log Viewer's volume histogram as the API gives it (logs.histogram counts it)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.api.log_filter_query import invalid_query
from control_plane.logging_setup import format_timestamp
from control_plane.logs.histogram import (
    SECOND_US,
    RangeTooLong,
    fetch_histogram,
    oldest_ts,
)
from control_plane.logs.query import LogFilter
from control_plane.times import now_us


class VolumeBucket(BaseModel):
    start: str
    counts: dict[str, int] = Field(description="rows per level; levels without rows left out")


class VolumeHistogramOut(BaseModel):
    start: str
    end: str
    bucket_seconds: float
    buckets: list[VolumeBucket]


def iso(us: int) -> str:
    return format_timestamp(us / SECOND_US)


async def histogram_out(session: AsyncSession, log_filter: LogFilter) -> VolumeHistogramOut:
    end_us = log_filter.end_us if log_filter.end_us is not None else now_us()
    start_us = log_filter.start_us
    if start_us is None:
        start_us = await oldest_ts(session, log_filter)
        start_us = min(start_us, end_us - 1) if start_us is not None else end_us - 3600 * SECOND_US
    if start_us >= end_us:
        raise invalid_query("start", "start must be before end")
    try:
        counted = await fetch_histogram(session, log_filter, start_us=start_us, end_us=end_us)
    except RangeTooLong as exc:
        raise invalid_query("start", str(exc)) from None
    return VolumeHistogramOut(
        start=iso(counted.start_us),
        end=iso(counted.end_us),
        bucket_seconds=counted.bucket_us / SECOND_US,
        buckets=[
            VolumeBucket(start=iso(start), counts=counts) for start, counts in counted.buckets
        ],
    )
