"""A backend release as the deploy runs it, with two real backend processes on one database:
the new one starts and waits for the engine, the old one hands it off (the ops call, or
SIGTERM alone) and stops. The sessions must not notice: no gap between ticks longer than two
tick intervals, nothing recorded or sent twice, the session still running; with a live
session, Delta's dead-man switch (fake server) is renewed throughout and never disarmed.

Ticks are seen from outside: a paper session holding a position writes its marks, and the
tick's time as `updated_at`, on every tick; the sampler below records each value it sees.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest

from control_plane.trading.expiries import expiry_on
from control_plane.trading.market import SimulatedMarket
from tests.fakes.delta_server import FakeDelta, serve_fake_delta
from tests.sessiontools import strategy_body, wait_for
from tests.test_engine_crash import environment, server

# Long enough that a loaded 2-core machine's scheduling noise stays well inside the budget of two
# ticks (at 0.5 s a gap of 1.015 s was seen at a load of 16), short enough to be quick.
TICK = 2.0
OPS_TOKEN = "hand-off-test-ops-token"
HEARTBEAT_TTL = 30.0
pytestmark = pytest.mark.slow


class TickSampler:
    """Reads the session's `updated_at` every few milliseconds in a thread; the distinct values
    are the engine's ticks (a missed one could only make a gap look longer)."""

    def __init__(self, database: Path, session_id: int) -> None:
        self.database = database
        self.session_id = session_id
        self.ticks: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        conn = sqlite3.connect(self.database, timeout=5)
        try:
            while not self._stop.wait(0.005):
                (updated,) = conn.execute(
                    "SELECT updated_at FROM trading_sessions WHERE id = ?", (self.session_id,)
                ).fetchone()
                if not self.ticks or updated != self.ticks[-1]:
                    self.ticks.append(updated)
        finally:
            conn.close()

    @contextmanager
    def running(self) -> Iterator[TickSampler]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join(timeout=5)

    def ticks_after(self, count: int) -> None:
        """Wait until `count` more ticks were seen."""
        seen = len(self.ticks)
        wait_for(lambda: len(self.ticks) >= seen + count, timeout=30)

    def longest_gap_seconds(self) -> float:
        return longest_gap([tick / 1e6 for tick in self.ticks])


def longest_gap(times: list[float]) -> float:
    return max(later - earlier for earlier, later in pairwise(times))


def upgrade(tmp_path: Path, **overrides: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "control_plane.cli", "db", "upgrade"],
        env=environment(tmp_path, **overrides),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def start_session(client: httpx.Client, body: dict[str, Any], mode: str) -> int:
    strategy = client.post("/api/strategies", json=body)
    assert strategy.status_code == 201, strategy.text
    started = client.post(
        f"/api/strategies/{strategy.json()['id']}/sessions",
        json={"enter_now": True, "mode": mode},
    )
    assert started.status_code == 201, started.text
    session_id: int = started.json()["id"]
    wait_for(lambda: client.get(f"/api/sessions/{session_id}").json()["position"], timeout=30)
    return session_id


