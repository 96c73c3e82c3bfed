"""Liveness (cheap), readiness (database, migrations, tailer, disks, off-host backup age: the
reasons the deploy's health gate reads) and, for a signed-in user, the detail behind them: what
the process and its container use, the engine, the exchange, the log tail, the backups, and the
certificate the edge serves (never a readiness reason)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from control_plane import __version__
from control_plane.api.deps import CurrentUser
from control_plane.db.backup import newest_backup_age_seconds
from control_plane.db.migrate import current_revision
from control_plane.db.sqlite import probe_connection
from control_plane.deployments import DeploymentHistory, recent_deployments
from control_plane.edge_certificate import EdgeCertificateProbe
from control_plane.logs.pipeline import LogPipeline
from control_plane.logs.tail_store import TailFigures, read_tail_figures
from control_plane.logs.tailed_logs import TailedLog, tailed_logs
from control_plane.offsite_backup import (
    backup_age_seconds,
    backup_overdue,
    read_offsite_status,
    status_path,
)
from control_plane.resources import (
    ContainerUsage,
    CpuSampler,
    DiskUsage,
    ProcessUsage,
    container_usage,
    disk_usage,
    process_memory_bytes,
    process_usage,
)
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings
from control_plane.times import iso_from_us, iso_z

# What a write must be able to claim on the data volume: SQLite's WAL reuses its own space, so a
# transaction that writes nothing (or little) succeeds on a full disk.
WRITE_PROBE_BYTES = 1024 * 1024

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
    memory_rss_bytes: int | None
    migration: str | None
    log_pipeline_owner: bool
    data_free_bytes: int
    # Whether this process runs the trading engine; a backend waiting for it is still ready.
    engine: EngineOwnership
    offsite_backup_age_seconds: float | None


@router.get("")
async def liveness() -> Liveness:
    return Liveness(status="ok")


def space_problem(directory: Path, nbytes: int) -> str | None:
    """Claim `nbytes` in a file of `directory` and give them back; the error when it cannot."""
    try:
        fd, name = tempfile.mkstemp(prefix=".ready-probe-", dir=directory)
    except OSError as exc:
        return f"cannot create a file in {directory}: {exc.strerror}"
    try:
        os.posix_fallocate(fd, 0, nbytes)
    except OSError as exc:
        return f"cannot claim {nbytes} bytes in {directory}: {exc.strerror}"
    finally:
        os.close(fd)
        os.unlink(name)
    return None


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
    if problem := space_problem(settings.data_dir, WRITE_PROBE_BYTES):
        return f"database not writable: {problem}"
    return None


def volumes(settings: Settings) -> list[tuple[str, Path]]:
    """The places the backend writes, each checked for space."""
    return [("data", settings.data_dir), ("logs", settings.BACKEND_LOG_PATH.parent)]


def tail_figures(settings: Settings, log: TailedLog) -> TailFigures | None:
    return read_tail_figures(settings.database_path, log.stream)


def tailer_problems(settings: Settings, pipeline: LogPipeline) -> list[str]:
    """Judged from the position rows the lock holder keeps fresh, so a process that is not
    the tailer is still ready while some process is."""
    if not settings.BACKEND_LOG_INGEST_ENABLED:
        return []
    running = {tail.log.source for tail in pipeline.tail_services if tail.running}
    problems = []
    for log in tailed_logs(settings):
        if pipeline.holds_lock and log.source not in running:
            problems.append(f"{log.source} log tailer is not running")
        elif problem := tailer_problem(settings, log):
            problems.append(f"{log.source} {problem}")
    return problems


def tailer_problem(settings: Settings, log: TailedLog) -> str | None:
    try:
        figures = tail_figures(settings, log)
    except sqlite3.Error as exc:
        return f"log tailer status unreadable: {exc}"
    if figures is None:
        return "log tailer has not reported yet"
    age = time.time() - figures.updated_at / 1_000_000
    if age > settings.READY_MAX_POSITION_AGE_SECONDS:
        return f"log tailer last reported {age:.0f} s ago"
    lag = figures.lag_in_file(log.path)
    if lag > settings.READY_MAX_LAG_BYTES:
        return f"log tailer lags {lag} bytes"
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


def readiness(app: Any) -> tuple[list[str], dict[str, Any]]:
    """The reasons the app is not ready (none: ready) and the figures the answer carries."""
    settings: Settings = app.state.settings
    reasons: list[str] = []
    if problem := database_writable(settings):
        reasons.append(problem)
    try:
        revision = current_revision(settings)
    except sqlite3.Error as exc:
        revision = None
        reasons.append(f"migration state unreadable: {exc}")
    else:
        if revision != app.state.head_revision:
            reasons.append(f"migrations not at head ({revision} != {app.state.head_revision})")
    pipeline = app.state.log_pipeline
    reasons.extend(tailer_problems(settings, pipeline))
    volume_free = {name: disk_usage(name, path).free_bytes for name, path in volumes(settings)}
    for name, free in volume_free.items():
        if free < settings.READY_MIN_FREE_BYTES:
            reasons.append(f"{name} volume has {free} bytes free")
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
        "data_free_bytes": volume_free["data"],
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
    reasons, details = await asyncio.to_thread(readiness, request.app)
    status_code = 503 if reasons else 200
    body = {"status": "not ready" if reasons else "ready", "reasons": reasons, **details}
    return JSONResponse(body, status_code=status_code)


class EngineFigures(BaseModel):
    # Whether this process runs the trading engine (one process of the deployment does).
    owner: bool
    last_tick_at: str | None
    last_tick_age_seconds: float | None
    tick_seconds: float


class ExchangeFigures(BaseModel):
    live_trading_enabled: bool
    # Delta's dead-man switch, renewed every tick while a live session runs.
    heartbeat_armed: bool
    heartbeat_renewed_at: str | None
    heartbeat_age_seconds: float | None
    heartbeat_ttl_seconds: float
    # None until this process spoke to Delta; False after a failed request, until one succeeds.
    reachable: bool | None
    last_error: str | None


class LogTailFigures(BaseModel):
    owner: bool
    # Whether this process's tailer wakes when the file changes (inotify) rather than at its
    # poll interval; None where this process does not tail the file.
    wakes_on_change: bool | None
    lag_bytes: int | None
    lines_total: int | None
    parse_errors_total: int | None
    last_ingest_at: str | None
    reported_at: str | None


class BackupFigures(BaseModel):
    # The newest backup a deploy took in data/backups/.
    local_age_seconds: float | None
    offsite_age_seconds: float | None


class EdgeCertificateFigures(BaseModel):
    # False when the backend is not told where the edge's HTTPS is (TLS off): nothing else is set.
    probed: bool
    address: str | None
    server_name: str | None
    checked_at: str | None
    # Its validity: the lifetime tells a short-lived certificate (the internal CA's 12 hours)
    # near its planned renewal from a long-lived one whose renewal failed.
    not_before: str | None
    not_after: str | None
    expires_in_seconds: float | None
    subject_cn: str | None
    issuer_cn: str | None
    dns_names: list[str]
    # Why there is no certificate (refused, timed out, handshake failed).
    error: str | None


class HealthDetail(BaseModel):
    status: str
    reasons: list[str]
    checked_at: str
    version: str
    build_time: str
    app_version: str
    uptime_seconds: float
    migration: str | None
    process: ProcessUsage
    container: ContainerUsage
    disks: list[DiskUsage]
    engine: EngineFigures
    exchange: ExchangeFigures
    log_tail: LogTailFigures
    # The edge's access log (EDGE_ACCESS_LOG_PATH); None where it is not tailed.
    edge_log_tail: LogTailFigures | None
    backups: BackupFigures
    edge_certificate: EdgeCertificateFigures


def _age(then: float | None, now: float) -> float | None:
    return None if then is None else round(max(0.0, now - then), 3)


def engine_figures(runner: SessionRunner, settings: Settings, now: float) -> EngineFigures:
    last_tick = runner.last_tick_at
    return EngineFigures(
        owner=runner.holds_lock,
        last_tick_at=iso_z(last_tick) if last_tick else None,
        last_tick_age_seconds=_age(last_tick.timestamp(), now) if last_tick else None,
        tick_seconds=settings.ENGINE_TICK_SECONDS,
    )


def exchange_figures(runner: SessionRunner, settings: Settings, now: float) -> ExchangeFigures:
    live = runner.live
    renewed = live.heartbeat_renewed_at
    reachable = False if live.exchange_error else (True if renewed is not None else None)
    return ExchangeFigures(
        live_trading_enabled=settings.LIVE_TRADING_ENABLED,
        heartbeat_armed=live.armed,
        heartbeat_renewed_at=iso_z(datetime.fromtimestamp(renewed, UTC)) if renewed else None,
        heartbeat_age_seconds=_age(renewed, now),
        heartbeat_ttl_seconds=settings.DELTA_HEARTBEAT_TTL_SECONDS,
        reachable=reachable,
        last_error=live.exchange_error,
    )


def wakes_on_change(pipeline: LogPipeline, log: TailedLog) -> bool | None:
    for tail in pipeline.tail_services:
        if tail.log.source == log.source and tail.running:
            return tail.stats().uses_inotify
    return None


def log_tail_figures(settings: Settings, log: TailedLog, pipeline: LogPipeline) -> LogTailFigures:
    owner, wakes = pipeline.holds_lock, wakes_on_change(pipeline, log)
    try:
        figures = tail_figures(settings, log)
    except sqlite3.Error:
        figures = None  # readiness names it
    if figures is None:
        return LogTailFigures(
            owner=owner,
            wakes_on_change=wakes,
            lag_bytes=None,
            lines_total=None,
            parse_errors_total=None,
            last_ingest_at=None,
            reported_at=None,
        )
    return LogTailFigures(
        owner=owner,
        wakes_on_change=wakes,
        lag_bytes=figures.lag_in_file(log.path),
        lines_total=figures.lines_total,
        parse_errors_total=figures.parse_errors_total,
        last_ingest_at=iso_from_us(figures.last_ingest_at),
        reported_at=iso_from_us(figures.updated_at),
    )


def edge_certificate_figures(probe: EdgeCertificateProbe, now: float) -> EdgeCertificateFigures:
    result = probe.read()
    facts = result.facts if result else None
    return EdgeCertificateFigures(
        probed=result is not None,
        address=probe.address or None,
        server_name=probe.server_name or None,
        checked_at=iso_z(datetime.fromtimestamp(result.checked_at, UTC)) if result else None,
        not_before=iso_z(facts.not_before) if facts else None,
        not_after=iso_z(facts.not_after) if facts else None,
        expires_in_seconds=round(facts.not_after.timestamp() - now, 3) if facts else None,
        subject_cn=facts.subject_cn if facts else None,
        issuer_cn=facts.issuer_cn if facts else None,
        dns_names=list(facts.dns_names) if facts else [],
        error=result.error if result else None,
    )


def health_detail(request: Request) -> HealthDetail:
    app = request.app
    settings: Settings = app.state.settings
    sampler: CpuSampler = app.state.cpu_sampler
    runner: SessionRunner = app.state.session_runner
    now = time.time()
    reasons, details = readiness(app)
    logs = {log.source: log for log in tailed_logs(settings)}
    pipeline: LogPipeline = app.state.log_pipeline
    return HealthDetail(
        status="not ready" if reasons else "ready",
        reasons=reasons,
        checked_at=iso_z(datetime.fromtimestamp(now, UTC)),
        version=details["version"],
        build_time=details["build_time"],
        app_version=details["app_version"],
        uptime_seconds=details["uptime_seconds"],
        migration=details["migration"],
        process=process_usage(sampler),
        container=container_usage(sampler),
        disks=[disk_usage(name, path) for name, path in volumes(settings)],
        engine=engine_figures(runner, settings, now),
        exchange=exchange_figures(runner, settings, now),
        log_tail=log_tail_figures(settings, logs["backend"], pipeline),
        edge_log_tail=(
            log_tail_figures(settings, logs["edge"], pipeline) if "edge" in logs else None
        ),
        backups=BackupFigures(
            local_age_seconds=newest_backup_age_seconds(settings.data_dir, now),
            offsite_age_seconds=details["offsite_backup_age_seconds"],
        ),
        edge_certificate=edge_certificate_figures(app.state.edge_certificate, now),
    )


@router.get("/detail")
async def detail(request: Request, _: CurrentUser) -> HealthDetail:
    """Readiness with the figures behind it, for the System screen (any signed-in user)."""
    return await asyncio.to_thread(health_detail, request)


@router.get("/deployments")
async def deployments(
    request: Request,
    _: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> DeploymentHistory:
    """The host's last deploys, rollbacks and failures (data/deployments.jsonl), newest first."""
    settings: Settings = request.app.state.settings
    return await asyncio.to_thread(recent_deployments, settings.data_dir, limit)
