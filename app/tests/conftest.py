from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from control_plane.db.migrate import upgrade_to_head
from control_plane.main import create_app
from control_plane.settings import Settings


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'delta_trader.db'}",
        "BACKEND_LOG_PATH": tmp_path / "logs" / "backend.log",
        "BACKEND_LOG_POLL_INTERVAL": 0.05,
        "JWT_SECRET": "test-jwt-secret-0123456789abcdef0123456789",
        "LOG_INGEST_API_KEY": "test-ingest-key",
        "ADMIN_USERNAME": "admin",
        "ADMIN_PASSWORD": "correct horse battery staple",
        "BACKEND_LOG_INGEST_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST_KIB": 8192,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path)
    upgrade_to_head(settings)
    return settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def auth_headers(client: TestClient, settings: Settings) -> dict[str, str]:
    return login(client, settings.ADMIN_USERNAME, settings.ADMIN_PASSWORD)
