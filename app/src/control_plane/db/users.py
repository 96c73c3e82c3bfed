"""Users: the bootstrap admin, accounts managed by admins, password changes, deactivation.

A change that must sign a user out (new password, deactivation) revokes their auth sessions
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

from argon2 import PasswordHasher
from sqlalchemy import ColumnElement, CursorResult, Row, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit import record_system_audit
from control_plane.db.auth_sessions import active_session_counts, revoke_user_sessions
from control_plane.db.schema import users
from control_plane.security import hash_password, verify_password
from control_plane.times import now_us

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


_COLUMNS = (
    users.c.username,
    users.c.role,
    users.c.password_hash,
    users.c.created_at,
    users.c.password_changed_at,
    users.c.deactivated_at,
)


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


def _another_active_admin(username: str) -> ColumnElement[bool]:
    """True when some other active admin would remain after `username` is demoted or
    deactivated."""
    other = users.alias("other")
    return exists().where(
        other.c.role == "admin", other.c.deactivated_at.is_(None), other.c.username != username
    )


async def find_user(session: AsyncSession, username: str) -> UserRecord | None:
    row = (await session.execute(select(*_COLUMNS).where(users.c.username == username))).first()
    return _user(row) if row else None


async def list_users(session: AsyncSession) -> list[UserSummary]:
    rows = await session.execute(select(*_COLUMNS).order_by(users.c.id))
    records = [_user(row) for row in rows]
    counts = await active_session_counts(session)
    return [UserSummary(user, counts.get(user.username, 0)) for user in records]


async def create_user(
    session: AsyncSession, username: str, password_hash: str, role: Role
) -> UserRecord:
    taken = await session.execute(
        select(users.c.id).where(func.lower(users.c.username) == func.lower(username))
    )
    if taken.first() is not None:
        raise DuplicateUsername(username)
    created = now_us()
    try:
        await session.execute(
            insert(users).values(
                username=username,
                password_hash=password_hash,
                created_at=created,
                role=role,
                password_changed_at=0,
            )
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
        update(users)
        .where(users.c.username == username)
        .values(password_hash=password_hash, password_changed_at=now_us())
    )
    revoked = await revoke_user_sessions(session, username, reason, commit=False)
    await session.commit()
    return revoked


async def set_role(session: AsyncSession, username: str, role: Role) -> None:
    """Raises LastActiveAdmin rather than demote the only active admin."""
    statement = update(users).where(users.c.username == username).values(role=role)
    if role != "admin":
        statement = statement.where((users.c.role != "admin") | _another_active_admin(username))
    result = await session.execute(statement)
    await session.commit()
    if cast(CursorResult[Any], result).rowcount == 0:
        raise LastActiveAdmin(username)


async def deactivate_user(session: AsyncSession, username: str) -> int:
    """Deactivate and revoke every session; the number revoked. Raises LastActiveAdmin."""
    result = await session.execute(
        update(users)
        .where(
            users.c.username == username,
            (users.c.role != "admin")
            | users.c.deactivated_at.is_not(None)
            | _another_active_admin(username),
        )
        .values(deactivated_at=func.coalesce(users.c.deactivated_at, now_us()))
    )
    if cast(CursorResult[Any], result).rowcount == 0:
        await session.rollback()
        raise LastActiveAdmin(username)
    revoked = await revoke_user_sessions(session, username, "user deactivated", commit=False)
    await session.commit()
    return revoked


async def reactivate_user(session: AsyncSession, username: str) -> None:
    await session.execute(
        update(users).where(users.c.username == username).values(deactivated_at=None)
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
            insert(users).values(
                username=username,
                password_hash=hash_password(hasher, password),
                created_at=now_us(),
                role="admin",
            )
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
