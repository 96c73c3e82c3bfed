"""The host's off-host backup, as its timer reports it in data/backups/offsite-backup.json (the
app_backup role writes the schedule and its allowed age; each successful run adds its time and
snapshot): how old the newest off-host backup is, and whether that is overdue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

STATUS_FILE = Path("backups") / "offsite-backup.json"


@dataclass(frozen=True)
class OffsiteBackupStatus:
    # When the timer was installed: before a first success the age counts from it.
    scheduled_since: float
    max_age_seconds: float
    last_success_at: float | None


def status_path(data_dir: Path) -> Path:
    return data_dir / STATUS_FILE


def read_offsite_status(path: Path) -> OffsiteBackupStatus | None:
    """None when the host runs no off-host backup (no file). A file that cannot be read or
    parsed raises ValueError naming it: the readiness check reports that, never a guess."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"{path} is unreadable: {exc.strerror}") from None
    try:
        data = json.loads(text)
        last = data.get("last_success_at")
        return OffsiteBackupStatus(
            scheduled_since=float(data["scheduled_since"]),
            max_age_seconds=float(data["max_age_seconds"]),
            last_success_at=None if last is None else float(last),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path} is not a valid status: {exc}") from None


def backup_age_seconds(status: OffsiteBackupStatus, now: float) -> float:
    """Seconds since the last success, or since the schedule began when none succeeded yet."""
    since = status.last_success_at if status.last_success_at is not None else status.scheduled_since
    return max(0.0, now - since)


def backup_overdue(status: OffsiteBackupStatus, now: float) -> str | None:
    """The readiness reason when the newest off-host backup is older than allowed, else None."""
    age = backup_age_seconds(status, now)
    if age <= status.max_age_seconds:
        return None
    if status.last_success_at is None:
        return (
            f"off-host backup missing: none has succeeded in the {age:.0f} s since it was scheduled"
            f" (allowed {status.max_age_seconds:.0f} s)"
        )
    return (
        f"off-host backup overdue: the last one succeeded {age:.0f} s ago"
        f" (allowed {status.max_age_seconds:.0f} s)"
    )
