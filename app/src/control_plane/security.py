"""Password hashing (argon2) and access tokens (HS256 JWT)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_ALGORITHM = "HS256"


def password_hasher(time_cost: int, memory_cost_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib)


def hash_password(hasher: PasswordHasher, password: str) -> str:
    return hasher.hash(password)


def verify_password(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    """Parameters are read from the hash itself, so older hashes keep verifying."""
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: int


def issue_token(
    subject: str, secret: str, ttl_seconds: int, *, now: float | None = None
) -> IssuedToken:
    issued = int(now if now is not None else time.time())
    expires = issued + ttl_seconds
    token = jwt.encode(
        {"sub": subject, "iat": issued, "exp": expires}, secret, algorithm=TOKEN_ALGORITHM
    )
    return IssuedToken(token, expires)


def read_token_subject(token: str, secret: str) -> str | None:
    """The token's subject, or None if it is forged, malformed or expired."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[TOKEN_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    return subject if isinstance(subject, str) else None
