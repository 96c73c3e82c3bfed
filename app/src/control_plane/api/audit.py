"""POST /api/audit/events: the play's audit records (deploy, rollback, restore, rotation,
backup, a deploy lock released by hand), behind the ingest key alone: a signed-in user cannot
write one."""

from __future__ import annotations

import re
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field, field_validator

from control_plane.api.deps import SettingsDep, client_address
from control_plane.api.errors import error_responses
from control_plane.api.ingest_key import ApiKeyHeader, ingest_key_matches
from control_plane.audit import Outcome, record_audit

router = APIRouter(prefix="/api/audit", tags=["audit"])

OPERATOR_ROLE = "operator"
PlayAction = Literal[
    "deploy",
    "rollback",
    "rollback_failed",
    "restore",
    "secrets.rotate",
    "backup",
    "deploy_lock.release",
]
MAX_DETAILS = 32
MAX_DETAIL_TEXT = 1000
DETAIL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
DetailValue = str | int | float | bool | None


class AuditEventIn(BaseModel):
    action: PlayAction
    actor: str = Field(min_length=1, max_length=200, description="who ran the play")
    target: str | None = Field(default=None, max_length=300, examples=["release:abc123"])
    outcome: Outcome = "success"
    details: dict[str, DetailValue] = Field(default_factory=dict)

    @field_validator("details")
    @classmethod
    def _bounded_details(cls, value: dict[str, DetailValue]) -> dict[str, DetailValue]:
        if len(value) > MAX_DETAILS:
            raise ValueError(f"at most {MAX_DETAILS} details")
        for name, item in value.items():
            if not DETAIL_NAME.match(name):
                raise ValueError(f"detail name {name!r} must match {DETAIL_NAME.pattern}")
            if isinstance(item, str) and len(item) > MAX_DETAIL_TEXT:
                raise ValueError(f"detail {name!r} is over {MAX_DETAIL_TEXT} characters")
        return value


class AuditRecorded(BaseModel):
    recorded: bool


async def require_ingest_key(settings: SettingsDep, x_api_key: ApiKeyHeader = None) -> None:
    if not ingest_key_matches(settings, x_api_key):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "X-API-Key required")


@router.post(
    "/events",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require_ingest_key)],
    responses=error_responses(401),
)
async def record_play_event(body: AuditEventIn, request: Request) -> AuditRecorded:
    details: dict[str, Any] = {"details": body.details} if body.details else {}
    record_audit(
        body.action,
        actor=body.actor,
        actor_role=OPERATOR_ROLE,
        source_address=client_address(request),
        target=body.target,
        outcome=body.outcome,
        source="ansible",
        **details,
    )
    return AuditRecorded(recorded=True)
