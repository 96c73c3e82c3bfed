"""Query parameters that a form may send empty (`?strategy_id=&status=`): empty means unset."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BeforeValidator


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


OptionalIdQuery = Annotated[int | None, BeforeValidator(_blank_is_none), Query()]
OptionalTextQuery = Annotated[str | None, BeforeValidator(_blank_is_none), Query()]
SessionStatus = Literal["running", "paused", "stopped", "panic_closed", "interrupted"]
OptionalStatusQuery = Annotated[
    SessionStatus | None, BeforeValidator(_blank_is_none), Query(alias="status")
]
