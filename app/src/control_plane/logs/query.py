"""The log viewer's queries over `backend_logs` (db.schema), or over `archived_logs` (days of
rows retention deleted, loaded back from their archives): filtered, keyset-paginated pages
newest first, an entry's neighbours, and facet counts. Statements are built by pure functions
of a LogFilter, so the filters are easy to check; the `fetch_*` functions run them."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from pydantic import Field
from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    func,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession
from typing_extensions import TypedDict  # pydantic reads a typing.TypedDict only from 3.12

from control_plane import times
from control_plane.db.schema import archived_logs, backend_logs
from control_plane.logging_setup import format_timestamp
from control_plane.logs.correlations import correlation_text, interned
from control_plane.logs.field_filters import FieldFilter, field_conditions
from control_plane.logs.fts import FULL_TEXT
from control_plane.logs.text_search import text_checks, trigram_match

MAX_PAGE_SIZE = 1000
FACET_EVENTS_LIMIT = 200
LOGS = backend_logs.c
# archived_logs' columns: backend_logs' with the correlation id as text.
ENTRY_NAMES = tuple(str(column.name) for column in archived_logs.columns)


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class LogFilter:
    levels: tuple[str, ...] = ()
    event: str | None = None
    logger: str | None = None
    correlation_id: str | None = None
    start_us: int | None = None
    end_us: int | None = None
    text: str | None = None
    source: str | None = None
    # Who did it: audit events and browser entries carry it in the payload (no column).
    actor: str | None = None
    # Search archived_logs instead: it has no full-text index (its text search scans) and
    # keeps the correlation id as text.
    archived: bool = False
    # Include/exclude filters on a column or a payload value (logs.field_filters).
    fields: tuple[FieldFilter, ...] = ()
    oldest_first: bool = False

    @property
    def table(self) -> Table:
        return archived_logs if self.archived else backend_logs


class LogEntry(TypedDict):
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
    actor: Annotated[
        str | None, Field(description="who: the audit actor or the signed-in browser user")
    ]
    ingested_at: str


@dataclass(frozen=True, slots=True)
class LogPage:
    items: list[LogEntry]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class LogContext:
    before: list[LogEntry]
    entry: LogEntry
    after: list[LogEntry]


@dataclass(frozen=True, slots=True)
class LogFacets:
    levels: list[tuple[str | None, int]]
    events: list[tuple[str | None, int]]


def to_us(moment: datetime | None) -> int | None:
    """A time from a query or a client as stored; one without a zone is UTC."""
    if moment is None:
        return None
    return times.to_us(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def encode_cursor(ts_us: int, row_id: int) -> str:
    return base64.urlsafe_b64encode(f"{ts_us}:{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        ts_text, id_text = base64.urlsafe_b64decode(padded).decode().split(":")
        return int(ts_text), int(id_text)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("cursor is not one this API issued") from exc


def filter_columns(table: Table) -> dict[str, ColumnElement[Any]]:
    """Every field by its name, the correlation id as text."""
    columns: dict[str, ColumnElement[Any]] = dict(table.c.items())
    columns.pop("correlation", None)
    columns["correlation_id"] = correlation_text(table)
    return columns


def entry_columns(table: Table) -> tuple[Any, ...]:
    columns = filter_columns(table)
    return tuple(columns[name].label(name) for name in ENTRY_NAMES)


ENTRY_COLUMNS = entry_columns(backend_logs)


def where_clause(log_filter: LogFilter) -> list[ColumnElement[bool]]:
    logs = log_filter.table.c
    conditions: list[ColumnElement[bool]] = []
    if log_filter.levels:
        conditions.append(logs.level.in_([level.upper() for level in log_filter.levels]))
    for name in ("event", "logger", "source"):
        value = getattr(log_filter, name)
        if value is not None:
            conditions.append(logs[name] == value)
    correlation_id = log_filter.correlation_id
    if correlation_id is not None:
        # Compared as the integer, so the (correlation, ts) index serves it.
        conditions.append(
            logs.correlation == interned(literal(correlation_id))
            if not log_filter.archived
            else logs.correlation_id == correlation_id
        )
    if log_filter.actor is not None:
        conditions.append(func.json_extract(logs.payload, "$.actor") == log_filter.actor)
    if log_filter.start_us is not None:
        conditions.append(logs.ts >= log_filter.start_us)
    if log_filter.end_us is not None:
        conditions.append(logs.ts < log_filter.end_us)
    conditions += field_conditions(filter_columns(log_filter.table), log_filter.fields)
    return conditions


def indexed_text(log_filter: LogFilter) -> str | None:
    """The trigram lookup for the filter's text, when the table has the index and a word is long
    enough for one; otherwise the text is only checked row by row (text_checks)."""
    if not log_filter.text or log_filter.archived:
        return None
    return trigram_match(log_filter.text)


def filter_conditions(log_filter: LogFilter) -> list[ColumnElement[bool]]:
    """All of the filter as conditions on its table, text included, for counting (the page
    query drives text search from the index instead)."""
    conditions = where_clause(log_filter)
    if not log_filter.text:
        return conditions
    logs = log_filter.table.c
    match = indexed_text(log_filter)
    if match is not None:
        indexed = select(FULL_TEXT.c.rowid).where(literal_column(FULL_TEXT.name).op("MATCH")(match))
        conditions.append(logs.id.in_(indexed))
    return conditions + text_checks(logs, log_filter.text)


def page_query(log_filter: LogFilter, *, limit: int, cursor: tuple[int, int] | None) -> Select[Any]:
    """Newest first (or oldest first), keyset-paginated; fetches one extra row to know if there
    are more.

    Without text the order is (ts, id). With text the full-text index drives the query in row
    id (ingestion) order, which stops after one page instead of collecting every match first;
    for backend lines ingestion order is time order.
    """
    conditions = where_clause(log_filter)
    logs = log_filter.table.c
    oldest_first = log_filter.oldest_first
    if log_filter.text:
        conditions += text_checks(logs, log_filter.text)
    match = indexed_text(log_filter)
    if match is not None:
        conditions.append(literal_column(FULL_TEXT.name).op("MATCH")(match))
        rowid = FULL_TEXT.c.rowid
        if cursor is not None:
            conditions.append(rowid > cursor[1] if oldest_first else rowid < cursor[1])
        return (
            select(*ENTRY_COLUMNS)
            .select_from(FULL_TEXT.join(backend_logs, LOGS.id == rowid))
            .where(*conditions)
            .order_by(rowid.asc() if oldest_first else rowid.desc())
            .limit(limit + 1)
        )
    position = tuple_(logs.ts, logs.id)
    if cursor is not None:
        conditions.append(
            position > tuple_(*cursor) if oldest_first else position < tuple_(*cursor)
        )
    return (
        select(*entry_columns(log_filter.table))
        .where(*conditions)
        .order_by(*((logs.ts, logs.id) if oldest_first else (logs.ts.desc(), logs.id.desc())))
        .limit(limit + 1)
    )


def row_to_entry(row: Any) -> LogEntry:
    payload = orjson.loads(row[11]) if row[11] else None
    actor = payload.get("actor") if isinstance(payload, dict) else None
    return {
        "id": row[0],
        "ts": format_timestamp(row[1] / 1_000_000) if row[1] is not None else None,
        "level": row[2],
        "logger": row[3],
        "event": row[4],
        "message": row[5],
        "correlation_id": row[6],
        "strategy_id": row[7],
        "source": row[8],
        "parse_error": bool(row[9]),
        "truncated": bool(row[10]),
        "payload": payload,
        "actor": actor if isinstance(actor, str) else None,
        "ingested_at": format_timestamp(row[12] / 1_000_000),
    }


def page_order(log_filter: LogFilter, page: Any) -> tuple[Any, ...]:
    """page_query's order, on the columns of a subquery of it."""
    keys = (page.id,) if indexed_text(log_filter) is not None else (page.ts, page.id)
    return keys if log_filter.oldest_first else tuple(key.desc() for key in keys)


