"""Users: the bootstrap admin, accounts managed by admins, password changes, deactivation.

A change that must sign a user out (new password, deactivation) revokes their auth sessions
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from argon2 import PasswordHasher
from sqlalchemy import CursorResult, Row, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit import record_system_audit
from control_plane.db.auth_sessions import active_session_counts, revoke_user_sessions
from control_plane.security import hash_password, verify_password
from control_plane.sessions.times import now_us

Role = Literal["admin", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "viewer")


class DuplicateUsername(Exception):
    """The name is taken (compared without case)."""


class LastActiveAdmin(Exception):
    """The change would leave no active admin."""


@dataclass(frozen=True, slots=True)
class UserRecord:
    username: str
    role: Role
    password_hash: str
    created_at_us: int
    password_changed_at_us: int
    deactivated_at_us: int | None

    @property
    def active(self) -> bool:
        return self.deactivated_at_us is None


@dataclass(frozen=True, slots=True)
class UserSummary:
    user: UserRecord
    active_sessions: int


_COLUMNS = "username, role, password_hash, created_at, password_changed_at, deactivated_at"


def _user(row: Row[Any]) -> UserRecord:
    """A row selected as `_COLUMNS`."""
    return UserRecord(
        username=row.username,
        role=row.role,
        password_hash=row.password_hash,
        created_at_us=row.created_at,
        password_changed_at_us=row.password_changed_at,
        deactivated_at_us=row.deactivated_at,
    )


# True when some other active admin would remain after :u is demoted or deactivated.
_ANOTHER_ACTIVE_ADMIN = (
    "EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND deactivated_at IS NULL"
    " AND username != :u)"
)


async def find_user(session: AsyncSession, username: str) -> UserRecord | None:
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM users WHERE username = :u"), {"u": username}
        )
    ).first()
    return _user(row) if row else None


async def list_users(session: AsyncSession) -> list[UserSummary]:
    rows = await session.execute(text(f"SELECT {_COLUMNS} FROM users ORDER BY id"))
    users = [_user(row) for row in rows]
    counts = await active_session_counts(session)
    return [UserSummary(user, counts.get(user.username, 0)) for user in users]


async def create_user(
    session: AsyncSession, username: str, password_hash: str, role: Role
) -> UserRecord:
    taken = await session.execute(
        text("SELECT 1 FROM users WHERE lower(username) = lower(:u)"), {"u": username}
    )
    if taken.first() is not None:
        raise DuplicateUsername(username)
    created = now_us()
    try:
        await session.execute(
            text(
                "INSERT INTO users (username, password_hash, created_at, role, password_changed_at)"
                " VALUES (:u, :h, :t, :r, 0)"
            ),
            {"u": username, "h": password_hash, "t": created, "r": role},
        )
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise DuplicateUsername(username) from None
    return UserRecord(username, role, password_hash, created, 0, None)


async def set_password(
    session: AsyncSession, username: str, password_hash: str, reason: str
) -> int:
    """Store a new hash and revoke every session of the user; the number revoked."""
    await session.execute(
        text("UPDATE users SET password_hash = :h, password_changed_at = :t WHERE username = :u"),
        {"u": username, "h": password_hash, "t": now_us()},
    )
    revoked = await revoke_user_sessions(session, username, reason, commit=False)
    await session.commit()
    return revoked


async def set_role(session: AsyncSession, username: str, role: Role) -> None:
    """Raises LastActiveAdmin rather than demote the only active admin."""
    guard = "" if role == "admin" else f" AND (role != 'admin' OR {_ANOTHER_ACTIVE_ADMIN})"
    result = await session.execute(
        text(f"UPDATE users SET role = :r WHERE username = :u{guard}"), {"u": username, "r": role}
    )
    await session.commit()
    if cast(CursorResult[Any], result).rowcount == 0:
        raise LastActiveAdmin(username)


async def deactivate_user(session: AsyncSession, username: str) -> int:
    """Deactivate and revoke every session; the number revoked. Raises LastActiveAdmin."""
    result = await session.execute(
        text(
            "UPDATE users SET deactivated_at = coalesce(deactivated_at, :t) WHERE username = :u"
            f" AND (role != 'admin' OR deactivated_at IS NOT NULL OR {_ANOTHER_ACTIVE_ADMIN})"
        ),
        {"u": username, "t": now_us()},
    )
    if cast(CursorResult[Any], result).rowcount == 0:
        await session.rollback()
        raise LastActiveAdmin(username)
    revoked = await revoke_user_sessions(session, username, "user deactivated", commit=False)
    await session.commit()
    return revoked


async def reactivate_user(session: AsyncSession, username: str) -> None:
    await session.execute(
        text("UPDATE users SET deactivated_at = NULL WHERE username = :u"), {"u": username}
    )
    await session.commit()


def _audit_system_change(action: str, username: str, reason: str) -> None:
    record_system_audit(action, target=f"user:{username}", reason=reason)


async def bootstrap_admin(
    session: AsyncSession, hasher: PasswordHasher, username: str, password: str
) -> None:
    """Create the admin, or re-hash its password when the environment changed it.

    The environment stays authoritative for this account's role and password (the vault is
    the operators' source of truth): it is an admin again at every start, and a changed
    ADMIN_PASSWORD revokes its sessions. A deactivation by another admin is kept.
    """
    if not password:
        return
    user = await find_user(session, username)
    if user is None:
        await session.execute(
            text(
                "INSERT INTO users (username, password_hash, created_at, role)"
                " VALUES (:u, :h, :t, 'admin')"
            ),
            {"u": username, "h": hash_password(hasher, password), "t": now_us()},
        )
        await session.commit()
        _audit_system_change("user.create", username, "bootstrap admin from ADMIN_PASSWORD")
        return
    if user.role != "admin":
        await set_role(session, username, "admin")
        _audit_system_change("user.role_change", username, "bootstrap admin is always an admin")
    if not verify_password(hasher, user.password_hash, password):
        await set_password(
            session, username, hash_password(hasher, password), "ADMIN_PASSWORD changed"
        )
        _audit_system_change("user.password_reset", username, "ADMIN_PASSWORD changed")
