"""Core statements over db.schema on raw `sqlite3` connections: run once with their columns'
conversions (execute_core), or compiled once to SQL text for the batch commits of the tailer, the
full-text indexer and retention (sqlite3_text), which are load-bearing."""

from __future__ import annotations

import sqlite3

from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

_NAMED = sqlite.dialect(paramstyle="named")
_QMARK = sqlite.dialect()


def execute_core(conn: sqlite3.Connection, statement: ClauseElement) -> sqlite3.Cursor:
    """Run a Core statement (built on control_plane.db.schema) on a sqlite3 connection, its
    values converted by their columns' types as the async engine would."""
    # IN (list) parameters are expanded here, into name_1, name_2, ... of the list's parameter.
    compiled = statement.compile(dialect=_QMARK, compile_kwargs={"render_postcompile": True})
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"not a SQL statement: {statement!r}")
    params = compiled.construct_params()
    values = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name if name in compiled.binds else name.rsplit("_", 1)[0]]
        convert = bind.type.bind_processor(_QMARK)
        values.append(convert(params[name]) if convert else params[name])
    return conn.execute(compiled.string, values)


def sqlite3_text(statement: ClauseElement, *, positional: tuple[str, ...] | None = None) -> str:
    """Named parameters (`:name`, given as a dict), or with `positional` `?` parameters in that
    order (given as tuples). Every parameter must be a value-less `bindparam`: a constant would
    become a parameter the raw connection is never given, so constants are literal columns."""
    compiled = statement.compile(dialect=_QMARK if positional else _NAMED)
    if not isinstance(compiled, SQLCompiler):
        raise TypeError(f"not a SQL statement: {statement!r}")
    constants = sorted(name for name, bind in compiled.binds.items() if bind.value is not None)
    if constants:
        raise ValueError(f"constants compiled as parameters {constants}: use literal_column")
    if positional is not None and tuple(compiled.positiontup or ()) != positional:
        raise ValueError(f"parameters in order {compiled.positiontup}, not {positional}")
    return str(compiled)
