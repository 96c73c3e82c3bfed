"""When a strategy may enter and must exit, from its wall-clock times in its own time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from control_plane.trading.strategy_config import StrategyConfig


def _at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def last_occurrence(clock: time, zone: ZoneInfo, now: datetime) -> datetime:
    """The latest moment at or before `now` when the clock in `zone` showed `clock`."""
    today = now.astimezone(zone).date()
    candidate = _at(today, clock, zone)
    return candidate if candidate <= now else _at(today - timedelta(days=1), clock, zone)


def next_occurrence(clock: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first moment strictly after `after` when the clock in `zone` shows `clock`."""
    today = after.astimezone(zone).date()
    candidate = _at(today, clock, zone)
    return candidate if candidate > after else _at(today + timedelta(days=1), clock, zone)


def entry_session_start(config: StrategyConfig, now: datetime) -> datetime | None:
    """Start of the entry window containing `now`, or None outside it. The window runs from
    entry_time to the next exit_time, so it may span midnight."""
    start = last_occurrence(config.entry_time, config.zone, now)
    return start if now < exit_deadline(config, start) else None


def exit_deadline(config: StrategyConfig, opened_at: datetime) -> datetime:
    return next_occurrence(config.exit_time, config.zone, opened_at)
