"""The operator's ingest key (`X-API-Key: <LOG_INGEST_API_KEY>`), compared in constant time."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Header

from control_plane.settings import Settings

ApiKeyHeader = Annotated[str | None, Header(alias="X-API-Key")]


def ingest_key_matches(settings: Settings, offered: str | None) -> bool:
    expected = settings.LOG_INGEST_API_KEY
    return bool(
        offered is not None
        and expected
        and hmac.compare_digest(offered.encode(), expected.encode())
    )
