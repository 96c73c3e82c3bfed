"""The Log Viewer's filters read from a query string: one dependency for every route that
answers a filter with rows (the page query, the histogram and the download), so they cannot drift
apart."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError

from control_plane.db.schema import LogSource
from control_plane.logs.field_filters import (
    MAX_FIELD_FILTERS,
    InvalidFieldFilter,
    parse_field_filters,
)
from control_plane.logs.query import LogFilter, to_us

# "frontend" is the earlier name of "ui".
ApiLogSource = LogSource | Literal["frontend"]

WHERE_DESCRIPTION = (
    "`field=value` keeps rows where the field has the value, `field!=value` drops them; a field"
    " is level, logger, event, message, correlation_id, strategy_id, source, actor or"
    " payload.<key>[.<key>…]. Includes of one field are alternatives, all else must hold."
)


def invalid_query(name: str, message: str) -> RequestValidationError:
    """A 422 shaped like FastAPI's own, naming the query parameter."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", name), "msg": message, "input": None}]
    )


async def log_filter_query(
    level: Annotated[list[str] | None, Query()] = None,
    event: str | None = None,
    logger: str | None = None,
    correlation_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    q: Annotated[
        str | None,
        Query(max_length=500, description="every word, or part of one, in the message or payload"),
    ] = None,
    source: ApiLogSource | None = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    archived: Annotated[
        bool, Query(description="search the days loaded back by `logs import-archive`")
    ] = False,
    where: Annotated[
        list[str] | None, Query(max_length=MAX_FIELD_FILTERS, description=WHERE_DESCRIPTION)
    ] = None,
) -> LogFilter:
    try:
        fields = parse_field_filters(where or [])
    except InvalidFieldFilter as exc:
        raise invalid_query("where", str(exc)) from None
    return LogFilter(
        levels=tuple(level or ()),
        event=event,
        logger=logger,
        correlation_id=correlation_id,
        start_us=to_us(start),
        end_us=to_us(end),
        text=q,
        source="ui" if source == "frontend" else source,
        actor=actor,
        archived=archived,
        fields=fields,
    )


LogFilterQuery = Annotated[LogFilter, Depends(log_filter_query)]
