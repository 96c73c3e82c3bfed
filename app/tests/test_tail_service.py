"""The tail service from outside: stats, inotify wake-up, its own logs staying bounded."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from control_plane.logging_setup import configure_logging
from control_plane.logs.pipeline import LogPipeline
from control_plane.logs.tail_service import LogTailService
from control_plane.logs.tailed_logs import backend_log
from control_plane.settings import Settings
from tests.logtools import append, json_line, row_count, wait_until


def make_service(settings: Settings, poll_interval: float = 0.05) -> LogTailService:
    return LogTailService(
        log=backend_log(settings.BACKEND_LOG_PATH),
        database_path=settings.database_path,
        batch_size=100,
        poll_interval=poll_interval,
    )


def test_stats_report_lines_parse_errors_lag_and_last_ingest(settings: Settings) -> None:
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True)
    service = make_service(settings)
    service.start()
    try:
        append(settings.BACKEND_LOG_PATH, [json_line(f"m{i}") for i in range(250)] + ["oops"])
        assert wait_until(lambda: service.stats().lines_ingested == 251)
        stats = service.stats()
        assert stats.running
        assert stats.parse_errors == 1
        assert stats.last_ingest_at_us is not None
        assert wait_until(lambda: service.stats().lag_bytes == 0)
    finally:
        service.stop()
    assert not service.stats().running


def test_inotify_wakes_the_tailer_long_before_the_poll_interval(settings: Settings) -> None:
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True)
    service = make_service(settings, poll_interval=30.0)
    service.start()
    try:
        assert wait_until(lambda: service.stats().uses_inotify, timeout=5)
        time.sleep(0.2)
        append(settings.BACKEND_LOG_PATH, [json_line("wake")])
        assert wait_until(lambda: row_count(settings.database_path) == 1, timeout=10)
    finally:
        service.stop(timeout=5)
    assert not service.running


def test_own_logs_do_not_feed_back(settings: Settings, tmp_path: Path) -> None:
    log_path = settings.BACKEND_LOG_PATH
    configure_logging("DEBUG", log_path, stdout=False)
    try:
        service = make_service(settings, poll_interval=0.01)
        service.start()
        append(log_path, [json_line(f"m{i}") for i in range(50)])
        assert wait_until(lambda: row_count(settings.database_path) >= 50)
        time.sleep(1.0)
        service.stop()
    finally:
        configure_logging("INFO", None, stdout=False)
    assert row_count(settings.database_path) <= 50 + 3
    assert len(log_path.read_text().splitlines()) <= 50 + 3


def test_one_log_pipeline_per_database_and_the_next_takes_over(settings: Settings) -> None:
    settings.BACKEND_LOG_INGEST_ENABLED = True
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True)

    async def scenario() -> None:
        first = LogPipeline(settings, lock_retry_seconds=0.05)
        second = LogPipeline(settings, lock_retry_seconds=0.05)
        await first.start()
        await second.start()
        try:
            assert first.holds_lock and not second.holds_lock
            assert second.tail_services == []
            append(settings.BACKEND_LOG_PATH, [json_line(f"first{i}") for i in range(10)])
            assert await asyncio.to_thread(
                wait_until, lambda: row_count(settings.database_path) == 10
            )
            await first.stop()
            assert await asyncio.to_thread(wait_until, lambda: second.holds_lock)
            append(settings.BACKEND_LOG_PATH, [json_line(f"second{i}") for i in range(5)])
            assert await asyncio.to_thread(
                wait_until, lambda: row_count(settings.database_path) == 15
            )
        finally:
            await first.stop()
            await second.stop()

    asyncio.run(scenario())
