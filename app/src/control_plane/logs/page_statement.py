"""The page query's SQL text and parameters for a plain `sqlite3` connection, compiled once per
filter shape (which filters are set, how many levels and words; not their values): building and
compiling the statement took longer than running it (0.2-1.5 ms against 0.2 ms).

A shape's template is compiled from a filter whose every value is a sentinel, distinct from each
other and from the statement's constants, so each of the template's parameters is known to carry
one value of the filter (or a constant).
The first request of a shape is compiled as well and must give the same SQL and parameters, or
that shape is compiled per request instead. Field filters (`where`) are compiled per request.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.compiler import SQLCompiler

from control_plane.logs.page_json import page_body, page_statement
from control_plane.logs.query import LogFilter, indexed_text
from control_plane.logs.text_search import search_words

_NAMED = sqlite.dialect(paramstyle="named")
MAX_SHAPES = 256
Cursor = tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class _Template:
    sql: str
    # (parameter, the value's role in page_values, or None for a constant; the constant)
    params: tuple[tuple[str, Hashable | None, Any], ...]


_FIELD_NAMES = ("event", "logger", "source", "correlation_id", "actor", "start_us", "end_us")


def page_values(log_filter: LogFilter, limit: int, cursor: Cursor) -> dict[Hashable, Any]:
    """Every value of the filter the page query can carry, by its role."""
    values: dict[Hashable, Any] = {("limit",): limit + 1}
    for index, level in enumerate(log_filter.levels):
        values[("level", index)] = level.upper()
    for name in _FIELD_NAMES:
        values[(name,)] = getattr(log_filter, name)
    if log_filter.text:
        for index, word in enumerate(search_words(log_filter.text)):
            values[("word", index)] = word
        values[("match",)] = indexed_text(log_filter)
    if cursor is not None:
        values[("cursor_ts",)], values[("cursor_id",)] = cursor
    return values


def shape_of(log_filter: LogFilter, cursor: Cursor) -> Hashable | None:
    """What the statement's text depends on; None for a filter compiled per request."""
    if log_filter.fields:
        return None
    words = search_words(log_filter.text) if log_filter.text else None
    return (
        log_filter.archived,
        log_filter.oldest_first,
        cursor is not None,
        len(log_filter.levels),
        tuple(getattr(log_filter, name) is not None for name in _FIELD_NAMES),
        None if words is None else (len(words), indexed_text(log_filter) is not None),
    )


def _sentinel_filter(log_filter: LogFilter, cursor: Cursor) -> tuple[LogFilter, int, Cursor]:
    """The filter of the same shape with a distinct sentinel for every value: text starting with a
    NUL and integers past any microsecond time or row id, so no constant equals one."""
    big = 2**62

    def text(name: str) -> str | None:
        return None if getattr(log_filter, name) is None else f"\x00{name}"

    words = search_words(log_filter.text) if log_filter.text else []
    # Words stay letters and digits (the search splits on anything else), long enough to have
    # trigrams exactly when the real ones have, and distinct from every constant.
    long = indexed_text(log_filter) is not None
    sentinel_words = [
        f"zq{index:x}xq" if long else chr(0x4E00 + index) for index in range(len(words))
    ]
    sentinel = replace(
        log_filter,
        levels=tuple(f"\x00level{index}" for index in range(len(log_filter.levels))),
        event=text("event"),
        logger=text("logger"),
        source=text("source"),
        correlation_id=text("correlation_id"),
        actor=text("actor"),
        start_us=None if log_filter.start_us is None else big,
        end_us=None if log_filter.end_us is None else big + 1,
        text=" ".join(sentinel_words) if words else log_filter.text,
    )
    sentinel_cursor = None if cursor is None else (big + 2, big + 3)
    # The limit's parameter is limit + 1: away from the other sentinels.
    return sentinel, 2**61, sentinel_cursor


def compiled_page_sql(statement: Select[Any]) -> tuple[str, dict[str, Any]]:
    compiled = statement.compile(dialect=_NAMED, compile_kwargs={"render_postcompile": True})
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"not a SQL statement: {statement!r}")
    return compiled.string, dict(compiled.construct_params())


def _template(log_filter: LogFilter, limit: int, cursor: Cursor) -> _Template | None:
    sentinel, sentinel_limit, sentinel_cursor = _sentinel_filter(log_filter, cursor)
    roles = {
        value: role
        for role, value in page_values(sentinel, sentinel_limit, sentinel_cursor).items()
        if value is not None
    }
    statement = page_statement(sentinel, limit=sentinel_limit, cursor=sentinel_cursor)
    sql, params = compiled_page_sql(statement)
    template = _Template(
        sql,
        tuple(
            (name, roles.get(value), None if value in roles else value)
            for name, value in params.items()
        ),
    )
    # The first request of the shape, compiled too, must agree with the template.
    expected = compiled_page_sql(page_statement(log_filter, limit=limit, cursor=cursor))
    if _fill(template, log_filter, limit, cursor) != expected:
        return None
    return template


def _fill(
    template: _Template, log_filter: LogFilter, limit: int, cursor: Cursor
) -> tuple[str, dict[str, Any]]:
    values = page_values(log_filter, limit, cursor)
    return template.sql, {
        name: constant if role is None else values[role] for name, role, constant in template.params
    }


# Shape -> its template, or None where the template disagreed (compiled per request); newest last.
# The reader threads share it, hence the lock.
TEMPLATES: OrderedDict[Hashable, _Template | None] = OrderedDict()
_TEMPLATES_LOCK = threading.Lock()


def page_sql(log_filter: LogFilter, *, limit: int, cursor: Cursor) -> tuple[str, dict[str, Any]]:
    """The SQL text and named parameters of page_json.page_statement for this page."""
    shape = shape_of(log_filter, cursor)
    if shape is None:
        return compiled_page_sql(page_statement(log_filter, limit=limit, cursor=cursor))
    with _TEMPLATES_LOCK:
        known = shape in TEMPLATES
        template = TEMPLATES.get(shape)
        if known:
            TEMPLATES.move_to_end(shape)
    if not known:
        template = _template(log_filter, limit, cursor)
        with _TEMPLATES_LOCK:
            TEMPLATES[shape] = template
            if len(TEMPLATES) > MAX_SHAPES:
                TEMPLATES.popitem(last=False)
    if template is None:
        return compiled_page_sql(page_statement(log_filter, limit=limit, cursor=cursor))
    return _fill(template, log_filter, limit, cursor)


def read_page_body(
    conn: sqlite3.Connection, log_filter: LogFilter, *, limit: int, cursor: Cursor
) -> bytes:
    """page_json.fetch_page_body on a plain sqlite3 connection, from the shape's template."""
    sql, params = page_sql(log_filter, limit=limit, cursor=cursor)
    return page_body(conn.execute(sql, params).fetchall(), limit)
