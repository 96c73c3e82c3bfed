"""The edge's access log tailed beside the backend's, as source "edge", exactly once.

tests/data/caddy-2.11-access.jsonl was written by the real edge image
(delta-strangle/caddy:2.11-trixie, Caddy 2.11.2) with the Caddyfile's log block: a client's
X-Request-ID kept, one minted (the `uuid` field) when it sent none or an unsafe one, a token in
the query redacted, a 404, a 502 and a page of the SPA (no correlation id).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from control_plane.db.migrate import upgrade_to_head
from control_plane.logs.file_identity import rotated_siblings
from control_plane.logs.one_shot import ingest_once
from control_plane.logs.pipeline import LogPipeline
from control_plane.main import create_app
from control_plane.settings import Settings
from tests.conftest import make_settings
from tests.logtools import TailerProcess, append, json_line, wait_until

CAPTURED = Path(__file__).parent / "data" / "caddy-2.11-access.jsonl"


@pytest.fixture
def edge_settings(settings: Settings) -> Settings:
    settings.EDGE_ACCESS_LOG_PATH = settings.BACKEND_LOG_PATH.parent / "edge" / "access.log"
    settings.EDGE_ACCESS_LOG_PATH.parent.mkdir(parents=True)
    return settings


def captured_lines() -> list[bytes]:
    return CAPTURED.read_bytes().splitlines()


FIRST_CAPTURED = captured_lines()[0]


def edge_line(correlation_id: str) -> bytes:
    """A captured line of the real edge with another correlation id."""
    document = orjson.loads(FIRST_CAPTURED)
    document["correlation_id"] = correlation_id
    document["ts"] = time.time()
    return orjson.dumps(document)


def rows(settings: Settings, source: str) -> list[tuple]:
    conn = sqlite3.connect(settings.database_path, timeout=30)
    try:
        return conn.execute(
            "SELECT level, logger, event, message, correlation_id, payload, parse_error, ts"
            " FROM backend_logs_view WHERE source = ? ORDER BY id",
            (source,),
        ).fetchall()
    finally:
        conn.close()


def edge_row_count(settings: Settings) -> int:
    conn = sqlite3.connect(settings.database_path, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM backend_logs WHERE source = 'edge'").fetchone()[0]
    finally:
        conn.close()


def edge_ids(settings: Settings) -> Counter[str]:
    return Counter(row[4] for row in rows(settings, "edge"))


def test_captured_caddy_lines_become_edge_rows(edge_settings: Settings) -> None:
    append(edge_settings.EDGE_ACCESS_LOG_PATH, captured_lines())
    assert ingest_once(edge_settings) == 6
    found = rows(edge_settings, "edge")
    assert [(r[0], r[2], r[3], r[4]) for r in found] == [
        ("INFO", "http_access", "GET /api/strategies[REDACTED] 200 1.1 ms", "edge-fixture-1"),
        (
            "INFO",
            "http_access",
            "POST /api/logs/batch 200 0.6 ms",
            "03834cd7-63d9-4707-a88b-6ceeea37e56d",
        ),
        ("INFO", "http_access", "GET /api/x 200 0.6 ms", "c1c1146e-82b4-4e12-8bff-9924a807dd4d"),
        ("WARNING", "http_access", "GET /missing 404 0.2 ms", None),
        ("ERROR", "http_access", "GET /down/api 502 1.7 ms", "edge-fixture-5"),
        ("INFO", "http_access", "GET / 200 0.2 ms", None),
    ]
    assert {r[1] for r in found} == {"http.log.access.edge_access"}
    assert all(r[6] == 0 for r in found)
    first = orjson.loads(found[0][5])
    assert first == {
        "status": 200,
        "method": "GET",
        "uri": "/api/strategies[REDACTED]",
        "duration_ms": 1.088,
        "bytes": 27,
        "bytes_read": 0,
        "remote_ip": "172.17.0.1",
        "client_ip": "172.17.0.1",
        "host": "127.0.0.1:19000",
        "proto": "HTTP/1.1",
        "user_agent": "curl/8 test-agent",
    }
    # Caddy's own time of the request, to the microsecond.
    assert found[0][7] == 1796410191349153
    assert rows(edge_settings, "backend") == []


def test_a_line_that_is_not_an_access_line_is_kept_and_flagged(edge_settings: Settings) -> None:
    append(edge_settings.EDGE_ACCESS_LOG_PATH, [b"not json", b'{"msg": "no request"}'])
    assert ingest_once(edge_settings) == 2
    found = rows(edge_settings, "edge")
    assert [(r[3], r[6]) for r in found] == [("not json", 1), ("", 0)]


def test_both_files_are_tailed_by_one_pipeline_each_under_its_own_position(
    edge_settings: Settings,
) -> None:
    edge_settings.BACKEND_LOG_INGEST_ENABLED = True
    append(edge_settings.BACKEND_LOG_PATH, [json_line("from the backend", correlation_id="r-1")])
    append(edge_settings.EDGE_ACCESS_LOG_PATH, [edge_line("r-1")])

    async def scenario() -> None:
        owner = LogPipeline(edge_settings, lock_retry_seconds=0.05)
        waiting = LogPipeline(edge_settings, lock_retry_seconds=0.05)
        await owner.start()
        await waiting.start()
        try:
            assert owner.tailing and not waiting.tailing
            assert await asyncio.to_thread(
                wait_until, lambda: len(rows(edge_settings, "edge")) == 1
            )
            assert await asyncio.to_thread(
                wait_until, lambda: len(rows(edge_settings, "backend")) == 1
            )
            await owner.stop()
            assert await asyncio.to_thread(wait_until, lambda: waiting.tailing)
            append(edge_settings.EDGE_ACCESS_LOG_PATH, [edge_line("r-2")])
            assert await asyncio.to_thread(
                wait_until, lambda: len(rows(edge_settings, "edge")) == 2
            )
        finally:
            await owner.stop()
            await waiting.stop()

    asyncio.run(scenario())
    assert edge_ids(edge_settings) == Counter({"r-1": 1, "r-2": 1})
    conn = sqlite3.connect(edge_settings.database_path)
    streams = dict(conn.execute("SELECT stream, lines_total FROM log_tail_positions"))
    assert streams[str(edge_settings.EDGE_ACCESS_LOG_PATH)] == 2
    assert streams[str(edge_settings.BACKEND_LOG_PATH)] == 1


def roll_like_caddy(path: Path) -> Path:
    """What Caddy's roll does when the file reaches roll_size: rename it to
    <stem>-<local time>-size<ext> (the name the real edge gave), and start a new file."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S.%f")[:-3]
    rolled = path.with_name(f"{path.stem}-{stamp}-size{path.suffix}")
    path.rename(rolled)
    return rolled


