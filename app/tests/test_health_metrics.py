from __future__ import annotations

import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from control_plane.db.migrate import upgrade_to_head
from control_plane.main import create_app
from control_plane.settings import Settings
from tests.conftest import make_settings
from tests.logtools import append, json_line, wait_until


def test_ready_with_running_tailer_reports_version_uptime_memory(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, BACKEND_LOG_INGEST_ENABLED=True, GIT_SHA="abc1234")
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        assert wait_until(lambda: client.get("/api/health/ready").status_code == 200, timeout=20)
        body = client.get("/api/health/ready").json()
        assert body["status"] == "ready" and body["reasons"] == []
        assert body["version"] == "abc1234"
        assert body["uptime_seconds"] > 0
        assert body["memory_rss_bytes"] > 1_000_000
        assert body["log_pipeline_owner"] is True


def test_second_app_on_same_database_serves_without_tailing_and_is_ready(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, BACKEND_LOG_INGEST_ENABLED=True)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as owner, TestClient(create_app(settings)) as other:
        assert owner.app.state.log_pipeline.holds_lock
        assert not other.app.state.log_pipeline.holds_lock
        assert wait_until(lambda: other.get("/api/health/ready").status_code == 200, timeout=20)
        settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
        append(settings.BACKEND_LOG_PATH, [json_line(f"once {i}") for i in range(10)])

        def ingested() -> int:
            conn = sqlite3.connect(settings.database_path)
            return conn.execute(
                "SELECT count(*) FROM backend_logs WHERE message LIKE 'once %'"
            ).fetchone()[0]

        assert wait_until(lambda: ingested() == 10, timeout=20)
        metrics = other.get("/metrics").text
        assert "control_plane_log_pipeline_owner 0.0" in metrics
    assert ingested() == 10


def test_not_ready_lists_reasons(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, BACKEND_LOG_INGEST_ENABLED=True, READY_MIN_FREE_BYTES=10**18)
    upgrade_to_head(settings)
    conn = sqlite3.connect(settings.database_path)
    conn.execute("UPDATE alembic_version SET version_num = 'old'")
    conn.commit()
    with TestClient(create_app(settings)) as client:
        client.app.state.log_pipeline.tail_service.stop()
        response = client.get("/api/health/ready")
    assert response.status_code == 503
    reasons = " | ".join(response.json()["reasons"])
    assert "migrations not at head" in reasons
    assert "free" in reasons
    assert "tailer is not running" in reasons


def test_metrics_expose_tailer_figures(client: TestClient, settings: Settings) -> None:
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    append(settings.BACKEND_LOG_PATH, [json_line("a"), "not json", json_line("b")])
    from control_plane.logs.one_shot import ingest_once

    ingest_once(settings)
    text = client.get("/metrics").text
    assert "control_plane_log_lines_ingested_total 3.0" in text
    assert "control_plane_log_parse_errors_total 1.0" in text
    assert "control_plane_log_lag_bytes 0.0" in text
    assert "process_resident_memory_bytes" in text
