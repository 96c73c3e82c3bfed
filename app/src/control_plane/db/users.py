"""The admin user, bootstrapped from ADMIN_USERNAME / ADMIN_PASSWORD."""

from __future__ import annotations

import time

from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.security import hash_password, verify_password


async def bootstrap_admin(
    session: AsyncSession, hasher: PasswordHasher, username: str, password: str
) -> None:
    """Create the admin, or re-hash its password when the environment changed it."""
    if not password:
        return
    row = (
        await session.execute(
            text("SELECT password_hash FROM users WHERE username = :u"), {"u": username}
        )
    ).first()
    if row is None:
        await session.execute(
            text("INSERT INTO users (username, password_hash, created_at) VALUES (:u, :h, :t)"),
            {"u": username, "h": hash_password(hasher, password), "t": time.time_ns() // 1000},
        )
    elif not verify_password(hasher, row[0], password):
        await session.execute(
            text("UPDATE users SET password_hash = :h WHERE username = :u"),
            {"u": username, "h": hash_password(hasher, password)},
        )
    await session.commit()


async def password_hash_for(session: AsyncSession, username: str) -> str | None:
    row = (
        await session.execute(
            text("SELECT password_hash FROM users WHERE username = :u"), {"u": username}
        )
    ).first()
    return row[0] if row else None


async def user_exists(session: AsyncSession, username: str) -> bool:
    return await password_hash_for(session, username) is not None
