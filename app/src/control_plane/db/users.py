"""Users: the bootstrap admin, accounts created by an admin, password changes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.security import hash_password, verify_password

Role = Literal["admin", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "viewer")


class DuplicateUsername(Exception):
    """The name is taken (compared without case)."""


@dataclass(frozen=True, slots=True)
class UserRecord:
    username: str
    role: Role
    password_hash: str
    created_at_us: int
    password_changed_at_us: int


def now_us() -> int:
    return time.time_ns() // 1000


_COLUMNS = "username, role, password_hash, created_at, password_changed_at"


async def find_user(session: AsyncSession, username: str) -> UserRecord | None:
    row = (
        await session.execute(
            text(f"SELECT {_COLUMNS} FROM users WHERE username = :u"), {"u": username}
        )
    ).first()
    return UserRecord(*row) if row else None


async def list_users(session: AsyncSession) -> list[UserRecord]:
    rows = await session.execute(text(f"SELECT {_COLUMNS} FROM users ORDER BY id"))
    return [UserRecord(*row) for row in rows]


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
    return UserRecord(username, role, password_hash, created, 0)


async def set_password(session: AsyncSession, username: str, password_hash: str) -> int:
    """Store a new hash; tokens issued before the returned time (microseconds) are refused."""
    changed = now_us()
    await session.execute(
        text("UPDATE users SET password_hash = :h, password_changed_at = :t WHERE username = :u"),
        {"u": username, "h": password_hash, "t": changed},
    )
    await session.commit()
    return changed


async def bootstrap_admin(
    session: AsyncSession, hasher: PasswordHasher, username: str, password: str
) -> None:
    """Create the admin, or re-hash its password when the environment changed it.

    The environment stays authoritative for this account (the vault is the operators' source
    of truth), so it is always an admin and a changed ADMIN_PASSWORD signs out older tokens.
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
        return
    if user.role != "admin":
        await session.execute(
            text("UPDATE users SET role = 'admin' WHERE username = :u"), {"u": username}
        )
        await session.commit()
    if not verify_password(hasher, user.password_hash, password):
        await set_password(session, username, hash_password(hasher, password))


async def password_hash_for(session: AsyncSession, username: str) -> str | None:
    user = await find_user(session, username)
    return user.password_hash if user else None


async def user_exists(session: AsyncSession, username: str) -> bool:
    return await find_user(session, username) is not None