class CaddyLikeWriter:
    """Writes the edge's lines from a thread through one open file, rolling it as Caddy does
    (close, rename, reopen) every `roll_every` lines; remembers every correlation id."""

    def __init__(self, path: Path, roll_every: int) -> None:
        self.path = path
        self.roll_every = roll_every
        self.ids: list[str] = []
        self.rolls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        handle = open(self.path, "ab", buffering=0)  # noqa: SIM115
        sequence = 0
        while not self._stop.is_set():
            for _ in range(10):
                sequence += 1
                correlation_id = f"edge-{sequence}"
                handle.write(edge_line(correlation_id) + b"\n")
                self.ids.append(correlation_id)
                if sequence % self.roll_every == 0:
                    handle.close()
                    roll_like_caddy(self.path)
                    self.rolls += 1
                    handle = open(self.path, "ab", buffering=0)  # noqa: SIM115
            time.sleep(0.01)
        handle.close()

    def start(self) -> CaddyLikeWriter:
        self._thread.start()
        return self

    def stop(self) -> Counter[str]:
        self._stop.set()
        self._thread.join()
        return Counter(self.ids)


@pytest.mark.slow
def test_the_edge_file_is_ingested_exactly_once_across_rolls_and_kill_minus_nine(
    edge_settings: Settings,
) -> None:
    edge_settings.BACKEND_LOG_BATCH_SIZE = 23
    rng = random.Random(20261204)
    writer = CaddyLikeWriter(edge_settings.EDGE_ACCESS_LOG_PATH, roll_every=500).start()
    for _ in range(8):
        before = edge_row_count(edge_settings)
        tailer = TailerProcess(edge_settings)
        # Killed only once it commits, at a random instant after that.
        assert wait_until(lambda b=before: edge_row_count(edge_settings) > b, timeout=30)
        time.sleep(rng.uniform(0, 0.1))
        tailer.kill()
    written = writer.stop()
    assert writer.rolls >= 2, "the writer did not roll during the test"
    assert len(rotated_siblings(edge_settings.EDGE_ACCESS_LOG_PATH)) == writer.rolls
    tailer = TailerProcess(edge_settings)
    try:
        wait_until(lambda: edge_row_count(edge_settings) >= sum(written.values()), timeout=60)
        time.sleep(0.3)
    finally:
        tailer.terminate()
    assert edge_ids(edge_settings) == written
    print(f"{sum(written.values())} edge lines over {writer.rolls} rolls and 8 kills")