async def fetch_page(
    session: AsyncSession, log_filter: LogFilter, *, limit: int, cursor: tuple[int, int] | None
) -> LogPage:
    rows = (await session.execute(page_query(log_filter, limit=limit, cursor=cursor))).all()
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1][1], rows[-1][0]) if more and rows else None
    return LogPage([row_to_entry(row) for row in rows], next_cursor)


async def fetch_context(
    session: AsyncSession, log_id: int, *, before: int, after: int, archived: bool = False
) -> LogContext | None:
    """An entry with up to `before` older and `after` newer neighbours, oldest first."""
    table = archived_logs if archived else backend_logs
    logs, columns = table.c, entry_columns(table)
    entry = (await session.execute(select(*columns).where(logs.id == log_id))).first()
    if entry is None:
        return None
    anchor = tuple_(entry[1], entry[0])
    position = tuple_(logs.ts, logs.id)
    older = (
        await session.execute(
            select(*columns)
            .where(position < anchor)
            .order_by(logs.ts.desc(), logs.id.desc())
            .limit(before)
        )
    ).all()
    newer = (
        await session.execute(
            select(*columns).where(position > anchor).order_by(logs.ts, logs.id).limit(after)
        )
    ).all()
    return LogContext(
        [row_to_entry(row) for row in reversed(older)],
        row_to_entry(entry),
        [row_to_entry(row) for row in newer],
    )


async def fetch_facets(session: AsyncSession, log_filter: LogFilter) -> LogFacets:
    """Row counts by level, and by event for the FACET_EVENTS_LIMIT most frequent events."""
    conditions = where_clause(log_filter)
    logs = log_filter.table.c
    levels = await session.execute(
        select(logs.level, func.count())
        .where(*conditions)
        .group_by(logs.level)
        .order_by(logs.level)
    )
    count = func.count().label("n")
    events = await session.execute(
        select(logs.event, count)
        .where(*conditions)
        .group_by(logs.event)
        .order_by(count.desc(), logs.event)
        .limit(FACET_EVENTS_LIMIT)
    )
    return LogFacets(_counts(levels), _counts(events))


def _counts(result: Result[Any, Any]) -> list[tuple[str | None, int]]:
    return [(row[0], row[1]) for row in result]
