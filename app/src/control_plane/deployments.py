"""The host's deployment record, data/deployments.jsonl (roles/app_stack appends one line per
deploy, rollback and failure), read newest first for the System screen."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

RECORD_FILE = "deployments.jsonl"
# Years of deploys fit in this; only the end of a longer file is read.
TAIL_BYTES = 1024 * 1024


class DeploymentRecord(BaseModel):
    time: str
    operator: str = ""
    from_sha: str = ""
    to_sha: str = ""
    # deployed, failed, rolled_back, rollback_failed or refused.
    result: str
    duration_seconds: float | None = None
    detail: str = ""
    # The trading gate's policy, decision and reason; null when no backend was replaced.
    trading_gate: dict[str, Any] | None = None
    rollout: str | None = None


class DeploymentHistory(BaseModel):
    records: list[DeploymentRecord]
    # Lines of the file's end that are not a record (a hand edit, a line cut short): counted,
    # so the screen says so instead of hiding them.
    unreadable_lines: int


def record_path(data_dir: Path) -> Path:
    return data_dir / RECORD_FILE


def _tail_lines(path: Path) -> list[bytes]:
    try:
        with open(path, "rb") as record:
            size = record.seek(0, os.SEEK_END)
            record.seek(max(0, size - TAIL_BYTES))
            data = record.read()
    except FileNotFoundError:
        return []
    lines = data.split(b"\n")
    if size > TAIL_BYTES:
        lines = lines[1:]  # began mid-line
    return [line for line in lines if line.strip()]


def recent_deployments(data_dir: Path, limit: int) -> DeploymentHistory:
    """The last `limit` records, newest first; none on a host never deployed to."""
    records: list[DeploymentRecord] = []
    unreadable = 0
    for line in reversed(_tail_lines(record_path(data_dir))):
        try:
            record = DeploymentRecord.model_validate(orjson.loads(line))
        except (orjson.JSONDecodeError, ValidationError):
            unreadable += 1
            continue
        if len(records) < limit:
            records.append(record)
    return DeploymentHistory(records=records, unreadable_lines=unreadable)
