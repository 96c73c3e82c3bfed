"""User accounts: /api/users (admins only)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field

from control_plane.api.auth import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from control_plane.api.deps import AdminUser, SessionDep
from control_plane.api.errors import ADMIN_ONLY, error_responses
from control_plane.db.users import DuplicateUsername, Role, UserRecord, create_user, list_users
from control_plane.security import hash_password

router = APIRouter(prefix="/api/users", tags=["users"])


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)
    role: Role


class UserOut(BaseModel):
    username: str
    role: Role
    created_at: datetime


def _out(user: UserRecord) -> UserOut:
    return UserOut(
        username=user.username,
        role=user.role,
        created_at=datetime.fromtimestamp(user.created_at_us / 1_000_000, UTC),
    )


@router.get("", responses=ADMIN_ONLY)
async def get_users(_admin: AdminUser, session: SessionDep) -> list[UserOut]:
    return [_out(user) for user in await list_users(session)]


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(401, 403, 409))
async def add_user(
    body: UserCreate, request: Request, _admin: AdminUser, session: SessionDep
) -> UserOut:
    password_hash = await asyncio.to_thread(
        hash_password, request.app.state.password_hasher, body.password
    )
    try:
        return _out(await create_user(session, body.username, password_hash, body.role))
    except DuplicateUsername:
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"a user named {body.username!r} already exists"
        ) from None
