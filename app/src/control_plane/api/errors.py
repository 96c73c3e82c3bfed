"""Error bodies as they appear in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

DESCRIPTIONS = {
    400: "Bad request",
    401: "Not signed in, or the token is expired or superseded",
    403: "Signed in, but the role or the credentials do not allow this",
    404: "Not found",
    409: "Conflict with the current state",
    413: "Request body too large",
    429: "Too many attempts; see Retry-After",
    503: "Not ready",
}


class ErrorDetail(BaseModel):
    detail: str


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each code with FastAPI's `{"detail": "..."}` body."""
    return {code: {"model": ErrorDetail, "description": DESCRIPTIONS[code]} for code in codes}


SIGNED_IN = error_responses(401)
ADMIN_ONLY = error_responses(401, 403)
