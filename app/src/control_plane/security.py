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


@dataclass(frozen=True, slots=True)
class TokenClaims:
    subject: str
    issued_at_us: int


def issue_token(
    subject: str, secret: str, ttl_seconds: int, *, now: float | None = None
) -> IssuedToken:
    issued_us = round(now * 1_000_000) if now is not None else time.time_ns() // 1000
    issued = issued_us // 1_000_000
    expires = issued + ttl_seconds
    # JWT's iat is whole seconds; a password change must refuse a token issued a moment
    # before it and accept one issued a moment after, hence the microsecond claim.
    claims = {"sub": subject, "iat": issued, "iat_us": issued_us, "exp": expires}
    return IssuedToken(jwt.encode(claims, secret, algorithm=TOKEN_ALGORITHM), expires)


def read_token_claims(token: str, secret: str) -> TokenClaims | None:
    """Subject and issue time, or None if the token is forged, malformed or expired."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[TOKEN_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub")
    issued_us = claims.get("iat_us")
    if not isinstance(issued_us, int):
        issued = claims.get("iat")
        issued_us = int(issued * 1_000_000) if isinstance(issued, int | float) else 0
    return TokenClaims(subject, issued_us) if isinstance(subject, str) else None


def read_token_subject(token: str, secret: str) -> str | None:
    """The token's subject, or None if it is forged, malformed or expired."""
    claims = read_token_claims(token, secret)
    return claims.subject if claims else None
