from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from control_plane.api import health
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
        client.app.state.log_pipeline.tail_services[0].stop()
        response = client.get("/api/health/ready")
    assert response.status_code == 503
    reasons = " | ".join(response.json()["reasons"])
    assert "migrations not at head" in reasons
    assert "free" in reasons
    assert "backend log tailer is not running" in reasons


def test_metrics_expose_tailer_figures(client: TestClient, settings: Settings) -> None:
    settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    append(settings.BACKEND_LOG_PATH, [json_line("a"), "not json", json_line("b")])
    from control_plane.logs.one_shot import ingest_once

    ingest_once(settings)
    text = client.get("/metrics").text
    assert 'control_plane_log_lines_ingested_total{source="backend"} 3.0' in text
    assert 'control_plane_log_parse_errors_total{source="backend"} 1.0' in text
    assert 'control_plane_log_lag_bytes{source="backend"} 0.0' in text
    assert "process_resident_memory_bytes" in text


def test_tailer_lag_is_read_from_the_file_not_the_last_commit(tmp_path: Path) -> None:
    """The owner stops committing (a full disk did that): another worker still sees the lines
    pile up in the file and stops being ready."""
    settings = make_settings(tmp_path, BACKEND_LOG_INGEST_ENABLED=True, READY_MAX_LAG_BYTES=1000)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as owner, TestClient(create_app(settings)) as other:
        assert wait_until(lambda: other.get("/api/health/ready").status_code == 200, timeout=20)
        owner.app.state.log_pipeline.tail_services[0].stop()
        settings.BACKEND_LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
        append(settings.BACKEND_LOG_PATH, [json_line(f"waiting {i}") for i in range(100)])
        response = other.get("/api/health/ready")
        waiting = settings.BACKEND_LOG_PATH.stat().st_size
        assert response.status_code == 503
        assert f"backend log tailer lags {waiting} bytes" in response.json()["reasons"]
        assert (
            f'control_plane_log_lag_bytes{{source="backend"}} {waiting}.0'
            in other.get("/metrics").text
        )


