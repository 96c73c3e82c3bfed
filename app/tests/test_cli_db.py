from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient


def run_cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    environment = {
        "PATH": "/usr/bin:/bin",
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'db.sqlite'}",
        "BACKEND_LOG_PATH": str(tmp_path / "logs" / "backend.log"),
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "control_plane.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_db_upgrade_creates_schema_with_wal_and_incremental_vacuum(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / "data" / "db.sqlite")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {
        "backend_logs",
        "backend_logs_fts",
        "log_tail_positions",
        "users",
        "strategies",
    } <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0014"


def test_production_without_secret_exits_with_one_line_naming_it(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "db",
        "upgrade",
        env={
            "APP_ENV": "production",
            "JWT_SECRET": "jwt-9f8e7d6c5b4a39281706",
            "ADMIN_PASSWORD": "pw-12345678",
        },
    )
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "LOG_INGEST_API_KEY" in result.stderr


def test_liveness(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
