"""JSON logging: one object per line to the backend log file and stdout."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from datetime import UTC, datetime
from io import TextIOWrapper
from pathlib import Path
from typing import Any

import orjson

from control_plane.correlation import correlation_id_var
from control_plane.log_scrub import is_clean_line, scrub_fields

# Attributes every LogRecord has; anything else passed in `extra` becomes a field of the line.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "event", "color_message"}
)
DEFAULT_EVENT = "log"


def format_timestamp(epoch_seconds: float) -> str:
    return (
        datetime.fromtimestamp(epoch_seconds, tz=UTC)
        .isoformat(timespec="microseconds")
        .replace("+00:00", "Z")
    )


class JsonFormatter(logging.Formatter):
    """Every line is scrubbed (credentials redacted, control characters escaped) here, the one
    place our lines, uvicorn's and the libraries' are written, for the file and stdout."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "ts": format_timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "event": getattr(record, "event", None) or DEFAULT_EVENT,
            "message": record.getMessage(),
            "correlation_id": correlation_id_var.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                document[key] = value
        if record.exc_info:
            document["exc_info"] = self.formatException(record.exc_info)
        line = orjson.dumps(document, default=str).decode()
        if is_clean_line(line):
            return line
        return orjson.dumps(scrub_fields(document), default=str).decode()


class ReopeningFileHandler(logging.handlers.WatchedFileHandler):
    """Reopens the file when it is renamed or deleted away (logrotate `create`).

    The directory is created on reopen too, so a deleted log directory does not silence logs.
    """

    def _open(self) -> TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def configure_logging(level: str, log_path: Path | None, *, stdout: bool = True) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    formatter = JsonFormatter()
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = ReopeningFileHandler(log_path, encoding="utf-8")
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    if stdout:
        stream_handler = logging.StreamHandler(sys.stdout)
        stream_handler.setFormatter(formatter)
        root.addHandler(stream_handler)
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).propagate = True
