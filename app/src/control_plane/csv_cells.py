"""CSV text a spreadsheet opens safely: cells that would run as a formula are defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

LINE_END = "\r\n"
# A spreadsheet reads a text cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """Text that a spreadsheet would run is prefixed with ' (shown, not evaluated); numbers
    stay numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    # CRLF as RFC 4180 says: the writer then also quotes a cell holding a lone CR, which a
    # reader would otherwise take for the end of the row.
    csv.writer(buffer, lineterminator=LINE_END).writerows(
        [spreadsheet_safe(cell) for cell in row] for row in rows
    )
    return buffer.getvalue()
