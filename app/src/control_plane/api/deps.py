"""Dependencies shared by the routers, as Annotated aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit import Outcome, record_audit
from control_plane.db.users import Role, find_user
from control_plane.security import read_token_claims
from control_plane.settings import Settings

bearer_scheme = HTTPBearer(auto_error=False)

# SQLite integers are 64-bit: a larger id in a path or query is a 422, not a driver overflow.
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: Role = "viewer"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def client_address(request: Request) -> str:
    """The peer uvicorn reports: nginx's forwarded client once uvicorn trusts the proxy."""
    return request.client.host if request.client else "unknown"


def audit(
    request: Request,
    user: User | None,
    action: str,
    *,
    target: str | None = None,
    outcome: Outcome = "success",
    **details: Any,
) -> None:
    """Record a state change made through the API, with its actor and source address."""
    record_audit(
        action,
        actor=user.username if user else None,
        actor_role=user.role if user else None,
        source_address=client_address(request),
        target=target,
        outcome=outcome,
        **details,
    )


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.session_factory() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


async def user_for_token(session: AsyncSession, token: str, secret: str) -> User | None:
    """The signed-in user, or None for a bad, expired or superseded token.

    Also for the WebSocket (`?token=`): a token issued before the user's last password
    change is refused, and the role is read from the database on every call.
    """
    claims = read_token_claims(token, secret)
    if claims is None:
        return None
    user = await find_user(session, claims.subject)
    if user is None or claims.issued_at_us < user.password_changed_at_us:
        return None
    return User(user.username, user.role)


async def get_optional_user(
    credentials: BearerDep, settings: SettingsDep, session: SessionDep
) -> User | None:
    if credentials is None:
        return None
    return await user_for_token(session, credentials.credentials, settings.JWT_SECRET)


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "sign-in required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this action needs the admin role")
    return user


AdminUser = Annotated[User, Depends(get_admin_user)]
