"""A real server killed with SIGKILL while a session holds a position: the next start over
the same database file resumes it (the lock dies with the process)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.sessiontools import strategy_body, wait_for

PASSWORD = "crash test password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'db.sqlite'}",
        "BACKEND_LOG_PATH": str(tmp_path / "logs" / "backend.log"),
        "BACKEND_LOG_INGEST_ENABLED": "false",
        "ADMIN_PASSWORD": PASSWORD,
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST_KIB": "8192",
        "ENGINE_TICK_SECONDS": "0.1",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


@contextmanager
def server(
    tmp_path: Path, *serve_args: str, **overrides: str
) -> Iterator[tuple[subprocess.Popen[bytes], httpx.Client]]:
    """A backend process on a free port (`serve_args` added to its command line), its client
    signed in as the admin; terminated (SIGTERM) on the way out if still running."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "control_plane.cli", "serve", "--port", str(port), *serve_args],
        env=environment(tmp_path, **overrides),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)

    def answers() -> bool:
        try:
            return client.get("/api/health").status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for(answers, timeout=60, interval=0.1)
        token = client.post(
            "/api/auth/login", json={"username": "admin", "password": PASSWORD}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield process, client
    finally:
        client.close()
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@pytest.mark.slow
def test_sigkill_then_restart_resumes_the_session(tmp_path: Path) -> None:
    # The first start migrates the new database itself, as the container's does.
    with server(tmp_path, "--upgrade-db") as (process, client):
        strategy = client.post("/api/strategies", json=strategy_body()).json()
        session_id = client.post(
            f"/api/strategies/{strategy['id']}/sessions", json={"enter_now": True}
        ).json()["id"]
        before = wait_for(
            lambda: (s := client.get(f"/api/sessions/{session_id}").json())["position"] and s
        )
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    with server(tmp_path) as (_process, client):
        names = wait_for(
            lambda: (
                "session_recovered"
                in (
                    n := [
                        e["event"]
                        for e in client.get(f"/api/sessions/{session_id}/events").json()["items"]
                    ]
                )
                and n
            )
        )
        assert names.count("position_opened") == 1
        after = client.get(f"/api/sessions/{session_id}").json()
        assert after["status"] == "running"
        assert after["position"]["opened_at"] == before["position"]["opened_at"]
        # The legs as entered are kept; their marks move on.
        marked = ("mark_price", "delta", "iv")
        assert after["position"]["legs"] == [
            {**leg, **{name: after["position"]["legs"][i][name] for name in marked}}
            for i, leg in enumerate(before["position"]["legs"])
        ]
