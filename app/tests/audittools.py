"""Audit events as the app logged them (the records the JSON formatter writes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from control_plane.audit import AUDIT_EVENT
from control_plane.logging_setup import JsonFormatter

FIELDS = ("action", "actor", "actor_role", "source_address", "target", "outcome")
DETAILS = ("reason", "role", "previous_role", "revoked_sessions", "auth_session")


@dataclass
class AuditLog:
    caplog: pytest.LogCaptureFixture

    def _records(self) -> list[Any]:
        return [r for r in self.caplog.records if getattr(r, "event", None) == AUDIT_EVENT]

    def events(self, action: str | None = None) -> list[dict[str, Any]]:
        """Each event's fields and the details it has, oldest first; only `action`'s if given."""
        return [
            {key: getattr(record, key) for key in FIELDS + DETAILS if hasattr(record, key)}
            for record in self._records()
            if action is None or record.action == action
        ]

    def lines(self) -> list[str]:
        """The events as the JSON lines the log file holds."""
        return [JsonFormatter().format(record) for record in self._records()]
