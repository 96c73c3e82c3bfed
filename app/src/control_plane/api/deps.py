"""Dependencies shared by the routers, as Annotated aliases."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit import Outcome, record_audit
from control_plane.db.auth_sessions import SessionHolder, read_session_holder, session_holder
from control_plane.db.read_connections import ReadConnections
from control_plane.db.users import Role
from control_plane.security import TokenClaims, read_token_claims
from control_plane.settings import Settings

T = TypeVar("T")

bearer_scheme = HTTPBearer(auto_error=False)

# SQLite integers are 64-bit: a larger id in a path or query is a 422, not a driver overflow.
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: Role = "viewer"
    # The auth session the request's token belongs to (what sign-out revokes).
    auth_session_id: str | None = None

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


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.session_factory() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def holder_user(holder: SessionHolder | None, claims: TokenClaims) -> User | None:
    """The token's user if its session's holder still admits it: the same subject, and the token
    issued after the user's last password change."""
    if (
        holder is None
        or holder.username != claims.subject
        or claims.issued_at_us < holder.password_changed_at_us
    ):
        return None
    return User(holder.username, holder.role, claims.session_id)


async def user_for_claims(session: AsyncSession, claims: TokenClaims) -> User | None:
    """The holder of the token's auth session, read afresh (no cache), or None once the
    session is revoked or past its absolute expiry, the user deactivated, or the token older
    than the user's last password change. The socket re-checks its session with this."""
    return holder_user(await session_holder(session, claims.session_id), claims)


def read_user(conn: sqlite3.Connection, claims: TokenClaims) -> User | None:
    """user_for_claims on a plain read connection (db.read_connections)."""
    return holder_user(read_session_holder(conn, claims.session_id), claims)


def bearer_claims(
    credentials: HTTPAuthorizationCredentials | None, secret: str
) -> TokenClaims | None:
    """The bearer token's claims once its signature and expiry are checked, or None."""
    return None if credentials is None else read_token_claims(credentials.credentials, secret)


async def get_optional_user(
    request: Request, credentials: BearerDep, settings: SettingsDep
) -> User | None:
    # The session is read on a read connection, one thread hop, not through the async engine.
    claims = bearer_claims(credentials, settings.JWT_SECRET)
    if claims is None:
        return None
    connections: ReadConnections = request.app.state.read_connections
    return await connections.run(lambda conn: read_user(conn, claims))


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def sign_in_required() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "sign-in required",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise sign_in_required()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_admin_user(user: CurrentUser) -> User:
    if not user.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this action needs the admin role")
    return user


AdminUser = Annotated[User, Depends(get_admin_user)]


class _SignedOut:
    """What a read returns when the session check refused the token."""


_SIGNED_OUT = _SignedOut()


@dataclass(frozen=True, slots=True)
class SignedInReader:
    """A signed-in route's reads on the plain read connections (db.read_connections): the session
    check that CurrentUser makes runs first in the same call, on the same connection, so the
    request hops to a thread once. Revocation holds as for CurrentUser: the session row is
    read afresh each time."""

    claims: TokenClaims
    connections: ReadConnections

    async def run(self, work: Callable[[sqlite3.Connection, User], T]) -> T:
        """`work(connection, user)` once the token's session is checked; 401 if it is not."""
        claims = self.claims

        def checked(conn: sqlite3.Connection) -> T | _SignedOut:
            user = read_user(conn, claims)
            return _SIGNED_OUT if user is None else work(conn, user)

        result = await self.connections.run(checked)
        if isinstance(result, _SignedOut):
            raise sign_in_required()
        return result


async def get_signed_in_reader(
    request: Request, credentials: BearerDep, settings: SettingsDep
) -> SignedInReader:
    # The token's signature and expiry now; its session in the reader's call.
    claims = bearer_claims(credentials, settings.JWT_SECRET)
    if claims is None:
        raise sign_in_required()
    return SignedInReader(claims, request.app.state.read_connections)


SignedInRead = Annotated[SignedInReader, Depends(get_signed_in_reader)]
