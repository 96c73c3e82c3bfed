"""Log entries sent in batches over HTTP (browsers, operator tools): who may write what, the
rows they become, and their insert with the full-text index caught up in the same transaction.

Who wrote a row is in its payload: `actor` (and `actor_role`) for the entries a signed-in
user's browser sends (source "ui"); the ingest key's entries have source "ingest".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from sqlalchemy import Text, bindparam, insert
from sqlalchemy.ext.asyncio import AsyncSession

from control_plane.audit import AUDIT_EVENT
from control_plane.correlation import SAFE_REQUEST_ID
from control_plane.db.schema import backend_logs
from control_plane.log_scrub import scrub_text, scrub_value
from control_plane.logs import correlations, fts, volume
from control_plane.logs.line_parser import MAX_LINE_BYTES
from control_plane.logs.query import to_us

MAX_BATCH_ENTRIES = 1000
FTS_ROWS_PER_BATCH = 20_000
CLIENT_TS_MAX_AGE = timedelta(days=30)
CLIENT_TS_MAX_AHEAD = timedelta(days=1)
# Browser consoles say warn, trace and fatal.
LEVEL_ALIASES = {"WARN": "WARNING", "TRACE": "DEBUG", "FATAL": "CRITICAL", "LOG": "INFO"}
# A signed-in user's browser writes only its own namespace and never above ERROR, so no one
# can forge a server event (a CRITICAL kill_switch_tripped) or an audit record.
UI_EVENT_PREFIX = "ui."
UI_DEFAULT_EVENT = "ui.log"
UI_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Stamped by the server; whatever a client sends under these names is dropped.
SERVER_STAMPED_FIELDS = ("actor", "actor_role", "source", "source_address")


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


@dataclass(frozen=True, slots=True)
class BatchAuthor:
    """Who sends a batch: a signed-in user's browser ("ui") or the ingest key ("ingest")."""

    source: Literal["ui", "ingest"]
    username: str | None = None
    role: str | None = None


class InvalidBatch(ValueError):
    """The batch is refused whole; `detail` says why, entry by entry where it can."""

    def __init__(self, detail: str | dict[str, Any]) -> None:
        super().__init__(detail)
        self.detail = detail


def entry_refusals(entry: ClientLogEntry, author: BatchAuthor) -> list[dict[str, str]]:
    """What this author may not write, as field errors."""
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
    """The entries of `{"entries": [...]}`, or InvalidBatch naming every bad one."""
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise InvalidBatch('body must be {"entries": [...]}')
    raw_entries = document["entries"]
    if len(raw_entries) > MAX_BATCH_ENTRIES:
        raise InvalidBatch(f"at most {MAX_BATCH_ENTRIES} entries a batch")
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
        raise InvalidBatch(
            {"message": f"{len(problems)} invalid entries", "invalid_entries": problems}
        )
    return entries


def client_row(
    entry: ClientLogEntry, author: BatchAuthor, source_address: str | None, received_us: int
) -> dict[str, Any]:
    """The row for one accepted entry: scrubbed like any logged line, stamped by the server."""
    extras = {
        key: value
        for key, value in (entry.model_extra or {}).items()
        if key not in SERVER_STAMPED_FIELDS
    }
    stamp: dict[str, Any] = {"source_address": source_address}
    if author.username is not None:
        stamp |= {"actor": author.username, "actor_role": author.role}
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


INSERT_CLIENT_ROW = insert(backend_logs).values(
    parse_error=0,
    truncated=0,
    correlation=correlations.interned(bindparam("correlation_id", type_=Text)),
)


async def store_rows(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert the rows and, in the same transaction, count them (logs.volume) and index up to
    FTS_ROWS_PER_BATCH rows past the full-text watermark, so a batch is searchable when its
    request returns."""
    if not rows:
        return
    interned = correlations.distinct_ids(row["correlation_id"] for row in rows)
    if interned:
        await session.execute(correlations.INTERN, interned)
    await session.execute(INSERT_CLIENT_ROW, rows)
    await volume.count_new_rows_in(session)
    through: int = (await session.execute(fts.READ_WATERMARK)).scalar_one()
    bounds = {"through": through, "max_rows": FTS_ROWS_PER_BATCH}
    upper = (await session.execute(fts.UPPER_BOUND, bounds)).scalar()
    if upper is not None:
        await session.execute(fts.INDEX_RANGE, {"through": through, "upper": upper})
        await session.execute(fts.MOVE_WATERMARK, {"upper": upper})
    await session.commit()
