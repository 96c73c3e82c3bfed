"""Sign-in: POST /api/auth/login returns a bearer token."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, Field

from control_plane.api.deps import CurrentUser, SessionDep, SettingsDep
from control_plane.db.users import password_hash_for
from control_plane.security import hash_password, issue_token, verify_password

router = APIRouter(prefix="/api/auth", tags=["auth"])


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)


class LoginResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: int


@router.post("/login")
async def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> LoginResponse:
    hasher = request.app.state.password_hasher
    stored = await password_hash_for(session, body.username)
    if stored is None:
        # Verify against a throwaway hash anyway so timing does not reveal unknown usernames.
        stored_or_decoy = getattr(request.app.state, "decoy_hash", None) or hash_password(
            hasher, "decoy"
        )
        request.app.state.decoy_hash = stored_or_decoy
    else:
        stored_or_decoy = stored
    valid = await asyncio.to_thread(verify_password, hasher, stored_or_decoy, body.password)
    if stored is None or not valid:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid username or password")
    issued = issue_token(body.username, settings.JWT_SECRET, settings.JWT_EXPIRE_MINUTES * 60)
    return LoginResponse(access_token=issued.token, expires_at=issued.expires_at)


@router.get("/me")
async def me(user: CurrentUser) -> dict[str, str]:
    return {"username": user.username}
