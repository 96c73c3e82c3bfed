"""The log viewer's API: query, context, facets, and batch ingest from the frontend.

Routing only: the queries are in `logs.query`, the batch rules and insert in
`logs.batch_ingest`. Each entry says who wrote it as `actor` (see `logs.batch_ingest`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import BaseModel

from control_plane.api.deps import (
    CurrentUser,
    OptionalUser,
    RowId,
    SessionDep,
    SettingsDep,
    SignedInRead,
    client_address,
)
from control_plane.api.errors import error_responses
from control_plane.api.ingest_key import ApiKeyHeader, ingest_key_matches
from control_plane.api.log_filter_query import LogFilterQuery
from control_plane.api.log_histogram import VolumeHistogramOut, histogram_out
from control_plane.api.log_page_route import LogPageRoute
from control_plane.logs import batch_ingest
from control_plane.logs.batch_ingest import (
    MAX_BATCH_ENTRIES,
    BatchAuthor,
    ClientLogEntry,
    InvalidBatch,
)
from control_plane.logs.page_statement import read_page_body
from control_plane.logs.query import (
    MAX_PAGE_SIZE,
    InvalidCursor,
    LogContext,
    LogFilter,
    LogPage,
    decode_cursor,
    fetch_context,
    to_us,
)
from control_plane.logs.volume_query import fetch_counted_facets
from control_plane.times import now_us

router = APIRouter(prefix="/api/logs", tags=["logs"])

MAX_BATCH_BODY_BYTES = 1024 * 1024
MAX_CONTEXT_ROWS = 200


class FacetCount(BaseModel):
    value: str | None
    count: int


class LogFacets(BaseModel):
    levels: list[FacetCount]
    events: list[FacetCount]


class BatchStored(BaseModel):
    stored: int


class BatchRejected(BaseModel):
    detail: str | dict[str, Any] | list[Any]


def json_response(body: dict[str, Any]) -> Response:
    """Pages of log rows are plain JSON already; orjson skips FastAPI's generic encoder."""
    return Response(orjson.dumps(body), media_type="application/json")


async def list_logs(
    reader: SignedInRead,
    log_filter: LogFilterQuery,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    cursor: str | None = None,
    order: Annotated[Literal["newest", "oldest"], Query(description="which end first")] = "newest",
) -> Response:
    try:
        position = decode_cursor(cursor) if cursor else None
    except InvalidCursor as exc:
        # Signed out is answered before a bad cursor, as on every signed-in route.
        await reader.run(lambda _conn, _user: None)
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    log_filter = replace(log_filter, oldest_first=order == "oldest")
    body = await reader.run(
        lambda conn, _user: read_page_body(conn, log_filter, limit=limit, cursor=position)
    )
    return Response(body, media_type="application/json")


# Its query string is read in one validation where it can be (api.log_page_route).
router.add_api_route(
    "",
    list_logs,
    methods=["GET"],
    response_model=LogPage,
    responses=error_responses(400),
    route_class_override=LogPageRoute,
)


@router.get("/facets")
async def facets(
    session: SessionDep,
    _user: CurrentUser,
    start: datetime | None = None,
    end: datetime | None = None,
) -> LogFacets:
    """Rows per level and per event (the 200 most frequent) over [start, end), added up from
    the stored per-hour and per-minute counts."""
    counts = await fetch_counted_facets(
        session, LogFilter(start_us=to_us(start), end_us=to_us(end))
    )
    return LogFacets(
        levels=[FacetCount(value=level, count=n) for level, n in counts.levels],
        events=[FacetCount(value=event, count=n) for event, n in counts.events],
    )


@router.get("/histogram")
async def histogram(
    session: SessionDep, _user: CurrentUser, log_filter: LogFilterQuery
) -> VolumeHistogramOut:
    """Rows per time bucket and level over [start, end) (end: now; start: the oldest row), for
    every other filter too; at most 120 buckets of a round width."""
    return await histogram_out(session, log_filter)


@router.get("/{log_id}/context", response_model=LogContext, responses=error_responses(404))
async def context(
    log_id: RowId,
    session: SessionDep,
    _user: CurrentUser,
    before: Annotated[int, Query(ge=0, le=MAX_CONTEXT_ROWS)] = 20,
    after: Annotated[int, Query(ge=0, le=MAX_CONTEXT_ROWS)] = 20,
    archived: bool = False,
) -> Response:
    found = await fetch_context(session, log_id, before=before, after=after, archived=archived)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such log entry")
    return json_response({"before": found.before, "entry": found.entry, "after": found.after})


async def read_limited_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BATCH_BODY_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "body over 1 MiB")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BATCH_BODY_BYTES:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "body over 1 MiB")
    return bytes(body)


async def authorise_ingest(
    settings: SettingsDep, user: OptionalUser, x_api_key: ApiKeyHeader = None
) -> BatchAuthor:
    # A signed-in user is named even when a key comes too: attribution first.
    if user is not None:
        return BatchAuthor("ui", user.username, user.role)
    if ingest_key_matches(settings, x_api_key):
        return BatchAuthor("ingest")
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "X-API-Key or sign-in required")


BATCH_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["entries"],
                "properties": {
                    "entries": {
                        "type": "array",
                        "maxItems": MAX_BATCH_ENTRIES,
                        "items": ClientLogEntry.model_json_schema(),
                    }
                },
            }
        }
    },
}


@router.post(
    "/batch",
    # Read by hand to cap its size before parsing, so the schema is given here.
    openapi_extra={"requestBody": BATCH_BODY},
    responses={
        **error_responses(400, 401, 413),
        422: {"model": BatchRejected, "description": "Body or entries invalid"},
    },
)
async def ingest_batch(
    request: Request,
    session: SessionDep,
    author: Annotated[BatchAuthor, Depends(authorise_ingest)],
) -> BatchStored:
    body = await read_limited_body(request)
    try:
        document = orjson.loads(body)
        entries = batch_ingest.validate_entries(document, author)
    except orjson.JSONDecodeError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "body is not JSON") from exc
    except InvalidBatch as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, exc.detail) from exc
    received_us = now_us()
    address = client_address(request)
    rows = [batch_ingest.client_row(entry, author, address, received_us) for entry in entries]
    await batch_ingest.store_rows(session, rows)
    return BatchStored(stored=len(rows))
