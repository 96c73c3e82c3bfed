"""The one map from event names to the operators' notifications, and how a notification reads.

Play and host events come from the deploy play and the host's units (`control-plane notify
EVENT`); app events are structured log events the backend writes, noticed by
`NotificationHandler`. Each
notification names the host and the release, and links to the Log Viewer filtered on its event.
Values are scrubbed (credential patterns, and every configured secret's value) before sending.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from control_plane.log_scrub import REDACTED, redact
from control_plane.times import iso_z

Severity = Literal["info", "success", "warning", "failure"]
# How long before the event the Log Viewer link starts, so what led to it is on the page.
LINK_LEAD = timedelta(minutes=5)
# Short secrets (a placeholder, an unset "") would redact ordinary words: only longer ones count.
MIN_SECRET_LENGTH = 6
MAX_VALUE_LENGTH = 300
MAX_SUMMARY_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class EventKind:
    """What an event's notification says: its title, severity, and the log fields it shows."""

    title: str
    severity: Severity
    fields: tuple[str, ...] = ()


# What a deployment record says (roles/app_stack/tasks/record.yml).
_DEPLOY_FIELDS = ("from_sha", "to_sha", "operator", "detail")

EVENTS: dict[str, EventKind] = {
    # Play and host events (the deploy play; the host's backup and recovery units).
    "deploy_succeeded": EventKind("Release deployed", "success", _DEPLOY_FIELDS),
    "deploy_failed": EventKind(
        "Release failed, no release to go back to", "failure", _DEPLOY_FIELDS
    ),
    "deploy_rolled_back": EventKind("Release rolled back", "warning", _DEPLOY_FIELDS),
    "rollback_failed": EventKind(
        "Rollback failed: the host needs an operator", "failure", _DEPLOY_FIELDS
    ),
    "secrets_rotated": EventKind("Secrets rotated", "info", ("rotated",)),
    "database_restored": EventKind("Database restored", "warning", ("backup", "source")),
    "backup_failed": EventKind("Backup failed", "failure", ("unit", "detail")),
    "stack_recovered": EventKind(
        "Containers brought back after a kill or a failed start", "warning", ("services",)
    ),
    # App events: the `event` of the backend's structured log lines.
    "kill_switch_tripped": EventKind("Kill switch tripped", "failure"),
    "session_interrupted": EventKind(
        "Session interrupted", "failure", ("session_id", "strategy_id")
    ),
    "live_trading_refused": EventKind(
        "Live trading refused", "warning", ("actor", "target", "reason")
    ),
    "disk_low": EventKind(
        "Data volume below the readiness threshold", "warning", ("free_bytes", "min_free_bytes")
    ),
    "session_exit_late": EventKind(
        "Session exit carried out late", "warning", ("session_id", "due_at", "delay_seconds")
    ),
    # Alerts of the monitoring profile's rules, relayed from Alertmanager (alert_relay.py).
    "alert_firing": EventKind(
        "Alert firing",
        "failure",
        ("alertname", "severity", "instance", "description", "started_at"),
    ),
    "alert_resolved": EventKind(
        "Alert resolved", "success", ("alertname", "instance", "started_at", "ended_at")
    ),
}
PLAY_EVENTS = frozenset(
    {
        "deploy_succeeded",
        "deploy_failed",
        "deploy_rolled_back",
        "rollback_failed",
        "secrets_rotated",
        "database_restored",
        "backup_failed",
        "stack_recovered",
    }
)
# Log lines whose `event` is not the notification's name: the audit record of the refusal.
# Sent by the alert relay itself; its log lines must not raise them a second time.
RELAYED_EVENTS = frozenset({"alert_firing", "alert_resolved"})
_AUDIT_ACTIONS = {"live_trading.refused": "live_trading_refused"}
_AUDIT_EVENT = "audit"


def app_event_name(fields: Mapping[str, Any]) -> str | None:
    """The notification a structured log line raises, by its `event` (and an audit line's
    `action`), or None."""
    event = fields.get("event")
    if event == _AUDIT_EVENT:
        return _AUDIT_ACTIONS.get(str(fields.get("action")))
    if isinstance(event, str) and event in EVENTS and event not in PLAY_EVENTS | RELAYED_EVENTS:
        return event
    return None


def log_filter(event: str) -> dict[str, str]:
    """The Log Viewer's filter showing the event's own log line."""
    for action, name in _AUDIT_ACTIONS.items():
        if name == event:
            return {"event": _AUDIT_EVENT, "q": action}
    return {"event": event}


@dataclass(frozen=True, slots=True)
class Notification:
    event: str
    title: str
    body: str
    severity: Severity


def log_viewer_link(base_url: str, event: str, at: datetime) -> str | None:
    """The Log Viewer on the event's lines from a few minutes before it; None without a base."""
    if not base_url:
        return None
    query = {**log_filter(event), "start": iso_z(at - LINK_LEAD)}
    return f"{base_url.rstrip('/')}/logs?{urlencode(query)}"


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Credential patterns redacted, then every secret's value wherever it appears."""
    text = redact(text)
    # The longest first, so a secret holding another is replaced whole.
    longest_first = sorted(
        {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
    )
    for secret in longest_first:
        text = text.replace(secret, REDACTED)
    return text


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def compose(
    event: str,
    summary: str,
    fields: Mapping[str, Any],
    *,
    host: str,
    release: str,
    at: datetime,
    link_base: str,
    secrets: Iterable[str],
) -> Notification:
    """The notification of `event`: title with the host, the summary, host, release, the event's
    own fields (others are left out), the time and the Log Viewer link; secrets scrubbed."""
    kind = EVENTS[event]
    secrets = tuple(secrets)
    lines = [_shorten(summary.strip(), MAX_SUMMARY_LENGTH), "", f"host: {host}"]
    lines.append(f"release: {release or 'unknown'}")
    lines.append(f"event: {event}")
    for name in kind.fields:
        value = fields.get(name)
        if value is not None and value != "":
            lines.append(f"{name}: {_shorten(str(value), MAX_VALUE_LENGTH)}")
    lines.append(f"at: {iso_z(at)}")
    if link := log_viewer_link(link_base, event, at):
        lines.append(f"log viewer: {link}")
    title = f"{kind.title} on {host}"
    return Notification(
        event=event,
        title=scrub(title, secrets),
        body=scrub("\n".join(lines), secrets),
        severity=kind.severity,
    )
