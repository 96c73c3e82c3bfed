"""Option expiry times on Delta Exchange: dailies at 12:00 UTC, weeklies on Friday 12:00 UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

EXPIRY_TIME_UTC = time(12, 0, tzinfo=UTC)
FRIDAY = 4


def expiry_on(day: date) -> datetime:
    return datetime.combine(day, EXPIRY_TIME_UTC)


def next_daily_expiry(now: datetime) -> datetime:
    """The first daily expiry strictly after `now` (an option at expiry can no longer trade)."""
    today = expiry_on(now.astimezone(UTC).date())
    return today if today > now else today + timedelta(days=1)


def next_weekly_expiry(now: datetime) -> datetime:
    candidate = next_daily_expiry(now)
    return candidate + timedelta(days=(FRIDAY - candidate.weekday()) % 7)


def years_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / (365.0 * 86400.0)


def expiry_for_rule(rule: str | date, now: datetime) -> datetime:
    """The expiry a strategy's rule names at `now`: the next daily or weekly, or a fixed day's."""
    if isinstance(rule, date):
        return expiry_on(rule)
    if rule == "nearest_daily":
        return next_daily_expiry(now)
    if rule == "nearest_weekly":
        return next_weekly_expiry(now)
    raise ValueError(f"unknown expiry rule {rule!r}")
