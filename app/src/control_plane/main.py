"""Application factory."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from control_plane import __version__
from control_plane.api import (
    analytics,
    audit,
    auth,
    backtests,
    health,
    log_download,
    logs,
    metrics,
    ops,
    sessions,
    strategies,
    updates,
    users,
)
from control_plane.api.openapi_errors import document_implied_errors
from control_plane.db.engine import create_engine, create_session_factory
from control_plane.db.migrate import head_revision
from control_plane.db.read_connections import ReadConnections
from control_plane.db.users import bootstrap_admin
from control_plane.edge_certificate import EdgeCertificateProbe
from control_plane.login_throttle import LoginThrottle
from control_plane.logs.pipeline import LogPipeline
from control_plane.middleware.correlation import CorrelationIdMiddleware
from control_plane.middleware.no_store import NoStoreMiddleware
from control_plane.resources import CpuSampler
from control_plane.security import password_hasher
from control_plane.sessions.runner import SessionRunner
from control_plane.settings import Settings, load_settings


def create_app(settings: Settings | None = None, runner: SessionRunner | None = None) -> FastAPI:
    settings = settings or load_settings()
    pipeline = LogPipeline(settings)
    runner = runner or SessionRunner(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        app.state.engine = engine
        app.state.session_factory = create_session_factory(engine)
        async with app.state.session_factory() as session:
            await bootstrap_admin(
                session, app.state.password_hasher, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD
            )
        await pipeline.start()
        await runner.start()
        restore_sigterm = runner.hand_off_on_sigterm()
        try:
            yield
        finally:
            await runner.stop()
            restore_sigterm()
            await pipeline.stop()
            app.state.read_connections.close()
            await engine.dispose()

    app = FastAPI(title="Delta Strangle Control Plane", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    # One for the app, not one a lifespan: its lifespans may overlap (ReadConnections.close).
    app.state.read_connections = ReadConnections(settings.database_path)
    app.state.started_monotonic = time.monotonic()
    app.state.head_revision = head_revision(settings)
    app.state.password_hasher = password_hasher(
        settings.ARGON2_TIME_COST, settings.ARGON2_MEMORY_COST_KIB
    )
    app.state.log_pipeline = pipeline
    app.state.cpu_sampler = CpuSampler()
    app.state.edge_certificate = EdgeCertificateProbe(
        settings.EDGE_TLS_PROBE_ADDRESS, settings.EDGE_TLS_SERVER_NAME
    )
    app.state.login_throttle = LoginThrottle()
    app.state.session_runner = runner
    http_metrics = metrics.HttpMetrics()
    app.state.metrics_registry = metrics.build_registry(app, http_metrics)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID"],
    )
    app.add_middleware(CorrelationIdMiddleware, observe=http_metrics.observe)
    app.add_middleware(NoStoreMiddleware)
    for router in (
        health.router,
        auth.router,
        users.router,
        logs.router,
        log_download.router,
        audit.router,
        metrics.router,
        strategies.router,
        backtests.router,
        sessions.router,
        analytics.router,
        updates.router,
        ops.router,
    ):
        app.include_router(router)
    document_implied_errors(app)
    return app
