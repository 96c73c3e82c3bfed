"""Include and exclude filters on one field of a log row: a column or a value in the payload.

Spelled `field=value` (include) or `field!=value` (exclude), e.g. `payload.order_id=X` or
`level!=debug`. Fields are a fixed set of columns, or `payload.` and a dotted path of plain keys,
so a field never reaches SQL as text: columns are looked up, paths are bound parameters.
Includes of one field are alternatives (any of them); everything else must hold together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, case, cast, func, or_
from sqlalchemy.types import Text

MAX_FIELD_FILTERS = 20
MAX_VALUE_LENGTH = 500
COLUMN_FIELDS = ("level", "logger", "event", "message", "correlation_id", "strategy_id", "source")
# Not a column: the audit actor and a browser row's user are kept in the payload.
PAYLOAD_ALIASES = {"actor": "actor"}
PAYLOAD_PREFIX = "payload."
_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_PATH_KEYS = 8


class InvalidFieldFilter(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FieldFilter:
    field: str
    value: str
    exclude: bool = False

    @property
    def spelled(self) -> str:
        return f"{self.field}{'!=' if self.exclude else '='}{self.value}"


def parse_field_filter(text: str) -> FieldFilter:
    """`field=value` or `field!=value`; the field is checked, the value is any text."""
    field, sign, value = text.partition("=")
    if not sign:
        raise InvalidFieldFilter(f"{text!r}: expected field=value or field!=value")
    exclude = field.endswith("!")
    field = field.removesuffix("!").strip()
    check_field(field)
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidFieldFilter(f"{field}: value over {MAX_VALUE_LENGTH} characters")
    return FieldFilter(field, value, exclude)


def parse_field_filters(texts: list[str]) -> tuple[FieldFilter, ...]:
    if len(texts) > MAX_FIELD_FILTERS:
        raise InvalidFieldFilter(f"at most {MAX_FIELD_FILTERS} field filters")
    return tuple(parse_field_filter(text) for text in texts)


def check_field(field: str) -> None:
    if field in COLUMN_FIELDS or field in PAYLOAD_ALIASES:
        return
    if field.startswith(PAYLOAD_PREFIX):
        keys = field.removeprefix(PAYLOAD_PREFIX).split(".")
        if len(keys) <= MAX_PATH_KEYS and all(_KEY.fullmatch(key) for key in keys):
            return
        raise InvalidFieldFilter(
            f"{field!r}: a payload path is up to {MAX_PATH_KEYS} keys of letters, digits, _ or -"
            " joined by dots"
        )
    known = ", ".join((*COLUMN_FIELDS, *PAYLOAD_ALIASES))
    raise InvalidFieldFilter(f"{field!r} is not a field: use one of {known} or payload.<key>")


def json_path(field: str) -> str:
    """`payload.a.b` as SQLite's JSON path `$."a"."b"` (keys are checked, quotes keep - literal)."""
    keys = PAYLOAD_ALIASES.get(field, field.removeprefix(PAYLOAD_PREFIX)).split(".")
    return "$" + "".join(f'."{key}"' for key in keys)


def payload_text(payload: Any, path: str) -> ColumnElement[Any]:
    """A payload value as the viewer shows it: a string as is, true/false/null spelled out,
    a number as its digits, an object or a list as JSON."""
    kind = func.json_type(payload, path)
    extracted = func.json_extract(payload, path)
    return case(
        (kind == "text", extracted),
        (kind.in_(["true", "false", "null"]), kind),
        else_=cast(extracted, Text),
    )


def field_expression(logs: Any, field: str) -> ColumnElement[Any]:
    if field in COLUMN_FIELDS:
        column: ColumnElement[Any] = logs[field]
        return column
    return payload_text(logs["payload"], json_path(field))


def compared_value(field: FieldFilter) -> str:
    # Levels are stored upper case; `level!=debug` means the same as DEBUG.
    return field.value.upper() if field.field == "level" else field.value


def field_conditions(logs: Any, filters: tuple[FieldFilter, ...]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    includes = sorted((f for f in filters if not f.exclude), key=lambda f: f.field)
    for field, group in groupby(includes, key=lambda f: f.field):
        values = [compared_value(f) for f in group]
        expression = field_expression(logs, field)
        conditions.append(or_(*(expression == value for value in values)))
    for excluded in (f for f in filters if f.exclude):
        # IS NOT keeps rows without the field: they are not equal to the value either.
        expression = field_expression(logs, excluded.field)
        conditions.append(expression.is_not(compared_value(excluded)))
    return conditions
