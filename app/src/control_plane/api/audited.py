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


def _outcome(exc: HTTPException) -> Outcome:
    return "refused" if exc.status_code in REFUSAL_STATUSES else "failure"


@contextmanager
def audited(
    request: Request, user: User, action: str, *, target: str | None = None, **details: Any
) -> Iterator[AuditNote]:
    note = AuditNote(target, dict(details))
    try:
        yield note
    except HTTPException as exc:
        audit(
            request,
            user,
            action,
            target=note.target,
            outcome=_outcome(exc),
            status_code=exc.status_code,
            reason=str(exc.detail)[:MAX_REASON_LENGTH],
            **note.details,
        )
        raise
    except RequestValidationError:
        audit(
            request,
            user,
            action,
            target=note.target,
            outcome="failure",
            reason="invalid request",
            **note.details,
        )
        raise
    except Exception as exc:
        audit(
            request,
            user,
            action,
            target=note.target,
            outcome="failure",
            reason=type(exc).__name__,
            **note.details,
        )
        raise
    audit(request, user, action, target=note.target, **note.details)
