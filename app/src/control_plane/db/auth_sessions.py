"""Auth sessions: one row per sign-in, revocable, holding the hash of its current refresh token.

An access token names its session (`sid`); every request and every open socket reads the row,
so a revocation, an absolute expiry or a deactivated account takes effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, text
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.sessions.times import now_us

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
    # A refresh token naming a live session but not its current one: a spent token that
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
    # the table as small as the number of live sign-ins.
    await session.execute(
        text("DELETE FROM auth_sessions WHERE expires_at_us <= :now"), {"now": now}
    )
    await session.execute(
        text(
            "INSERT INTO auth_sessions (id, username, created_at_us, expires_at_us,"
            " refresh_token_hash, source_address) VALUES (:id, :u, :now, :exp, :h, :a)"
        ),
        {
            "id": session_id,
            "u": username,
            "now": now,
            "exp": expires_at_us,
            "h": refresh_hash,
            "a": source_address,
        },
    )
    await session.commit()


_HOLDER = (
    "SELECT u.username, u.role, u.password_changed_at, s.expires_at_us"
    " FROM auth_sessions s JOIN users u ON u.username = s.username"
    " WHERE s.id = :id AND s.revoked_at_us IS NULL AND s.expires_at_us > :now"
    " AND u.deactivated_at IS NULL"
)


async def session_holder(session: AsyncSession, session_id: str) -> SessionHolder | None:
    """Who holds this session, or None once it is revoked, expired or its user deactivated."""
    row = (await session.execute(text(_HOLDER), {"id": session_id, "now": now_us()})).first()
    if row is None:
        return None
    return SessionHolder(
        username=row.username,
        role=row.role,
        password_changed_at_us=row.password_changed_at,
        expires_at_us=row.expires_at_us,
    )


async def rotate_refresh_token(
    session: AsyncSession, session_id: str, presented_hash: str, new_hash: str
) -> RotationResult:
    """Swap the refresh token in one statement; a stale one revokes the whole session."""
    rotated = await session.execute(
        text(
            "UPDATE auth_sessions SET refresh_token_hash = :new WHERE id = :id"
            " AND refresh_token_hash = :old AND revoked_at_us IS NULL AND expires_at_us > :now"
            " AND username IN (SELECT username FROM users WHERE deactivated_at IS NULL)"
        ),
        {"id": session_id, "old": presented_hash, "new": new_hash, "now": now_us()},
    )
    if cast(CursorResult[Any], rotated).rowcount == 1:
        holder = await session_holder(session, session_id)
        await session.commit()
        if holder is not None:
            return RotationResult(Rotation.ROTATED, holder, holder.username)
        return RotationResult(Rotation.INVALID)
    row = (
        await session.execute(
            text(
                "SELECT username FROM auth_sessions WHERE id = :id AND revoked_at_us IS NULL"
                " AND expires_at_us > :now AND refresh_token_hash != :old"
            ),
            {"id": session_id, "old": presented_hash, "now": now_us()},
        )
    ).first()
    if row is None:
        await session.rollback()
        return RotationResult(Rotation.INVALID)
    await _revoke(session, "id = :id", {"id": session_id}, "refresh token reused")
    await session.commit()
    return RotationResult(Rotation.REUSED, username=row[0])


async def _revoke(session: AsyncSession, where: str, params: dict[str, object], reason: str) -> int:
    result = await session.execute(
        text(
            "UPDATE auth_sessions SET revoked_at_us = :now, revoked_reason = :reason"
            f" WHERE {where} AND revoked_at_us IS NULL AND expires_at_us > :now"
        ),
        {**params, "now": now_us(), "reason": reason},
    )
    return cast(CursorResult[Any], result).rowcount


async def revoke_auth_session(session: AsyncSession, session_id: str, reason: str) -> bool:
    revoked = await _revoke(session, "id = :id", {"id": session_id}, reason)
    await session.commit()
    return revoked == 1


async def revoke_user_sessions(
    session: AsyncSession, username: str, reason: str, *, commit: bool = True
) -> int:
    """Revoke every live session of the user; the number revoked."""
    revoked = await _revoke(session, "username = :u", {"u": username}, reason)
    if commit:
        await session.commit()
    return revoked


async def live_session_counts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        text(
            "SELECT username, count(*) AS sessions FROM auth_sessions"
            " WHERE revoked_at_us IS NULL AND expires_at_us > :now GROUP BY username"
        ),
        {"now": now_us()},
    )
    return {row.username: row.sessions for row in rows}