def test_the_edge_file_rolled_while_stopped_is_finished_before_the_new_one(
    edge_settings: Settings,
) -> None:
    path = edge_settings.EDGE_ACCESS_LOG_PATH
    append(path, [edge_line(f"a{i}") for i in range(5)])
    assert ingest_once(edge_settings) == 5
    append(path, [edge_line(f"b{i}") for i in range(3)])
    roll_like_caddy(path)
    time.sleep(0.01)
    append(path, [edge_line(f"c{i}") for i in range(2)])
    assert ingest_once(edge_settings) == 5
    assert [r[4] for r in rows(edge_settings, "edge")] == [
        *(f"a{i}" for i in range(5)),
        *(f"b{i}" for i in range(3)),
        *(f"c{i}" for i in range(2)),
    ]


def test_the_edge_log_is_off_when_its_path_is_empty(tmp_path: Path) -> None:
    assert make_settings(tmp_path, EDGE_ACCESS_LOG_PATH="").EDGE_ACCESS_LOG_PATH is None
    with pytest.raises(ValidationError, match="EDGE_ACCESS_LOG_PATH must not be BACKEND_LOG_PATH"):
        make_settings(tmp_path, EDGE_ACCESS_LOG_PATH=str(tmp_path / "logs" / "backend.log"))


def test_metrics_carry_the_edge_file_figures_by_source(edge_settings: Settings) -> None:
    append(edge_settings.EDGE_ACCESS_LOG_PATH, captured_lines())
    ingest_once(edge_settings)
    before = edge_settings.EDGE_ACCESS_LOG_PATH.stat().st_size
    append(edge_settings.EDGE_ACCESS_LOG_PATH, [edge_line("waiting")])
    waiting = edge_settings.EDGE_ACCESS_LOG_PATH.stat().st_size - before
    with TestClient(create_app(edge_settings)) as client:
        text = client.get("/metrics").text
    assert 'control_plane_log_lines_ingested_total{source="edge"} 6.0' in text
    assert f'control_plane_log_lag_bytes{{source="edge"}} {waiting}.0' in text
    assert 'control_plane_log_lines_ingested_total{source="backend"} 0.0' in text


def test_the_health_detail_shows_the_edge_files_tail_beside_the_backends(
    edge_settings: Settings, client: TestClient, auth_headers: dict[str, str]
) -> None:
    append(edge_settings.EDGE_ACCESS_LOG_PATH, captured_lines())
    ingest_once(edge_settings)
    body = client.get("/api/health/detail", headers=auth_headers).json()
    assert body["edge_log_tail"]["lines_total"] == 6
    assert body["edge_log_tail"]["lag_bytes"] == 0
    assert body["log_tail"]["lines_total"] is None


def test_readiness_names_the_edge_tailer_when_it_stops_or_lags(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        BACKEND_LOG_INGEST_ENABLED=True,
        READY_MAX_LAG_BYTES=1000,
        EDGE_ACCESS_LOG_PATH=tmp_path / "logs" / "edge" / "access.log",
    )
    upgrade_to_head(settings)
    assert settings.EDGE_ACCESS_LOG_PATH is not None
    settings.EDGE_ACCESS_LOG_PATH.parent.mkdir(parents=True)
    with TestClient(create_app(settings)) as owner, TestClient(create_app(settings)) as other:
        assert wait_until(lambda: other.get("/api/health/ready").status_code == 200, timeout=20)
        [edge_tail] = [
            tail for tail in owner.app.state.log_pipeline.tail_services if tail.log.source == "edge"
        ]
        edge_tail.stop()
        assert owner.get("/api/health/ready").json()["reasons"] == [
            "edge log tailer is not running"
        ]
        append(settings.EDGE_ACCESS_LOG_PATH, [edge_line(f"lag-{i}") for i in range(10)])
        waiting = settings.EDGE_ACCESS_LOG_PATH.stat().st_size
        assert other.get("/api/health/ready").json()["reasons"] == [
            f"edge log tailer lags {waiting} bytes"
        ]


@pytest.mark.parametrize(
    ("method", "uri", "status", "level"),
    [
        ("GET", "/api/logs", 200, "DEBUG"),
        ("GET", "/api/logs[REDACTED]", 200, "DEBUG"),
        ("GET", "/api/logs/42/context", 200, "DEBUG"),
        ("GET", "/api/logs/download", 500, "ERROR"),
        ("POST", "/api/logs/batch", 200, "INFO"),
        ("GET", "/api/logsmith", 200, "INFO"),
        ("GET", "/api/health", 200, "INFO"),
    ],
)
def test_the_viewers_own_reads_are_stored_at_debug(
    edge_settings: Settings, method: str, uri: str, status: int, level: str
) -> None:
    document = orjson.loads(FIRST_CAPTURED)
    document["request"] = {**document["request"], "method": method, "uri": uri}
    document["status"] = status
    append(edge_settings.EDGE_ACCESS_LOG_PATH, [orjson.dumps(document)])
    ingest_once(edge_settings)
    assert rows(edge_settings, "edge")[-1][0] == level
