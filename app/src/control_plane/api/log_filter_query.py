"""The Log Viewer's filters read from a query string: one dependency for every route that
answers a filter with rows (the page query and the download), so they cannot drift apart."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query

from control_plane.db.schema import LogSource
from control_plane.logs.query import LogFilter, to_us

# "frontend" is the earlier name of "ui".
ApiLogSource = LogSource | Literal["frontend"]


def log_filter_query(
    level: Annotated[list[str] | None, Query()] = None,
    event: str | None = None,
    logger: str | None = None,
    correlation_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    source: ApiLogSource | None = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    archived: Annotated[
        bool, Query(description="search the days loaded back by `logs import-archive`")
    ] = False,
) -> LogFilter:
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
    )


LogFilterQuery = Annotated[LogFilter, Depends(log_filter_query)]
