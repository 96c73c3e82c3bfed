"""User accounts: /api/users (admins only). Every change is audited, refusals included."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, model_validator

from control_plane.api.audited import outcome_for_status
from control_plane.api.auth import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from control_plane.api.deps import AdminUser, SessionDep, User, audit
from control_plane.api.errors import ADMIN_ONLY, error_responses
from control_plane.db.auth_sessions import active_session_counts, revoke_user_sessions
from control_plane.db.users import (
    DuplicateUsername,
    LastActiveAdmin,
    Role,
    UserRecord,
    UserSummary,
    create_user,
    deactivate_user,
    find_user,
    list_users,
    reactivate_user,
    set_password,
    set_role,
)
from control_plane.security import hash_password

router = APIRouter(prefix="/api/users", tags=["users"])

MAX_USERNAME_LENGTH = 64
Username = Annotated[str, Path(min_length=1, max_length=MAX_USERNAME_LENGTH)]


class UserCreate(BaseModel):
    username: str = Field(
        min_length=1, max_length=MAX_USERNAME_LENGTH, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$"
    )
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    role: Role


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    active: bool | None = None

    @model_validator(mode="after")
    def _changes_something(self) -> UserUpdate:
        if self.role is None and self.active is None:
            raise ValueError("give role, active or both")
        return self


class PasswordReset(BaseModel):
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class UserOut(BaseModel):
    username: str
    role: Role
    active: bool
    created_at: datetime
    active_sessions: int = Field(description="auth sessions neither revoked nor expired")


class Revoked(BaseModel):
    revoked: int


def _out(user: UserRecord, active_sessions: int) -> UserOut:
    return UserOut(
        username=user.username,
        role=user.role,
        active=user.active,
        created_at=datetime.fromtimestamp(user.created_at_us / 1_000_000, UTC),
        active_sessions=active_sessions,
    )


def _summary_out(summary: UserSummary) -> UserOut:
    return _out(summary.user, summary.active_sessions)


def _audited_error(
    request: Request, admin: User, action: str, username: str, code: int, reason: str
) -> HTTPException:
    """Audit a change that did not happen and build the error that answers it."""
    outcome = outcome_for_status(code)
    audit(request, admin, action, target=f"user:{username}", outcome=outcome, reason=reason)
    return HTTPException(code, reason)


async def _existing(
    request: Request, admin: User, session: SessionDep, username: str, action: str
) -> UserRecord:
    user = await find_user(session, username)
    if user is None:
        raise _audited_error(
            request, admin, action, username, status.HTTP_404_NOT_FOUND, "no such user"
        )
    return user


async def _current(session: SessionDep, username: str) -> UserOut:
    user = await find_user(session, username)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    return _out(user, (await active_session_counts(session)).get(username, 0))


@router.get("", responses=ADMIN_ONLY)
async def get_users(_admin: AdminUser, session: SessionDep) -> list[UserOut]:
    return [_summary_out(summary) for summary in await list_users(session)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(401, 403, 409))
async def add_user(
    body: UserCreate, request: Request, admin: AdminUser, session: SessionDep
) -> UserOut:
    password_hash = await asyncio.to_thread(
        hash_password, request.app.state.password_hasher, body.password
    )
    try:
        created = await create_user(session, body.username, password_hash, body.role)
    except DuplicateUsername:
        raise _audited_error(
            request,
            admin,
            "user.create",
            body.username,
            status.HTTP_409_CONFLICT,
            f"a user named {body.username!r} already exists",
        ) from None
    audit(request, admin, "user.create", target=f"user:{created.username}", role=created.role)
    return _out(created, 0)


@router.patch("/{username}", responses=error_responses(401, 403, 404, 409))
async def update_user(
    username: Username, body: UserUpdate, request: Request, admin: AdminUser, session: SessionDep
) -> UserOut:
    """409 rather than demote or deactivate the last active admin, or deactivate oneself.
    Deactivation revokes every session of the user (their sockets close within one update
    interval)."""
    named_action = {None: "user.role_change", False: "user.deactivate", True: "user.reactivate"}
    user = await _existing(request, admin, session, username, named_action[body.active])
    target = f"user:{username}"
    if body.active is False and username == admin.username:
        raise _audited_error(
            request,
            admin,
            "user.deactivate",
            username,
            status.HTTP_409_CONFLICT,
            "you cannot deactivate yourself",
        )
    try:
        if body.role is not None and body.role != user.role:
            await set_role(session, username, body.role)
            audit(
                request,
                admin,
                "user.role_change",
                target=target,
                role=body.role,
                previous_role=user.role,
            )
        if body.active is False and user.active:
            revoked = await deactivate_user(session, username)
            audit(request, admin, "user.deactivate", target=target, revoked_sessions=revoked)
        if body.active is True and not user.active:
            await reactivate_user(session, username)
            audit(request, admin, "user.reactivate", target=target)
    except LastActiveAdmin as refusal:
        failed = "user.role_change" if body.role == "viewer" else "user.deactivate"
        raise _audited_error(
            request,
            admin,
            failed,
            username,
            status.HTTP_409_CONFLICT,
            f"{refusal.args[0]} is the last active admin",
        ) from None
    return await _current(session, username)


@router.post(
    "/{username}/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 404),
)
async def reset_password(
    username: Username,
    body: PasswordReset,
    request: Request,
    admin: AdminUser,
    session: SessionDep,
) -> Response:
    """Sets the user's password and revokes all their sessions."""
    await _existing(request, admin, session, username, "user.password_reset")
    password_hash = await asyncio.to_thread(
        hash_password, request.app.state.password_hasher, body.new_password
    )
    revoked = await set_password(session, username, password_hash, "password reset by an admin")
    audit(
        request, admin, "user.password_reset", target=f"user:{username}", revoked_sessions=revoked
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{username}/revoke-sessions", responses=error_responses(401, 403, 404))
async def revoke_sessions(
    username: Username, request: Request, admin: AdminUser, session: SessionDep
) -> Revoked:
    await _existing(request, admin, session, username, "user.revoke_sessions")
    revoked = await revoke_user_sessions(session, username, "revoked by an admin")
    audit(
        request, admin, "user.revoke_sessions", target=f"user:{username}", revoked_sessions=revoked
    )
    return Revoked(revoked=revoked)
