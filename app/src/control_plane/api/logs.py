"""The log viewer's API: query, context, facets, and batch ingest from the frontend."""

from __future__ import annotations

import hmac
import time
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.api.deps import CurrentUser, OptionalUser, RowId, SessionDep, SettingsDep
from control_plane.api.errors import error_responses
from control_plane.correlation import SAFE_REQUEST_ID
from control_plane.logs import fts
from control_plane.logs.line_parser import EPOCH, MAX_LINE_BYTES, ONE_MICROSECOND
from control_plane.logs.query import (
    COLUMNS,
    MAX_PAGE_SIZE,
    MICROS_PER_HOUR,
    InvalidCursor,
    LogFilter,
    decode_cursor,
    encode_cursor,
    page_query,
    row_to_entry,
    where_clause,
)

router = APIRouter(prefix="/api/logs", tags=["logs"])

MAX_BATCH_ENTRIES = 1000
MAX_BATCH_BODY_BYTES = 1024 * 1024
MAX_CONTEXT_ROWS = 200
FACET_EVENTS_LIMIT = 200
FTS_ROWS_PER_BATCH_REQUEST = 20_000
CLIENT_TS_MAX_AGE = timedelta(days=30)
# Browser consoles say warn, trace and fatal.
LEVEL_ALIASES = {"WARN": "WARNING", "TRACE": "DEBUG", "FATAL": "CRITICAL", "LOG": "INFO"}
CLIENT_TS_MAX_AHEAD = timedelta(days=1)


class LogEntry(BaseModel):
    id: int
    ts: str | None
    level: str | None
    logger: str | None
    event: str | None
    message: str | None
    correlation_id: str | None
    strategy_id: str | None
    source: str | None
    parse_error: bool
    truncated: bool
    payload: Any
    ingested_at: str


class LogPage(BaseModel):
    items: list[LogEntry]
    next_cursor: str | None


class LogContext(BaseModel):
    before: list[LogEntry]
    entry: LogEntry
    after: list[LogEntry]


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


def to_us(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // ONE_MICROSECOND


async def stored_hour_span(session: AsyncSession) -> tuple[int, int] | None:
    # Two subqueries: SQLite answers a lone min() or max() from the index, not both at once.
    span = text("SELECT (SELECT min(ts) FROM backend_logs), (SELECT max(ts) FROM backend_logs)")
    low, high = (await session.execute(span)).one()
    if low is None:
        return None
    return low // MICROS_PER_HOUR, high // MICROS_PER_HOUR


@router.get("", response_model=LogPage, responses=error_responses(400))
async def list_logs(
    session: SessionDep,
    _user: CurrentUser,
    level: Annotated[list[str] | None, Query()] = None,
    event: str | None = None,
    logger: str | None = None,
    correlation_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    source: Literal["backend", "frontend"] | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    cursor: str | None = None,
) -> Response:
    try:
        position = decode_cursor(cursor) if cursor else None
    except InvalidCursor as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    log_filter = LogFilter(
        levels=tuple(level or ()),
        event=event,
        logger=logger,
        correlation_id=correlation_id,
        start_us=to_us(start),
        end_us=to_us(end),
        text=q,
        source=source,
        hour_span=await stored_hour_span(session) if correlation_id is not None else None,
    )
    sql, params = page_query(log_filter, limit=limit, cursor=position)
    rows = (await session.execute(text(sql), params)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1][1], rows[-1][0]) if more and rows else None
    return json_response({"items": [row_to_entry(r) for r in rows], "next_cursor": next_cursor})


@router.get("/facets")
async def facets(
    session: SessionDep,
    _user: CurrentUser,
    start: datetime | None = None,
    end: datetime | None = None,
) -> LogFacets:
    conditions, params = where_clause(LogFilter(start_us=to_us(start), end_us=to_us(end)))
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    levels = await session.execute(
        text(f"SELECT level, count(*) FROM backend_logs {where} GROUP BY level ORDER BY level"),
        params,
    )
    events = await session.execute(
        text(
            f"SELECT event, count(*) AS n FROM backend_logs {where} GROUP BY event"
            " ORDER BY n DESC, event LIMIT :facet_limit"
        ),
        {**params, "facet_limit": FACET_EVENTS_LIMIT},
    )
    return LogFacets(
        levels=[FacetCount(value=lv, count=n) for lv, n in levels.all()],
        events=[FacetCount(value=ev, count=n) for ev, n in events.all()],
    )


@router.get("/{log_id}/context", response_model=LogContext, responses=error_responses(404))
async def context(
    log_id: RowId,
    session: SessionDep,
    _user: CurrentUser,
    before: Annotated[int, Query(ge=0, le=MAX_CONTEXT_ROWS)] = 20,
    after: Annotated[int, Query(ge=0, le=MAX_CONTEXT_ROWS)] = 20,
) -> Response:
    entry = (
        await session.execute(
            text(f"SELECT {COLUMNS} FROM backend_logs WHERE id = :id"), {"id": log_id}
        )
    ).first()
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such log entry")
    anchor = {"ts": entry[1], "id": entry[0]}
    older = (
        await session.execute(
            text(
                f"SELECT {COLUMNS} FROM backend_logs WHERE (ts, id) < (:ts, :id)"
                " ORDER BY ts DESC, id DESC LIMIT :n"
            ),
            {**anchor, "n": before},
        )
    ).all()
    newer = (
        await session.execute(
            text(
                f"SELECT {COLUMNS} FROM backend_logs WHERE (ts, id) > (:ts, :id)"
                " ORDER BY ts, id LIMIT :n"
            ),
            {**anchor, "n": after},
        )
    ).all()
    return json_response(
        {
            "before": [row_to_entry(r) for r in reversed(older)],
            "entry": row_to_entry(entry),
            "after": [row_to_entry(r) for r in newer],
        }
    )


class ClientLogEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    ts: datetime | None = None
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    logger: str | None = Field(default=None, max_length=200)
    event: str | None = Field(default=None, max_length=200)
    message: str = Field(max_length=MAX_LINE_BYTES)
    correlation_id: str | None = Field(default=None, max_length=128)
    strategy_id: str | None = Field(default=None, max_length=128)

    @field_validator("level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        upper = value.upper()
        return LEVEL_ALIASES.get(upper, upper)

    @field_validator("ts")
    @classmethod
    def _plausible_time(cls, value: datetime | None) -> datetime | None:
        # Client clocks can be wrong; a wild timestamp would also stretch the hours that
        # correlation id lookups probe.
        if value is None:
            return None
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        now = datetime.now(UTC)
        if not now - CLIENT_TS_MAX_AGE <= moment <= now + CLIENT_TS_MAX_AHEAD:
            raise ValueError("ts must be within the last 30 days and at most 1 day ahead")
        return moment

    @field_validator("correlation_id")
    @classmethod
    def _safe_correlation_id(cls, value: str | None) -> str | None:
        if value is not None and not SAFE_REQUEST_ID.match(value):
            raise ValueError("correlation_id must be 1-128 characters of [A-Za-z0-9._:@+=/-]")
        return value


_entry_adapter = TypeAdapter(ClientLogEntry)

INSERT_FRONTEND_ROW = text(
    "INSERT INTO backend_logs (ts, level, logger, event, message, correlation_id, strategy_id,"
    " source, parse_error, truncated, payload, ingested_at) VALUES (:ts, :level, :logger,"
    " :event, :message, :correlation_id, :strategy_id, 'frontend', 0, 0, :payload, :ingested_at)"
)


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
    settings: SettingsDep,
    user: OptionalUser,
    x_api_key: Annotated[str | None, Header()] = None,
) -> None:
    expected = settings.LOG_INGEST_API_KEY
    if (
        x_api_key is not None
        and expected
        and hmac.compare_digest(x_api_key.encode(), expected.encode())
    ):
        return
    if user is not None:
        return
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "X-API-Key or sign-in required")


def validate_entries(document: Any) -> list[ClientLogEntry]:
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, 'body must be {"entries": [...]}'
        )
    raw_entries = document["entries"]
    if len(raw_entries) > MAX_BATCH_ENTRIES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"at most {MAX_BATCH_ENTRIES} entries a batch"
        )
    entries: list[ClientLogEntry] = []
    problems: list[dict[str, Any]] = []
    for index, raw in enumerate(raw_entries):
        try:
            entries.append(_entry_adapter.validate_python(raw))
        except ValidationError as exc:
            problems.append(
                {
                    "index": index,
                    "errors": [
                        {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
                        for err in exc.errors()
                    ],
                }
            )
    if problems:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {"message": f"{len(problems)} invalid entries", "invalid_entries": problems},
        )
    return entries


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
    dependencies=[Depends(authorise_ingest)],
    # Read by hand to cap its size before parsing, so the schema is given here.
    openapi_extra={"requestBody": BATCH_BODY},
    responses={
        **error_responses(400, 401, 413),
        422: {"model": BatchRejected, "description": "Body or entries invalid"},
    },
)
async def ingest_batch(request: Request, session: SessionDep) -> BatchStored:
    body = await read_limited_body(request)
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "body is not JSON") from exc
    entries = validate_entries(document)
    now_us = time.time_ns() // 1000
    rows = []
    for entry in entries:
        extras = entry.model_extra or {}
        rows.append(
            {
                "ts": to_us(entry.ts) or now_us,
                "level": entry.level,
                "logger": entry.logger,
                "event": entry.event,
                "message": entry.message,
                "correlation_id": entry.correlation_id,
                "strategy_id": entry.strategy_id,
                "payload": orjson.dumps(extras, default=str).decode() if extras else None,
                "ingested_at": now_us,
            }
        )
    if rows:
        await session.execute(INSERT_FRONTEND_ROW, rows)
        (through,) = (await session.execute(text(fts.READ_WATERMARK))).one()
        upper = (
            await session.execute(
                text(fts.UPPER_BOUND),
                {"through": through, "max_rows": FTS_ROWS_PER_BATCH_REQUEST},
            )
        ).scalar()
        if upper is not None:
            await session.execute(text(fts.INDEX_RANGE), {"through": through, "upper": upper})
            await session.execute(text(fts.MOVE_WATERMARK), {"upper": upper})
        await session.commit()
    return BatchStored(stored=len(rows))
