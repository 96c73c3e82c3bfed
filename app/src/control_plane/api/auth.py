"""Sign-in, the signed-in user, and password changes."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from control_plane.api.deps import CurrentUser, SessionDep, SettingsDep, client_address
from control_plane.api.errors import SIGNED_IN, error_responses
from control_plane.db.users import Role, find_user, set_password
from control_plane.login_throttle import LoginThrottle
from control_plane.security import hash_password, issue_token, verify_password

router = APIRouter(prefix="/api/auth", tags=["auth"])

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class LoginResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: int = Field(description="unix seconds")


class Me(BaseModel):
    username: str
    role: Role


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


def login_throttle(request: Request) -> LoginThrottle:
    return request.app.state.login_throttle


def refuse_if_throttled(request: Request, username: str) -> None:
    wait = login_throttle(request).retry_after(username, client_address(request))
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too many failed attempts; try again later",
            headers={"Retry-After": str(wait)},
        )


async def password_matches(request: Request, stored: str | None, password: str) -> bool:
    hasher = request.app.state.password_hasher
    if stored is None:
        # Verify against a throwaway hash anyway so timing does not reveal unknown usernames.
        stored = getattr(request.app.state, "decoy_hash", None) or hash_password(hasher, "decoy")
        request.app.state.decoy_hash = stored
        await asyncio.to_thread(verify_password, hasher, stored, password)
        return False
    return await asyncio.to_thread(verify_password, hasher, stored, password)


@router.post("/login", responses=error_responses(401, 429))
async def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> LoginResponse:
    refuse_if_throttled(request, body.username)
    user = await find_user(session, body.username)
    address = client_address(request)
    if not await password_matches(request, user.password_hash if user else None, body.password):
        login_throttle(request).record_failure(body.username, address)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid username or password")
    login_throttle(request).record_success(body.username, address)
    issued = issue_token(body.username, settings.JWT_SECRET, settings.JWT_EXPIRE_MINUTES * 60)
    return LoginResponse(access_token=issued.token, expires_at=issued.expires_at)


@router.get("/me", responses=SIGNED_IN)
async def me(user: CurrentUser) -> Me:
    return Me(username=user.username, role=user.role)


@router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 403, 429),
)
async def change_password(
    body: PasswordChange, request: Request, user: CurrentUser, session: SessionDep
) -> Response:
    """Tokens issued before the change, this one included, are refused afterwards."""
    refuse_if_throttled(request, user.username)
    record = await find_user(session, user.username)
    if record is None or not await password_matches(
        request, record.password_hash, body.current_password
    ):
        login_throttle(request).record_failure(user.username, client_address(request))
        raise HTTPException(status.HTTP_403_FORBIDDEN, "current password is wrong")
    new_hash = await asyncio.to_thread(
        hash_password, request.app.state.password_hasher, body.new_password
    )
    await set_password(session, user.username, new_hash)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
