"""The live tail pushed over WS /ws/updates: rows ingested since a viewer's last look that
match its filters.

Rows are followed by id: backend_logs ids grow in commit order (one SQLite writer,
AUTOINCREMENT), so `id > watermark` neither misses nor repeats a row. Text is matched by a
scan of the new rows, not by the full-text index, which its indexer fills after the commit.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Select, func, select

from control_plane.db.schema import LogSource
from control_plane.db.sqlite import in_worker_thread, read_transaction
from control_plane.db.statements import execute_core
from control_plane.logs.field_filters import MAX_FIELD_FILTERS, parse_field_filters
from control_plane.logs.query import (
    ENTRY_COLUMNS,
    LOGS,
    LogFilter,
    row_to_entry,
    where_clause,
)
from control_plane.logs.text_search import text_checks

MAX_ROWS_PER_PUSH = 500
# How far back a subscription may start: a viewer further behind (a long disconnect) is told
# how many rows it skipped, and refreshes, rather than have the socket replay them.
MAX_BACKLOG_ROWS = 10_000
LOGS_MESSAGE = "logs"
SUBSCRIBE = "logs_subscribe"
UNSUBSCRIBE = "logs_unsubscribe"
SUBSCRIBED = "logs_subscribed"
Level = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
FilterText = Annotated[str, Field(min_length=1, max_length=500)]


class LiveFilters(BaseModel):
    """The page's filters a pushed row must match (the names of GET /api/logs's query)."""

    model_config = ConfigDict(extra="forbid")

    level: list[Level] = Field(default_factory=list, max_length=5)
    source: LogSource | None = None
    q: FilterText | None = None
    event: FilterText | None = None
    logger: FilterText | None = None
    correlation_id: FilterText | None = None
    actor: FilterText | None = None
    # Include/exclude filters on a field, as GET /api/logs's `where` (logs.field_filters).
    where: list[str] = Field(default_factory=list, max_length=MAX_FIELD_FILTERS)

    @field_validator("where")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        parse_field_filters(value)
        return value

    def log_filter(self) -> LogFilter:
        return LogFilter(
            levels=tuple(self.level),
            source=self.source,
            text=self.q,
            event=self.event,
            logger=self.logger,
            correlation_id=self.correlation_id,
            actor=self.actor,
            fields=parse_field_filters(self.where),
        )


class Subscribe(BaseModel):
    """`after_id`: the newest row the viewer has (0 when it has none: every matching row is
    new to it); None starts at the newest row stored."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["logs_subscribe"]
    after_id: int | None = Field(default=None, ge=0)
    filters: LiveFilters = Field(default_factory=LiveFilters)


def new_rows_query(log_filter: LogFilter, *, after_id: int, up_to_id: int) -> Select[Any]:
    """Matching rows in (after_id, up_to_id], oldest first, one over a push to know of more."""
    conditions = where_clause(log_filter)
    if log_filter.text:
        conditions += text_checks(LOGS, log_filter.text)
    return (
        select(*ENTRY_COLUMNS)
        .where(LOGS.id > after_id, LOGS.id <= up_to_id, *conditions)
        .order_by(LOGS.id)
        .limit(MAX_ROWS_PER_PUSH + 1)
    )


def newest_id(conn: sqlite3.Connection) -> int:
    return int(execute_core(conn, select(func.coalesce(func.max(LOGS.id), 0))).fetchone()[0])


def rows_after(
    conn: sqlite3.Connection, log_filter: LogFilter, watermark: int
) -> tuple[list[dict[str, Any]], int]:
    """The matching rows after the watermark (at most a push's worth) and the next watermark.

    Both reads run in one read transaction, so the newest id and the rows agree."""
    with read_transaction(conn):
        newest = newest_id(conn)
        if newest <= watermark:
            return [], watermark
        query = new_rows_query(log_filter, after_id=watermark, up_to_id=newest)
        rows = execute_core(conn, query).fetchall()
    if len(rows) > MAX_ROWS_PER_PUSH:
        rows = rows[:MAX_ROWS_PER_PUSH]
        newest = rows[-1][0]
    return [dict(row_to_entry(row)) for row in rows], newest


@dataclass
class LiveLogTail:
    """One socket's log subscription: what the client asked for, and what it has been sent."""

    log_filter: LogFilter | None = None
    watermark: int | None = None
    pending: list[dict[str, Any]] = field(default_factory=list)
    confirmed: bool = True
    skipped: int = 0

    def handle(self, text: str) -> bool:
        """Apply a client message; True when it wants an answer at once (a change, an error).
        Messages of other types are not the tail's and are left alone."""
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            return False
        kind = document.get("type") if isinstance(document, dict) else None
        if kind == UNSUBSCRIBE:
            self.log_filter = self.watermark = None
            return True
        if kind != SUBSCRIBE:
            return False
        try:
            message = Subscribe.model_validate(document)
        except ValidationError as exc:
            self.pending.append({"type": "error", "detail": _first_error(exc)})
            return True
        self.log_filter = message.filters.log_filter()
        self.watermark = message.after_id
        self.confirmed = False
        return True

    async def messages(self, database_path: Path) -> list[dict[str, Any]]:
        out, self.pending = self.pending, []
        if self.log_filter is None:
            return out
        log_filter, watermark = self.log_filter, self.watermark
        if not self.confirmed or watermark is None:
            self.confirmed = True
            watermark = await in_worker_thread(
                database_path, lambda conn: self._start(conn, watermark)
            )
            out.append({"type": SUBSCRIBED, "after_id": watermark, "skipped_ids": self.skipped})
        items, self.watermark = await in_worker_thread(
            database_path, lambda conn: rows_after(conn, log_filter, watermark)
        )
        if items:
            out.append({"type": LOGS_MESSAGE, "items": items})
        return out

    def _start(self, conn: sqlite3.Connection, asked: int | None) -> int:
        """Where the subscription starts: where it asked, within the backlog's reach."""
        newest = newest_id(conn)
        start = newest if asked is None else asked
        self.skipped = max(0, newest - MAX_BACKLOG_ROWS - start)
        return start + self.skipped


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where or 'message'}: {error['msg']}"
