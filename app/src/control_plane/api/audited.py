"""`with audited(...)`: one audit record for a route's state change, whatever its end
(success, a refusal, or a failure), so no path of a route goes unrecorded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.exceptions import RequestValidationError

from control_plane.api.deps import User, audit
from control_plane.audit import Outcome

# A state that forbids the change (kill switch tripped, session already ended) is a refusal.
REFUSAL_STATUSES = frozenset({status.HTTP_403_FORBIDDEN, status.HTTP_409_CONFLICT})
MAX_REASON_LENGTH = 300


@dataclass
class AuditNote:
    """What the route learns on the way (the id it created, a count) for the record."""

    target: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def outcome_for_status(status_code: int) -> Outcome:
    """The audit outcome of a change answered with this error status."""
    return "refused" if status_code in REFUSAL_STATUSES else "failure"


def _ending(exc: Exception) -> tuple[Outcome, dict[str, Any]]:
    """How a route that raised ended, for its audit record."""
    if isinstance(exc, HTTPException):
        outcome = outcome_for_status(exc.status_code)
        reason = str(exc.detail)[:MAX_REASON_LENGTH]
        return outcome, {"status_code": exc.status_code, "reason": reason}
    if isinstance(exc, RequestValidationError):
        return "failure", {"reason": "invalid request"}
    return "failure", {"reason": type(exc).__name__}


@contextmanager
def audited(
    request: Request, user: User, action: str, *, target: str | None = None, **details: Any
) -> Iterator[AuditNote]:
    note = AuditNote(target, dict(details))
    try:
        yield note
    except Exception as exc:
        outcome, ending = _ending(exc)
        audit(request, user, action, target=note.target, outcome=outcome, **ending, **note.details)
        raise
    audit(request, user, action, target=note.target, **note.details)
