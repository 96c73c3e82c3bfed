"""The log viewer's API: query, context, facets, and batch ingest from the frontend.

Who wrote a row is in its payload: `actor` (and `actor_role`) for audit events and for the
entries a signed-in user's browser sends (source "ui"); each entry also has it as `actor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.api.deps import (
    CurrentUser,
    OptionalUser,
    RowId,
    SessionDep,
    SettingsDep,
    User,
    client_address,
)
from control_plane.api.errors import error_responses
from control_plane.api.ingest_key import ApiKeyHeader, ingest_key_matches
from control_plane.audit import AUDIT_EVENT
from control_plane.correlation import SAFE_REQUEST_ID
from control_plane.log_scrub import scrub_text, scrub_value
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
from control_plane.sessions.times import now_us

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
# A signed-in user's browser writes only its own namespace and never above ERROR, so no one
# can forge a server event (a CRITICAL kill_switch_tripped) or an audit record.
UI_EVENT_PREFIX = "ui."
UI_DEFAULT_EVENT = "ui.log"
UI_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Stamped by the server; whatever a client sends under these names is dropped.
SERVER_STAMPED_FIELDS = ("actor", "actor_role", "source", "source_address")
# "frontend" is the earlier name of "ui".
LogSource = Literal["backend", "ui", "ingest", "frontend"]


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
    actor: str | None = Field(description="who: the audit actor or the signed-in browser user")
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
    source: LogSource | None = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
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
        source="ui" if source == "frontend" else source,
        actor=actor,
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

INSERT_CLIENT_ROW = text(
    "INSERT INTO backend_logs (ts, level, logger, event, message, correlation_id, strategy_id,"
    " source, parse_error, truncated, payload, ingested_at) VALUES (:ts, :level, :logger,"
    " :event, :message, :correlation_id, :strategy_id, :source, 0, 0, :payload, :ingested_at)"
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


@dataclass(frozen=True, slots=True)
class BatchAuthor:
    """Who sends a batch: a signed-in user's browser ("ui") or the ingest key ("ingest")."""

    source: Literal["ui", "ingest"]
    user: User | None = None


async def authorise_ingest(
    settings: SettingsDep, user: OptionalUser, x_api_key: ApiKeyHeader = None
) -> BatchAuthor:
    # A signed-in user is named even when a key comes too: attribution first.
    if user is not None:
        return BatchAuthor("ui", user)
    if ingest_key_matches(settings, x_api_key):
        return BatchAuthor("ingest")
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "X-API-Key or sign-in required")


def entry_refusals(entry: ClientLogEntry, author: BatchAuthor) -> list[dict[str, str]]:
    """What this author may not write, as the 422's field errors."""
    event = entry.event
    if event is not None and (event == AUDIT_EVENT or event.startswith(AUDIT_EVENT + ".")):
        return [{"field": "event", "message": "audit events are recorded by the server only"}]
    if author.source != "ui":
        return []
    problems = []
    if event is not None and not (
        event.startswith(UI_EVENT_PREFIX) and len(event) > len(UI_EVENT_PREFIX)
    ):
        problems.append(
            {"field": "event", "message": f"browser events must start with {UI_EVENT_PREFIX!r}"}
        )
    if entry.level not in UI_LEVELS:
        problems.append(
            {"field": "level", "message": f"browser entries go up to ERROR, not {entry.level}"}
        )
    return problems


def validate_entries(document: Any, author: BatchAuthor) -> list[ClientLogEntry]:
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
            entry = _entry_adapter.validate_python(raw)
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
            continue
        refusals = entry_refusals(entry, author)
        if refusals:
            problems.append({"index": index, "errors": refusals})
        else:
            entries.append(entry)
    if problems:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            {"message": f"{len(problems)} invalid entries", "invalid_entries": problems},
        )
    return entries


def client_row(
    entry: ClientLogEntry, author: BatchAuthor, stamp: dict[str, Any], received_us: int
) -> dict[str, Any]:
    """The row for one accepted entry: scrubbed like any logged line, stamped by the server."""
    extras = {
        key: value
        for key, value in (entry.model_extra or {}).items()
        if key not in SERVER_STAMPED_FIELDS
    }
    payload = scrub_value(extras) | stamp
    event = entry.event or (UI_DEFAULT_EVENT if author.source == "ui" else None)
    return {
        "ts": to_us(entry.ts) or received_us,
        "level": entry.level,
        "logger": scrub_text(entry.logger) if entry.logger else entry.logger,
        "event": scrub_text(event) if event else event,
        "message": scrub_text(entry.message),
        "correlation_id": entry.correlation_id,
        "strategy_id": scrub_text(entry.strategy_id) if entry.strategy_id else entry.strategy_id,
        "source": author.source,
        "payload": orjson.dumps(payload, default=str).decode(),
        "ingested_at": received_us,
    }


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
    except orjson.JSONDecodeError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "body is not JSON") from exc
    entries = validate_entries(document, author)
    stamp: dict[str, Any] = {"source_address": client_address(request)}
    if author.user is not None:
        stamp |= {"actor": author.user.username, "actor_role": author.user.role}
    received_us = now_us()
    rows = [client_row(entry, author, stamp, received_us) for entry in entries]
    if rows:
        await session.execute(INSERT_CLIENT_ROW, rows)
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
