"""GET /metrics in Prometheus text format, from a registry owned by the app: the log pipeline,
readiness and the volumes' free space, the off-host backup, the edge's certificate, trading and
Delta figures, each request's duration by route, and the process."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from typing import Any, Protocol

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector

from control_plane.edge_certificate import EdgeCertificateProbe
from control_plane.logs.tail_store import read_tail_figures
from control_plane.logs.tailed_logs import tailed_logs
from control_plane.offsite_backup import backup_age_seconds, read_offsite_status, status_path
from control_plane.resources import disk_usage
from control_plane.sessions.metrics import TradingCollector
from control_plane.settings import Settings

router = APIRouter(tags=["metrics"])


class LockHolder(Protocol):
    """The log pipeline, as far as the metrics read it."""

    @property
    def holds_lock(self) -> bool: ...


# Each tailed log file's figures carry its source (backend, edge).
SOURCE = ["source"]


class LogPipelineCollector:
    """Reads the tailer's figures from the position row, so every worker reports them."""

    def __init__(self, settings: Settings, pipeline: LockHolder) -> None:
        self.settings = settings
        self.pipeline = pipeline

    def collect(self) -> Iterator[Metric]:
        lines = CounterMetricFamily(
            "control_plane_log_lines_ingested", "Log lines ingested by the tailer", labels=SOURCE
        )
        errors = CounterMetricFamily(
            "control_plane_log_parse_errors", "Ingested lines that were not JSON", labels=SOURCE
        )
        lag = GaugeMetricFamily(
            "control_plane_log_lag_bytes", "Bytes written but not yet ingested", labels=SOURCE
        )
        last = GaugeMetricFamily(
            "control_plane_log_last_ingest_timestamp_seconds",
            "When the tailer last committed rows",
            labels=SOURCE,
        )
        for log in tailed_logs(self.settings):
            try:
                figures = read_tail_figures(self.settings.database_path, log.stream)
            except sqlite3.Error:
                figures = None
            label = [log.source]
            lines.add_metric(label, figures.lines_total if figures else 0)
            errors.add_metric(label, figures.parse_errors_total if figures else 0)
            lag.add_metric(label, figures.lag_in_file(log.path) if figures else 0)
            last.add_metric(label, (figures.last_ingest_at or 0) / 1_000_000 if figures else 0)
        yield from (lines, errors, lag, last)
        yield GaugeMetricFamily(
            "control_plane_log_pipeline_owner",
            "1 if this process holds the log pipeline lock",
            value=1 if self.pipeline.holds_lock else 0,
        )


class OffsiteBackupCollector:
    """The off-host backup's age from the host timer's status file; nothing on a host that runs
    none, or whose status is unreadable (readiness names that)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[Metric]:
        try:
            status = read_offsite_status(status_path(self.settings.data_dir))
        except ValueError:
            status = None
        if status is None:
            return
        yield GaugeMetricFamily(
            "control_plane_offsite_backup_age_seconds",
            "Seconds since the last off-host backup succeeded (or since it was scheduled)",
            value=backup_age_seconds(status, time.time()),
        )
        yield GaugeMetricFamily(
            "control_plane_offsite_backup_last_success_timestamp_seconds",
            "When the last off-host backup succeeded (0: none yet)",
            value=status.last_success_at or 0,
        )
        yield GaugeMetricFamily(
            "control_plane_offsite_backup_max_age_seconds",
            "Age past which the off-host backup is overdue (a readiness reason)",
            value=status.max_age_seconds,
        )


class EdgeCertificateCollector:
    """When the certificate the edge serves became valid and when it expires; nothing while that
    is unknown (not probed, or the probe failed: the health detail says why)."""

    def __init__(self, probe: EdgeCertificateProbe) -> None:
        self.probe = probe

    def collect(self) -> Iterator[Metric]:
        result = self.probe.read()
        if result is None or result.facts is None:
            return
        yield GaugeMetricFamily(
            "control_plane_edge_certificate_expiry_timestamp_seconds",
            "When the certificate the edge serves stops being valid (its notAfter)",
            value=result.facts.not_after.timestamp(),
        )
        yield GaugeMetricFamily(
            "control_plane_edge_certificate_not_before_timestamp_seconds",
            "When the certificate the edge serves became valid (its notBefore)",
            value=result.facts.not_before.timestamp(),
        )


class ReadinessCollector:
    """What /api/health/ready answers, as a gauge (its reasons are text: the endpoint says them),
    and the free space of each volume the backend writes."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        from control_plane.api.health import readiness, volumes

        reasons, _ = readiness(self.app)
        yield GaugeMetricFamily(
            "control_plane_ready",
            "1 when /api/health/ready answers ready",
            value=0 if reasons else 1,
        )
        free = GaugeMetricFamily(
            "control_plane_volume_free_bytes",
            "Bytes the backend may still write on each volume",
            labels=["volume"],
        )
        for name, path in volumes(self.app.state.settings):
            free.add_metric([name], disk_usage(name, path).free_bytes)
        yield free


HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HttpMetrics:
    def __init__(self) -> None:
        self.request_duration = Histogram(
            "control_plane_http_request_duration_seconds",
            "Time to answer each request, by method, route template and status code",
            ["method", "route", "code"],
            buckets=HTTP_BUCKETS,
            registry=None,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        method = method if method in HTTP_METHODS else "other"
        self.request_duration.labels(method=method, route=route, code=str(status)).observe(seconds)


def build_registry(app: Any, http: HttpMetrics) -> CollectorRegistry:
    settings: Settings = app.state.settings
    registry = CollectorRegistry()
    registry.register(LogPipelineCollector(settings, app.state.log_pipeline))
    registry.register(ReadinessCollector(app))
    registry.register(OffsiteBackupCollector(settings))
    registry.register(EdgeCertificateCollector(app.state.edge_certificate))
    registry.register(TradingCollector(settings, app.state.session_runner))
    for collector in app.state.session_runner.live.metrics.collectors():
        registry.register(collector)
    registry.register(http.request_duration)
    ProcessCollector(registry=registry)
    return registry


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format",
            "content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}},
        }
    },
)
async def metrics(request: Request) -> Response:
    # Collectors read files, the database and the edge's TLS handshake: off the event loop.
    body = await asyncio.to_thread(generate_latest, request.app.state.metrics_registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
