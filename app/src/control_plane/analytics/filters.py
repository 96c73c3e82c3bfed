"""The history filters: a preset range, or explicit start/end, and a strategy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from control_plane.sessions.kill_switch import day_start
from control_plane.times import EPOCH, iso_z

Preset = Literal["today", "7d", "30d", "90d", "ytd", "all"]
PRESET_DAYS = {"7d": 7, "30d": 30, "90d": 90}


class BadFilter(ValueError):
    """A start or end that cannot be read, or a range that ends before it starts."""

    def __init__(self, field: Literal["start", "end"], message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class HistoryFilters:
    """Events with start <= time < end."""

    start: datetime
    end: datetime
    preset: Preset
    strategy_id: int | None

    def as_json(self) -> dict[str, object]:
        return {
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "preset": self.preset,
            "strategy_id": self.strategy_id,
        }


def preset_start(preset: Preset, now: datetime) -> datetime:
    if preset == "today":
        return day_start(now)
    if preset == "ytd":
        return datetime(now.astimezone(UTC).year, 1, 1, tzinfo=UTC)
    if preset == "all":
        return EPOCH
    return now - timedelta(days=PRESET_DAYS[preset])


def parse_moment(text: str, name: Literal["start", "end"], *, end_of_day: bool) -> datetime:
    """An ISO date (the day's start, or for an end the next day's start, so the day is
    included) or an ISO datetime (UTC when it has no offset), in UTC."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
            return moment + timedelta(days=1) if end_of_day else moment
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except OverflowError:
        # 9999-12-31 as an end, or an offset that moves a moment past year 1 or 9999.
        raise BadFilter(name, f"{name} is out of the supported range, got {text!r}") from None
    except ValueError:
        raise BadFilter(name, f"{name} must be an ISO date or datetime, got {text!r}") from None


def history_filters(
    preset: Preset,
    start: str | None,
    end: str | None,
    strategy_id: int | None,
    now: datetime,
) -> HistoryFilters:
    begin = parse_moment(start, "start", end_of_day=False) if start else preset_start(preset, now)
    finish = parse_moment(end, "end", end_of_day=True) if end else now
    if begin > finish:
        raise BadFilter("start", "start must not be after end")
    return HistoryFilters(begin, finish, preset, strategy_id)
