"""Password hashing (argon2), access tokens (HS256 JWT) and refresh tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
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
    session_id: str
    issued_at_us: int


def issue_token(
    subject: str,
    session_id: str,
    secret: str,
    ttl_seconds: int,
    *,
    now: float | None = None,
    not_after: int | None = None,
) -> IssuedToken:
    """An access token for one auth session; `not_after` (unix s) caps its expiry."""
    issued_us = round(now * 1_000_000) if now is not None else time.time_ns() // 1000
    issued = issued_us // 1_000_000
    expires = issued + ttl_seconds
    if not_after is not None:
        expires = min(expires, not_after)
    # JWT's iat is whole seconds; a password change must refuse a token issued a moment
    # before it and accept one issued a moment after, hence the microsecond claim.
    claims = {
        "sub": subject,
        "sid": session_id,
        "iat": issued,
        "iat_us": issued_us,
        "exp": expires,
    }
    return IssuedToken(jwt.encode(claims, secret, algorithm=TOKEN_ALGORITHM), expires)


# Tokens verified before, by (token, secret): their claims and expiry. A token's signature and
# claims cannot change, and once valid only its expiry can end that (its iat and nbf only grow
# more valid), so a token seen before skips the HMAC and the parse (0.04-0.07 ms a request) and
# has its expiry checked each time. Only valid tokens are kept; the session is still read afresh.
_VERIFIED: dict[tuple[str, str], tuple[TokenClaims, int]] = {}
MAX_VERIFIED_TOKENS = 1024


def read_token_claims(token: str, secret: str) -> TokenClaims | None:
    """Subject, session and issue time, or None if the token is forged, malformed or expired."""
    known = _VERIFIED.get((token, secret))
    if known is not None:
        claims, expires = known
        # PyJWT's rule: expired once exp <= now.
        return claims if expires > time.time() else None
    verified = _verify_token(token, secret)
    if verified is not None:
        if len(_VERIFIED) >= MAX_VERIFIED_TOKENS:
            _VERIFIED.clear()
        _VERIFIED[(token, secret)] = verified
        return verified[0]
    return None


def _verify_token(token: str, secret: str) -> tuple[TokenClaims, int] | None:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[TOKEN_ALGORITHM],
            options={"require": ["exp", "sub", "sid", "iat_us"]},
        )
    except jwt.PyJWTError:
        return None
    subject, session_id, issued_us = claims["sub"], claims["sid"], claims["iat_us"]
    if not (isinstance(subject, str) and isinstance(session_id, str)):
        return None
    if not isinstance(issued_us, int) or isinstance(issued_us, bool):
        return None
    # PyJWT has checked that exp converts to an integer.
    return TokenClaims(subject, session_id, issued_us), int(claims["exp"])


SESSION_ID_PATTERN = re.compile(r"[0-9a-f]{32}")


def new_session_id() -> str:
    """128 random bits, as 32 hex characters."""
    return secrets.token_hex(16)


def new_refresh_token(session_id: str) -> str:
    """`<session id>.<256 random bits>`: the id finds the session, so reuse is recognised."""
    return f"{session_id}.{secrets.token_urlsafe(32)}"


def refresh_token_session_id(refresh_token: str) -> str | None:
    session_id, _, rest = refresh_token.partition(".")
    return session_id if SESSION_ID_PATTERN.fullmatch(session_id) and rest else None


def refresh_token_hash(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode("utf-8", "surrogatepass")).hexdigest()
