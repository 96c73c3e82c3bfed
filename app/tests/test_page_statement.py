"""The page query's SQL from a template per filter shape (logs.page_statement): the same text and
parameters as compiling the statement for that request, for every shape, values and cursor."""

from __future__ import annotations

from control_plane.logs.field_filters import parse_field_filters
from control_plane.logs.page_json import page_statement
from control_plane.logs.page_statement import TEMPLATES, compiled_page_sql, page_sql, shape_of
from control_plane.logs.query import LogFilter

# Filters of one shape each, with two sets of values (the second request of a shape is served
# from the template the first made).
SAME_SHAPE = [
    (LogFilter(), LogFilter()),
    (LogFilter(oldest_first=True), LogFilter(oldest_first=True)),
    (LogFilter(levels=("error",)), LogFilter(levels=("info",))),
    (
        LogFilter(levels=("error", "Warning", "DEBUG")),
        LogFilter(levels=("critical", "info", "error")),
    ),
    (LogFilter(event="order_placed"), LogFilter(event="x'); DROP TABLE users; --")),
    (LogFilter(logger="control_plane.http", source="backend"), LogFilter(logger="l", source="ui")),
    (LogFilter(correlation_id="req-1"), LogFilter(correlation_id="req-2")),
    (
        LogFilter(correlation_id="req-1", archived=True),
        LogFilter(correlation_id="req-2", archived=True),
    ),
    (LogFilter(start_us=1, end_us=2_000_000), LogFilter(start_us=7, end_us=9)),
    (LogFilter(start_us=-5), LogFilter(start_us=0)),
    (LogFilter(actor="alice"), LogFilter(actor="bob")),
    (LogFilter(text="timeout"), LogFilter(text="refused")),
    (LogFilter(text="order timeout 7"), LogFilter(text="ñandú 42 zzz")),
    (LogFilter(text="a b"), LogFilter(text="x y")),
    (LogFilter(text="?!"), LogFilter(text="--")),
    (LogFilter(text="timeout", archived=True), LogFilter(text="other", archived=True)),
    (
        LogFilter(text="timeout", oldest_first=True, levels=("ERROR",), start_us=3),
        LogFilter(text="gone", oldest_first=True, levels=("info",), start_us=4),
    ),
]


def test_a_shapes_template_gives_the_compiled_sql_and_values_of_each_request() -> None:
    for log_filter, other in SAME_SHAPE:
        assert shape_of(log_filter, None) == shape_of(other, None)
        for limit, cursor in ((100, None), (1, (1_764_895_438_552_253, 42)), (1000, (0, 1))):
            for each in (log_filter, other):
                assert page_sql(each, limit=limit, cursor=cursor) == compiled_page_sql(
                    page_statement(each, limit=limit, cursor=cursor)
                )
            # Served from a template, not compiled per request.
            assert TEMPLATES[shape_of(log_filter, cursor)] is not None


def test_field_filters_are_compiled_per_request() -> None:
    log_filter = LogFilter(fields=parse_field_filters(["payload.order_id=ORD-1"]))
    assert shape_of(log_filter, None) is None
    assert page_sql(log_filter, limit=5, cursor=None) == compiled_page_sql(
        page_statement(log_filter, limit=5, cursor=None)
    )


def test_no_value_reaches_the_sql_text() -> None:
    sql, params = page_sql(LogFilter(event="x'); DROP TABLE users; --"), limit=3, cursor=None)
    assert "DROP" not in sql
    assert "x'); DROP TABLE users; --" in params.values()
