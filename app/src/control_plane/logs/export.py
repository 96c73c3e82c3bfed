"""The Log Viewer's download: every row of a filter as NDJSON or CSV, streamed a page at a
time (bounded memory however many rows match), newest first as the page shows them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from control_plane.csv_cells import csv_text
from control_plane.logs.query import LogEntry, LogFilter, decode_cursor, fetch_page

ExportFormat = Literal["ndjson", "csv"]
EXPORT_PAGE_ROWS = 1000
CSV_COLUMNS = (
    "id",
    "ts",
    "level",
    "source",
    "logger",
    "event",
    "message",
    "correlation_id",
    "strategy_id",
    "actor",
    "parse_error",
    "truncated",
    "ingested_at",
    "payload",
)
MEDIA_TYPES: dict[ExportFormat, str] = {
    "ndjson": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
}


def _stamp(epoch_us: int | None, fallback: str) -> str:
    if epoch_us is None:
        return fallback
    return datetime.fromtimestamp(epoch_us / 1_000_000, UTC).strftime("%Y%m%dT%H%M%SZ")


def export_filename(log_filter: LogFilter, export_format: ExportFormat, now: datetime) -> str:
    """`logs-<start>-<end>.<format>`; an open start reads `beginning`, an open end the time
    of the download."""
    start = _stamp(log_filter.start_us, "beginning")
    end = _stamp(log_filter.end_us, now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    return f"logs-{start}-{end}.{export_format}"


def csv_cells(entry: LogEntry) -> list[Any]:
    payload = entry["payload"]
    cells: list[Any] = [entry[name] for name in CSV_COLUMNS[:-1]]  # type: ignore[literal-required]
    cells.append("" if payload is None else orjson.dumps(payload).decode())
    return ["" if cell is None else cell for cell in cells]


def encode_page(entries: list[LogEntry], export_format: ExportFormat) -> bytes:
    if export_format == "ndjson":
        return b"".join(orjson.dumps(entry) + b"\n" for entry in entries)
    return csv_text(csv_cells(entry) for entry in entries).encode()


async def export_rows(
    session_factory: Callable[[], Any], log_filter: LogFilter, export_format: ExportFormat
) -> AsyncIterator[bytes]:
    """Pages in their own short read transactions, so a slow download holds no snapshot
    that would keep the WAL from being checkpointed."""
    if export_format == "csv":
        yield csv_text([CSV_COLUMNS]).encode()
    cursor: tuple[int, int] | None = None
    while True:
        async with session_factory() as session:
            page = await fetch_page(session, log_filter, limit=EXPORT_PAGE_ROWS, cursor=cursor)
        if page.items:
            yield encode_page(page.items, export_format)
        if page.next_cursor is None:
            return
        cursor = decode_cursor(page.next_cursor)
