"""Sign-in, token refresh, sign-out, the signed-in user, and password changes.

A sign-in opens an auth session (a row): the access token (minutes) names it, the refresh
token (rotated on each use) renews the access token until the session's absolute end.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, Field

from control_plane.api.deps import (
    CurrentUser,
    SessionDep,
    SettingsDep,
    User,
    audit,
    client_address,
)
from control_plane.api.errors import SIGNED_IN, error_responses
from control_plane.audit import record_audit
from control_plane.db.auth_sessions import (
    Rotation,
    revoke_auth_session,
    rotate_refresh_token,
    start_auth_session,
)
from control_plane.db.users import Role, find_user, set_password
from control_plane.login_throttle import LoginThrottle
from control_plane.security import (
    hash_password,
    issue_token,
    new_refresh_token,
    new_session_id,
    refresh_token_hash,
    refresh_token_session_id,
    verify_password,
)
from control_plane.settings import Settings
from control_plane.times import now_us

router = APIRouter(prefix="/api/auth", tags=["auth"])

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_REFRESH_TOKEN_LENGTH = 256
BAD_CREDENTIALS = "invalid username or password"
BAD_REFRESH_TOKEN = "refresh token is not valid; sign in again"


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=MAX_REFRESH_TOKEN_LENGTH)


class LoginResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: int = Field(description="unix seconds: the access token's expiry")
    refresh_token: str = Field(description="single use: each refresh returns a new one")
    refresh_expires_at: int = Field(description="unix seconds: the auth session's absolute end")


class Me(BaseModel):
    username: str
    role: Role


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)
    new_password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


def login_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


def audit_attempt(request: Request, username: str, action: str, **details: Any) -> None:
    """An audit event for a caller known only by the name they gave (no role)."""
    record_audit(
        action,
        actor=username,
        actor_role=None,
        source_address=client_address(request),
        target=f"user:{username}",
        **details,
    )


def throttled(request: Request, username: str) -> HTTPException | None:
    """The 429 (with Retry-After) to answer while the address or the pair is held back."""
    wait = login_throttle(request).retry_after(username, client_address(request))
    if wait is None:
        return None
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        f"too many failed attempts; try again in {wait} s",
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


def _tokens(
    settings: Settings, username: str, session_id: str, refresh_token: str, expires_at_us: int
) -> LoginResponse:
    session_end = expires_at_us // 1_000_000
    access = issue_token(
        username,
        session_id,
        settings.JWT_SECRET,
        settings.ACCESS_TOKEN_MINUTES * 60,
        not_after=session_end,
    )
    return LoginResponse(
        access_token=access.token,
        expires_at=access.expires_at,
        refresh_token=refresh_token,
        refresh_expires_at=session_end,
    )


@router.post("/login", responses=error_responses(401, 429))
async def login(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> LoginResponse:
    """401 alike for an unknown name, a wrong password and a deactivated account."""
    if refusal := throttled(request, body.username):
        audit_attempt(
            request,
            body.username,
            "auth.sign_in",
            outcome="refused",
            reason="too many failed attempts",
        )
        raise refusal
    user = await find_user(session, body.username)
    address = client_address(request)
    matches = await password_matches(request, user.password_hash if user else None, body.password)
    if user is None or not matches or not user.active:
        login_throttle(request).record_failure(body.username, address)
        reason = (
            "unknown user" if user is None else "wrong password" if not matches else "deactivated"
        )
        audit_attempt(request, body.username, "auth.sign_in", outcome="failure", reason=reason)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, BAD_CREDENTIALS)
    login_throttle(request).record_success(body.username, address)
    session_id = new_session_id()
    refresh_token = new_refresh_token(session_id)
    expires_at_us = now_us() + settings.SESSION_MAX_HOURS * 3600 * 1_000_000
    await start_auth_session(
        session,
        session_id=session_id,
        username=user.username,
        refresh_hash=refresh_token_hash(refresh_token),
        expires_at_us=expires_at_us,
        source_address=address,
    )
    audit(
        request,
        User(user.username, user.role),
        "auth.sign_in",
        target=f"user:{user.username}",
        auth_session=session_id,
    )
    return _tokens(settings, user.username, session_id, refresh_token, expires_at_us)


@router.post("/refresh", responses=error_responses(401))
async def refresh(
    body: RefreshRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> LoginResponse:
    """A new access token and a new refresh token; the presented one is spent. Presenting a
    spent refresh token again means someone kept a copy: the whole session is revoked."""
    session_id = refresh_token_session_id(body.refresh_token)
    if session_id is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, BAD_REFRESH_TOKEN)
    new_token = new_refresh_token(session_id)
    result = await rotate_refresh_token(
        session, session_id, refresh_token_hash(body.refresh_token), refresh_token_hash(new_token)
    )
    if result.outcome is Rotation.REUSED:
        audit_attempt(
            request,
            str(result.username),
            "auth.refresh",
            outcome="failure",
            reason="refresh token reused; session revoked",
            auth_session=session_id,
        )
    holder = result.holder
    if result.outcome is not Rotation.ROTATED or holder is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, BAD_REFRESH_TOKEN)
    return _tokens(settings, holder.username, session_id, new_token, holder.expires_at_us)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=SIGNED_IN)
async def logout(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """Revokes the presented token's session: its access and refresh tokens stop working."""
    if user.auth_session_id is not None:
        await revoke_auth_session(session, user.auth_session_id, "signed out")
    audit(
        request,
        user,
        "auth.sign_out",
        target=f"user:{user.username}",
        auth_session=user.auth_session_id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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
    """Every session of the user, this one included, is revoked: sign in again."""
    target = f"user:{user.username}"
    if refusal := throttled(request, user.username):
        audit(
            request,
            user,
            "auth.password_change",
            target=target,
            outcome="refused",
            reason="too many failed attempts",
        )
        raise refusal
    record = await find_user(session, user.username)
    if record is None or not await password_matches(
        request, record.password_hash, body.current_password
    ):
        login_throttle(request).record_failure(user.username, client_address(request))
        audit(
            request,
            user,
            "auth.password_change",
            target=target,
            outcome="failure",
            reason="current password is wrong",
        )
        raise HTTPException(status.HTTP_403_FORBIDDEN, "current password is wrong")
    new_hash = await asyncio.to_thread(
        hash_password, request.app.state.password_hasher, body.new_password
    )
    revoked = await set_password(session, user.username, new_hash, "password changed")
    audit(request, user, "auth.password_change", target=target, revoked_sessions=revoked)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
