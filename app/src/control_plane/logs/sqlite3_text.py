"""Core statements over db.schema compiled once to SQL text for the raw `sqlite3` connections
of the tailer, the full-text indexer and retention, whose batch commits are load-bearing."""

from __future__ import annotations

from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

_NAMED = sqlite.dialect(paramstyle="named")
_QMARK = sqlite.dialect()


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