def ops(client: httpx.Client, method: str, path: str) -> dict[str, Any]:
    response = client.request(
        method, f"/api/ops/{path}", headers={"Authorization": f"Bearer {OPS_TOKEN}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def owns_engine(client: httpx.Client) -> bool:
    return bool(ops(client, "GET", "trading-state")["engine"]["owner"])


def release(
    old: subprocess.Popen[bytes], old_client: httpx.Client, new_client: httpx.Client, how: str
) -> None:
    """The deploy's sequence once the new backend is healthy: hand-off (or SIGTERM alone), the
    new one owns the engine, the old one stops."""
    if how == "hand-off":
        handed = ops(old_client, "POST", "engine/hand-off")
        assert handed["released"] is True
        wait_for(lambda: owns_engine(new_client), timeout=30)
    old.send_signal(signal.SIGTERM)
    assert old.wait(timeout=30) is not None
    wait_for(lambda: owns_engine(new_client), timeout=30)


def assert_nothing_twice(database: Path, session_id: int) -> None:
    conn = sqlite3.connect(database)
    try:
        fills = [row[0] for row in conn.execute("SELECT client_order_id FROM trading_fills")]
        events = conn.execute(
            "SELECT event, time FROM timeline_events WHERE session_id = ?", (session_id,)
        ).fetchall()
        (status,) = conn.execute(
            "SELECT status FROM trading_sessions WHERE id = ?", (session_id,)
        ).fetchone()
    finally:
        conn.close()
    assert fills and len(fills) == len(set(fills)), fills
    assert len(events) == len(set(events)), events
    assert Counter(event for event, _ in events)["position_opened"] == 1
    assert status == "running"


@pytest.mark.parametrize("how", ["hand-off", "SIGTERM"])
def test_a_paper_session_keeps_its_ticks_through_a_backend_release(
    tmp_path: Path, how: str
) -> None:
    settings = {"ENGINE_TICK_SECONDS": str(TICK), "OPS_API_TOKEN": OPS_TOKEN}
    database = tmp_path / "data" / "db.sqlite"
    upgrade(tmp_path, **settings)
    with server(tmp_path, **settings) as (old, old_client):
        session_id = start_session(old_client, strategy_body(), "paper")
        with TickSampler(database, session_id).running() as sampler:
            sampler.ticks_after(3)
            with server(tmp_path, **settings) as (_new, new_client):
                assert not owns_engine(new_client)
                sampler.ticks_after(2)
                release(old, old_client, new_client, how)
                sampler.ticks_after(4)
                assert new_client.get(f"/api/sessions/{session_id}").json()["status"] == "running"
    gap = sampler.longest_gap_seconds()
    print(f"\nlongest tick gap through the release ({how}): {gap:.3f} s (tick {TICK} s)")
    assert gap <= 2 * TICK
    assert_nothing_twice(database, session_id)


def heartbeat_renewals(fake: FakeDelta) -> list[tuple[float, int]]:
    """(time, ttl) of each renewal Delta accepted."""
    return [
        (request.at, json.loads(request.body)["ttl"])
        for request in fake.received
        if request.method == "POST" and request.path == "/v2/heartbeat" and request.answered == 200
    ]


def test_a_live_session_keeps_delta_s_dead_man_switch_through_a_backend_release(
    tmp_path: Path,
) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    # An expiry days away (whatever the time of day the test runs), and a wide band: the fake's
    # strikes are 200 USD apart.
    body = strategy_body(strike_selection={"kind": "delta", "low": 0.03, "high": 0.3})
    fake = FakeDelta(
        market=SimulatedMarket("BTC", now, seed=5),
        expiry=expiry_on(date.fromisoformat(body["expiry_rule"])),
    )
    with serve_fake_delta(fake) as url:
        settings = {
            "ENGINE_TICK_SECONDS": str(TICK),
            "OPS_API_TOKEN": OPS_TOKEN,
            "DELTA_BASE_URL": url,
            "DELTA_API_KEY": fake.api_key,
            "DELTA_API_SECRET": fake.api_secret,
            "LIVE_TRADING_ENABLED": "true",
            "DELTA_HEARTBEAT_TTL_SECONDS": str(HEARTBEAT_TTL),
        }
        upgrade(tmp_path, **settings)
        with server(tmp_path, **settings) as (old, old_client):
            session_id = start_session(old_client, body, "live")
            with server(tmp_path, **settings) as (_new, new_client):
                assert not owns_engine(new_client)
                released_from = len(heartbeat_renewals(fake))
                release(old, old_client, new_client, "hand-off")
                wait_for(lambda: len(heartbeat_renewals(fake)) >= released_from + 4, timeout=30)
                # The new engine trades it: a panic buys the position back on Delta.
                panic = new_client.post(f"/api/sessions/{session_id}/panic")
                assert panic.status_code in (200, 202), panic.text
                wait_for(
                    lambda: (
                        new_client.get(f"/api/sessions/{session_id}").json()["status"]
                        == "panic_closed"
                    )
                )

    renewals = heartbeat_renewals(fake)
    armed = [at for at, ttl in renewals if ttl]
    gap = longest_gap(armed)
    print(f"\nlongest time between heartbeat renewals through the release: {gap:.3f} s")
    assert gap < HEARTBEAT_TTL
    assert gap <= 2 * TICK
    # Disarmed (TTL 0) only once the last live session ended, never by the hand-off.
    assert all(ttl == 0 for _, ttl in renewals[len(armed) :]), renewals
    sent = Counter(
        json.loads(request.body)["client_order_id"]
        for request in fake.received
        if request.method == "POST" and request.path == "/v2/orders"
    )
    assert len(sent) == 4 and set(sent.values()) == {1}, sent
