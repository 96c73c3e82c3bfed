"""Correlation ids interned in log_correlations (db.schema): a writer interns a batch's ids, then
its rows look their integer up in the insert itself; readers get the text back by id."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Table,
    bindparam,
    delete,
    exists,
    insert,
    select,
)

from control_plane.db.schema import backend_logs, log_correlations

CORRELATIONS = log_correlations.c

# Run for a batch's distinct ids before its rows, in the same transaction.
INTERN = (
    insert(log_correlations)
    .prefix_with("OR IGNORE")
    .values(correlation_id=bindparam("correlation_id"))
)


# Run for each id of the rows a retention pass deleted, after the delete in its transaction: an id
# no row refers to any more goes, so the table does not grow with every request ever logged
# (archived rows keep the text). The (correlation, ts) index answers the check.
FORGET_UNUSED = delete(log_correlations).where(
    CORRELATIONS.id == bindparam("id"),
    ~exists().where(backend_logs.c.correlation == bindparam("id")),
)


def interned(correlation_id: BindParameter[Any]) -> ColumnElement[Any]:
    """The integer of an interned id (NULL for NULL), as a row's `correlation` value."""
    return (
        select(CORRELATIONS.id)
        .where(CORRELATIONS.correlation_id == correlation_id)
        .scalar_subquery()
    )


def correlation_text(table: Table) -> ColumnElement[Any]:
    """A row's correlation id as text: archived_logs keeps the text, backend_logs its integer."""
    if table is not backend_logs:
        column: ColumnElement[Any] = table.c.correlation_id
        return column
    return (
        select(CORRELATIONS.correlation_id)
        .where(CORRELATIONS.id == backend_logs.c.correlation)
        .scalar_subquery()
    )


def distinct_ids(ids: Any) -> list[dict[str, str]]:
    """The parameters of INTERN for an iterable of ids (None skipped)."""
    return [{"correlation_id": value} for value in {value for value in ids if value is not None}]
