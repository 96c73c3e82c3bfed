"""Auth sessions: one row per sign-in, revocable, holding the hash of its current refresh token.

An access token names its session (`sid`); every request and every open socket reads the row,
so a revocation, an absolute expiry or a deactivated account takes effect at once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CursorResult,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.db.schema import auth_sessions, users
from control_plane.db.statements import sqlite3_text
from control_plane.times import now_us

if TYPE_CHECKING:
    from control_plane.db.users import Role


@dataclass(frozen=True, slots=True)
class SessionHolder:
    """The user an unrevoked, unexpired session of an active account belongs to."""

    username: str
    role: Role
    password_changed_at_us: int
    expires_at_us: int


class Rotation(Enum):
    ROTATED = "rotated"
    # A refresh token naming an active session but not its current one: a spent token that
    # someone kept (only the current one's hash is stored, so any other counts the same).
    REUSED = "reused"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class RotationResult:
    outcome: Rotation
    holder: SessionHolder | None = None
    username: str | None = None


async def start_auth_session(
    session: AsyncSession,
    *,
    session_id: str,
    username: str,
    refresh_hash: str,
    expires_at_us: int,
    source_address: str,
) -> None:
    now = now_us()
    # Rows past their absolute expiry can never authenticate again; dropping them here keeps
    # the table as small as the number of active sign-ins.
    await session.execute(delete(auth_sessions).where(auth_sessions.c.expires_at_us <= now))
    await session.execute(
        insert(auth_sessions).values(
            id=session_id,
            username=username,
            created_at_us=now,
            expires_at_us=expires_at_us,
            refresh_token_hash=refresh_hash,
            source_address=source_address,
        )
    )
    await session.commit()


def _unrevoked(now: int | BindParameter[int]) -> ColumnElement[bool]:
    unexpired: ColumnElement[bool] = auth_sessions.c.expires_at_us > now
    return auth_sessions.c.revoked_at_us.is_(None) & unexpired


_ACTIVE_USERNAMES = select(users.c.username).where(users.c.deactivated_at.is_(None))


# Who holds a session: one statement for the async engine and the API's plain read connections.
SESSION_HOLDER = (
    select(
        users.c.username,
        users.c.role,
        users.c.password_changed_at,
        auth_sessions.c.expires_at_us,
    )
    .join_from(auth_sessions, users, users.c.username == auth_sessions.c.username)
    .where(
        auth_sessions.c.id == bindparam("session_id"),
        _unrevoked(bindparam("now")),
        users.c.deactivated_at.is_(None),
    )
)
SESSION_HOLDER_SQL = sqlite3_text(SESSION_HOLDER)


def _holder(row: Any) -> SessionHolder | None:
    if row is None:
        return None
    username, role, password_changed_at_us, expires_at_us = row
    return SessionHolder(
        username=username,
        role=role,
        password_changed_at_us=password_changed_at_us,
        expires_at_us=expires_at_us,
    )


async def session_holder(session: AsyncSession, session_id: str) -> SessionHolder | None:
    """Who holds this session, or None once it is revoked, expired or its user deactivated."""
    row = (
        await session.execute(SESSION_HOLDER, {"session_id": session_id, "now": now_us()})
    ).first()
    return _holder(row)


def read_session_holder(conn: sqlite3.Connection, session_id: str) -> SessionHolder | None:
    """session_holder on a plain sqlite3 connection (db.read_connections)."""
    row = conn.execute(SESSION_HOLDER_SQL, {"session_id": session_id, "now": now_us()}).fetchone()
    return _holder(row)


async def rotate_refresh_token(
    session: AsyncSession, session_id: str, presented_hash: str, new_hash: str
) -> RotationResult:
    """Swap the refresh token in one statement; a stale one revokes the whole session."""
    rotated = await session.execute(
        update(auth_sessions)
        .where(
            auth_sessions.c.id == session_id,
            auth_sessions.c.refresh_token_hash == presented_hash,
            _unrevoked(now_us()),
            auth_sessions.c.username.in_(_ACTIVE_USERNAMES),
        )
        .values(refresh_token_hash=new_hash)
    )
    if cast(CursorResult[Any], rotated).rowcount == 1:
        holder = await session_holder(session, session_id)
        await session.commit()
        if holder is not None:
            return RotationResult(Rotation.ROTATED, holder, holder.username)
        return RotationResult(Rotation.INVALID)
    row = (
        await session.execute(
            select(auth_sessions.c.username).where(
                auth_sessions.c.id == session_id,
                _unrevoked(now_us()),
                auth_sessions.c.refresh_token_hash != presented_hash,
            )
        )
    ).first()
    if row is None:
        await session.rollback()
        return RotationResult(Rotation.INVALID)
    await _revoke(session, auth_sessions.c.id == session_id, "refresh token reused")
    await session.commit()
    return RotationResult(Rotation.REUSED, username=row.username)


async def _revoke(session: AsyncSession, which: ColumnElement[bool], reason: str) -> int:
    now = now_us()
    result = await session.execute(
        update(auth_sessions)
        .where(which, _unrevoked(now))
        .values(revoked_at_us=now, revoked_reason=reason)
    )
    return cast(CursorResult[Any], result).rowcount


async def revoke_auth_session(session: AsyncSession, session_id: str, reason: str) -> bool:
    revoked = await _revoke(session, auth_sessions.c.id == session_id, reason)
    await session.commit()
    return revoked == 1


async def revoke_user_sessions(
    session: AsyncSession, username: str, reason: str, *, commit: bool = True
) -> int:
    """Revoke every active session of the user; the number revoked."""
    revoked = await _revoke(session, auth_sessions.c.username == username, reason)
    if commit:
        await session.commit()
    return revoked


async def active_session_counts(session: AsyncSession) -> dict[str, int]:
    sessions = func.count().label("sessions")
    rows = await session.execute(
        select(auth_sessions.c.username, sessions)
        .where(_unrevoked(now_us()))
        .group_by(auth_sessions.c.username)
    )
    return {row.username: row.sessions for row in rows}
