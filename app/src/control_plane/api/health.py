"""Liveness (cheap) and readiness (database, migrations, tailer, disk, off-host backup age)."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from control_plane import __version__
from control_plane.db.migrate import current_revision
from control_plane.db.sqlite import probe_connection
from control_plane.logs.tail_store import read_tail_figures
from control_plane.offsite_backup import (
    backup_age_seconds,
    backup_overdue,
    read_offsite_status,
    status_path,
)
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings
from control_plane.times import iso_z

router = APIRouter(prefix="/api/health", tags=["health"])


class Liveness(BaseModel):
    status: str


class EngineOwnership(BaseModel):
    owner: bool
    last_tick_at: str | None


class Readiness(BaseModel):
    status: str
    reasons: list[str]
    version: str
    build_time: str
    app_version: str
    uptime_seconds: float
    memory_rss_bytes: int
    migration: str | None
    log_pipeline_owner: bool
    data_free_bytes: int
    # Whether this process runs the trading engine; a backend waiting for it is still ready.
    engine: EngineOwnership
    offsite_backup_age_seconds: float | None


@router.get("")
async def liveness() -> Liveness:
    return Liveness(status="ok")


def process_memory_bytes() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def database_writable(settings: Settings) -> str | None:
    try:
        conn = probe_connection(settings.database_path, read_only=False)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"database not writable: {exc}"
    return None


def tailer_problem(settings: Settings, holds_lock: bool, tail_running: bool) -> str | None:
    """Judged from the position row the lock holder keeps fresh, so a process that is not
    the tailer is still ready while some process is."""
    if not settings.BACKEND_LOG_INGEST_ENABLED:
        return None
    if holds_lock and not tail_running:
        return "log tailer is not running"
    try:
        figures = read_tail_figures(settings.database_path, str(settings.BACKEND_LOG_PATH))
    except sqlite3.Error as exc:
        return f"log tailer status unreadable: {exc}"
    if figures is None:
        return "log tailer has not reported yet"
    age = time.time() - figures.updated_at / 1_000_000
    if age > settings.READY_MAX_POSITION_AGE_SECONDS:
        return f"log tailer last reported {age:.0f} s ago"
    if figures.lag_bytes > settings.READY_MAX_LAG_BYTES:
        return f"log tailer lags {figures.lag_bytes} bytes"
    return None


def engine_ownership(runner: SessionRunner) -> dict[str, Any]:
    last_tick = runner.last_tick_at
    return {"owner": runner.holds_lock, "last_tick_at": iso_z(last_tick) if last_tick else None}


def offsite_backup_state(settings: Settings, now: float) -> tuple[str | None, float | None]:
    """The readiness reason (overdue, or an unreadable status) and the age of the newest
    off-host backup; (None, None) on a host that runs none."""
    try:
        status = read_offsite_status(status_path(settings.data_dir))
    except ValueError as exc:
        return f"off-host backup status: {exc}", None
    if status is None:
        return None, None
    return backup_overdue(status, now), round(backup_age_seconds(status, now), 3)


def readiness(request: Request) -> tuple[list[str], dict[str, Any]]:
    app = request.app
    settings: Settings = app.state.settings
    reasons: list[str] = []
    if problem := database_writable(settings):
        reasons.append(problem)
    revision = current_revision(settings)
    if revision != app.state.head_revision:
        reasons.append(f"migrations not at head ({revision} != {app.state.head_revision})")
    pipeline = app.state.log_pipeline
    tail = pipeline.tail_service
    if problem := tailer_problem(settings, pipeline.holds_lock, tail is not None and tail.running):
        reasons.append(problem)
    free = shutil.disk_usage(settings.data_dir).free
    if free < settings.READY_MIN_FREE_BYTES:
        reasons.append(f"data volume has {free} bytes free")
    backup_problem, backup_age = offsite_backup_state(settings, time.time())
    if backup_problem:
        reasons.append(backup_problem)
    details = {
        "version": settings.GIT_SHA,
        "build_time": settings.BUILD_TIME,
        "app_version": __version__,
        "uptime_seconds": round(time.monotonic() - app.state.started_monotonic, 3),
        "memory_rss_bytes": process_memory_bytes(),
        "migration": revision,
        "log_pipeline_owner": pipeline.holds_lock,
        "data_free_bytes": free,
        "engine": engine_ownership(app.state.session_runner),
        "offsite_backup_age_seconds": backup_age,
    }
    return reasons, details


@router.get(
    "/ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready; `reasons` says why"}},
)
async def ready(request: Request) -> JSONResponse:
    reasons, details = await asyncio.to_thread(readiness, request)
    status_code = 503 if reasons else 200
    body = {"status": "not ready" if reasons else "ready", "reasons": reasons, **details}
    return JSONResponse(body, status_code=status_code)
