"""Audit events: who changed what, from where, and how it ended, in the same log store.

Each event is one log line (event "audit") that the tailer ingests into backend_logs like any
other, so the Log Viewer finds it by actor. Details must never carry a credential.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

AUDIT_EVENT = "audit"
# The actor role of changes the application makes itself (the engine, the start-up).
SYSTEM_ROLE = "system"
Outcome = Literal["success", "failure", "refused"]

logger = logging.getLogger("control_plane.audit")


def record_audit(
    action: str,
    *,
    actor: str | None,
    actor_role: str | None,
    source_address: str | None,
    target: str | None = None,
    outcome: Outcome = "success",
    **details: Any,
) -> None:
    """Log one audit event; failures and refusals at WARNING so they stand out."""
    level = logging.INFO if outcome == "success" else logging.WARNING
    logger.log(
        level,
        "%s %s: %s by %s",
        action,
        target or "-",
        outcome,
        actor or "anonymous",
        extra={
            "event": AUDIT_EVENT,
            "actor": actor,
            "actor_role": actor_role,
            "source_address": source_address,
            "action": action,
            "target": target,
            "outcome": outcome,
            **details,
        },
    )


def record_system_audit(action: str, *, target: str, **details: Any) -> None:
    """A change the application made on its own: no actor, no source address."""
    record_audit(
        action, actor=None, actor_role=SYSTEM_ROLE, source_address=None, target=target, **details
    )
