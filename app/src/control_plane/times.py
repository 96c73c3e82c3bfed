"""Times as stored (integer microseconds since the epoch) and as served (ISO-8601 with Z)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROS_PER_DAY = 86_400 * 1_000_000
ONE_MICROSECOND = timedelta(microseconds=1)


def to_us(moment: datetime) -> int:
    return (moment - EPOCH) // ONE_MICROSECOND


def from_us(epoch_us: int) -> datetime:
    return EPOCH + timedelta(microseconds=epoch_us)


def iso_z(moment: datetime) -> str:
    """ISO-8601 UTC with a Z, seconds only when there is no fraction."""
    text = moment.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def iso_from_us(epoch_us: int | None) -> str | None:
    return None if epoch_us is None else iso_z(from_us(epoch_us))


def utc_now() -> datetime:
    return datetime.now(UTC)


def now_us() -> int:
    return time.time_ns() // 1000
