"""The log files the pipeline follows into backend_logs, each with its own position row: the
backend's JSON log (BACKEND_LOG_PATH) and, when EDGE_ACCESS_LOG_PATH is set, the edge's access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from control_plane.db.schema import LogSource
from control_plane.logs import edge_access, line_parser
from control_plane.logs.line_parser import Row
from control_plane.settings import Settings


class ParseLine(Protocol):
    def __call__(self, line: bytes, *, truncated: bool, ingested_at_us: int) -> Row: ...


class ParseLines(Protocol):
    def __call__(self, lines: list[bytes], *, ingested_at_us: int) -> tuple[list[Row], int]: ...


@dataclass(frozen=True, slots=True)
class LineFormat:
    """How one file's lines become rows: one line (a long or unterminated one included), and a
    run of ordinary complete lines with how many of them were parse errors."""

    parse_line: ParseLine
    parse_lines: ParseLines


BACKEND_JSON = LineFormat(line_parser.parse_line, line_parser.parse_lines)
EDGE_ACCESS_JSON = LineFormat(edge_access.parse_line, edge_access.parse_lines)


@dataclass(frozen=True, slots=True)
class TailedLog:
    source: LogSource
    path: Path
    lines: LineFormat

    @property
    def stream(self) -> str:
        """The key of its row in log_tail_positions."""
        return str(self.path)


def backend_log(path: Path) -> TailedLog:
    return TailedLog("backend", path, BACKEND_JSON)


def edge_access_log(path: Path) -> TailedLog:
    return TailedLog("edge", path, EDGE_ACCESS_JSON)


def tailed_logs(settings: Settings) -> list[TailedLog]:
    logs = [backend_log(settings.BACKEND_LOG_PATH)]
    if settings.EDGE_ACCESS_LOG_PATH is not None:
        logs.append(edge_access_log(settings.EDGE_ACCESS_LOG_PATH))
    return logs