def test_database_not_writable_when_the_data_volume_cannot_take_a_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction that writes nothing succeeds on a full disk; claiming space does not."""
    settings = make_settings(tmp_path)
    upgrade_to_head(settings)
    more_than_free = shutil.disk_usage(settings.data_dir).free + 2**30
    monkeypatch.setattr(health, "WRITE_PROBE_BYTES", more_than_free)
    with TestClient(create_app(settings)) as client:
        reasons = client.get("/api/health/ready").json()["reasons"]
    [problem] = [reason for reason in reasons if reason.startswith("database not writable")]
    assert f"cannot claim {more_than_free} bytes in {settings.data_dir}" in problem
    assert not list(settings.data_dir.glob(".ready-probe-*"))


def test_a_readiness_check_logs_one_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    client.get("/api/health/ready")
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        client.get("/api/health/ready")
    server_side = [record for record in caplog.records if not record.name.startswith("httpx")]
    assert [record.getMessage() for record in server_side] == ["GET /api/health/ready 200"]


def test_health_detail_needs_a_signed_in_user(client: TestClient) -> None:
    assert client.get("/api/health/detail").status_code == 401


def test_health_detail_reports_process_container_disks_engine_tail_and_backups(
    client: TestClient, settings: Settings, auth_headers: dict[str, str]
) -> None:
    backups = settings.data_dir / "backups"
    backups.mkdir(parents=True, exist_ok=True)
    old = time.time() - 3600
    for name, written in (
        ("older.db", old - 100),
        ("newest.db", old),
        ("x-replaced-by-restore.db", time.time()),
    ):
        (backups / name).write_bytes(b"")
        os.utime(backups / name, (written, written))
    first = client.get("/api/health/detail", headers=auth_headers).json()
    time.sleep(1.1)
    body = client.get("/api/health/detail", headers=auth_headers).json()
    assert body["status"] == first["status"] == "ready"
    process = body["process"]
    assert process["memory_rss_bytes"] > 1_000_000 and process["threads"] >= 1
    assert process["open_files"] >= process["open_sockets"] >= 0
    assert first["process"]["cpu_percent"] is None and process["cpu_percent"] >= 0
    assert process["cpu_seconds"] >= first["process"]["cpu_seconds"] > 0
    assert {disk["name"] for disk in body["disks"]} == {"data", "logs"}
    for disk in body["disks"]:
        assert 0 < disk["free_bytes"] <= disk["total_bytes"]
        assert 0 < disk["used_bytes"] <= disk["total_bytes"] - disk["free_bytes"]
    assert body["engine"]["tick_seconds"] == settings.ENGINE_TICK_SECONDS
    assert body["exchange"] == {
        "live_trading_enabled": False,
        "heartbeat_armed": False,
        "heartbeat_renewed_at": None,
        "heartbeat_age_seconds": None,
        "heartbeat_ttl_seconds": settings.DELTA_HEARTBEAT_TTL_SECONDS,
        "reachable": None,
        "last_error": None,
    }
    assert 3600 <= body["backups"]["local_age_seconds"] < 3660
    assert body["backups"]["offsite_age_seconds"] is None
    assert set(body["log_tail"]) == {
        "owner",
        "wakes_on_change",
        "lag_bytes",
        "lines_total",
        "parse_errors_total",
        "last_ingest_at",
        "reported_at",
    }
    assert body["edge_log_tail"] is None


def test_deployments_newest_first_counting_lines_that_are_not_records(
    client: TestClient, settings: Settings, auth_headers: dict[str, str]
) -> None:
    assert client.get("/api/health/deployments").status_code == 401
    empty = client.get("/api/health/deployments", headers=auth_headers).json()
    assert empty == {"records": [], "unreadable_lines": 0}
    lines = [
        json.dumps(
            {
                "time": f"2026-12-0{day}T10:00:00Z",
                "operator": "ops",
                "from_sha": "a" * 40,
                "to_sha": "b" * 40,
                "result": result,
                "duration_seconds": "61.5",
                "detail": "",
                "trading_gate": None,
                "rollout": None,
            }
        )
        for day, result in ((1, "deployed"), (2, "rolled_back"), (3, "deployed"))
    ]
    lines.insert(1, '{"time": "2026-12-01T11:00:00Z"')  # cut short
    (settings.data_dir / "deployments.jsonl").write_text("\n".join(lines) + "\n")
    body = client.get("/api/health/deployments?limit=2", headers=auth_headers).json()
    assert [(r["time"][:10], r["result"]) for r in body["records"]] == [
        ("2026-12-03", "deployed"),
        ("2026-12-02", "rolled_back"),
    ]
    assert body["records"][0]["duration_seconds"] == 61.5
    assert body["unreadable_lines"] == 1
    too_many = client.get("/api/health/deployments?limit=201", headers=auth_headers)
    assert too_many.status_code == 422


def test_metrics_carry_readiness_trading_and_request_figures(
    client: TestClient, auth_headers: dict[str, str]
) -> None:
    assert client.get("/api/sessions/999", headers=auth_headers).status_code == 404
    client.get("/no/such/path")
    text = client.get("/metrics").text
    route = 'method="GET",route="/api/sessions/{session_id}"'
    assert f'control_plane_http_request_duration_seconds_count{{code="404",{route}}} 1.0' in text
    # A path no route took is one label value, whatever the path was.
    assert 'route="unmatched"' in text
    assert "/no/such/path" not in text
    assert 'control_plane_trading_sessions{mode="paper",state="running"} 0.0' in text
    assert 'control_plane_trading_open_positions{mode="live"} 0.0' in text
    assert "control_plane_kill_switch_tripped 0.0" in text
    assert "control_plane_ready 1.0" in text
    assert 'control_plane_volume_free_bytes{volume="logs"}' in text
    assert 'control_plane_exchange_orders_total{outcome="refused"} 0.0' in text


def test_unreadable_migration_state_is_one_reason_not_two(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    upgrade_to_head(settings)
    with TestClient(create_app(settings)) as client:
        conn = sqlite3.connect(settings.database_path)
        conn.executescript(
            "ALTER TABLE alembic_version RENAME TO alembic_version_kept;"
            " CREATE VIEW alembic_version AS SELECT abs(-9223372036854775808) AS version_num;"
        )
        conn.close()
        reasons = client.get("/api/health/ready").json()["reasons"]
    assert [r for r in reasons if "migration" in r] == [
        "migration state unreadable: integer overflow"
    ]
