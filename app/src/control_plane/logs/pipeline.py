"""Runs the tail services (one per tailed log file) and retention in exactly one process per
database.

The process that takes the pipeline lock runs them; any other serves HTTP only and tries the
lock again periodically, so a redeploy's overlap or several workers never double-ingest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from control_plane.logs.checkpoints import WalCheckpointer
from control_plane.logs.full_text import FullTextIndexService
from control_plane.logs.pipeline_lock import PipelineLock
from control_plane.logs.retention import BackendLogRetentionService
from control_plane.logs.tail_service import LogTailService
from control_plane.logs.tailed_logs import tailed_logs
from control_plane.settings import Settings

logger = logging.getLogger("control_plane.logs.pipeline")

LOCK_RETRY_SECONDS = 30.0


class LogPipeline:
    def __init__(self, settings: Settings, *, lock_retry_seconds: float = LOCK_RETRY_SECONDS):
        self.settings = settings
        self.lock = PipelineLock.for_database(settings.database_path)
        self.lock_retry_seconds = lock_retry_seconds
        self.tail_services: list[LogTailService] = []
        self.full_text_service: FullTextIndexService | None = None
        self.retention_service: BackendLogRetentionService | None = None
        self.checkpointer: WalCheckpointer | None = None
        self._lock_task: asyncio.Task[None] | None = None

    @property
    def holds_lock(self) -> bool:
        return self.lock.held

    @property
    def tailing(self) -> bool:
        """Every tail service runs (false before this process took the lock)."""
        return bool(self.tail_services) and all(tail.running for tail in self.tail_services)

    async def start(self) -> None:
        if not self.settings.BACKEND_LOG_INGEST_ENABLED:
            return
        if not self._try_take_over():
            self._lock_task = asyncio.create_task(self._retry_lock())

    async def stop(self) -> None:
        if self._lock_task is not None:
            self._lock_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._lock_task
        services = (
            *self.tail_services,
            self.full_text_service,
            self.retention_service,
            self.checkpointer,
        )
        for service in services:
            if service is not None:
                await asyncio.to_thread(service.stop)
        self.lock.release()

    def _try_take_over(self) -> bool:
        if not self.lock.try_acquire():
            return False
        settings = self.settings
        self.checkpointer = WalCheckpointer(settings.database_path)
        self.full_text_service = FullTextIndexService(database_path=settings.database_path)
        self.tail_services = [
            LogTailService(
                log=log,
                database_path=settings.database_path,
                batch_size=settings.BACKEND_LOG_BATCH_SIZE,
                poll_interval=settings.BACKEND_LOG_POLL_INTERVAL,
                on_commit=self.full_text_service.notify,
            )
            for log in tailed_logs(settings)
        ]
        self.retention_service = BackendLogRetentionService(
            database_path=settings.database_path,
            retention_days=settings.BACKEND_LOG_RETENTION_DAYS,
            archive=settings.BACKEND_LOG_ARCHIVE_ENABLED,
            archive_keep_days=settings.BACKEND_LOG_ARCHIVE_KEEP_DAYS,
        )
        self.checkpointer.start()
        self.full_text_service.start()
        for tail in self.tail_services:
            tail.start()
        self.retention_service.start()
        logger.info("this process runs the log pipeline", extra={"event": "log_pipeline_owner"})
        return True

    async def _retry_lock(self) -> None:
        await self.lock.acquire_when_free(self.lock_retry_seconds)
        self._try_take_over()
