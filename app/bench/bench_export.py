"""Analytics export benchmark: `cd app && uv run --locked python -m bench.bench_export`.

Seeds a real SQLite file with timeline rows (one in ten a closed trade, over 90 days), runs
the app under uvicorn in a subprocess, streams `GET /api/analytics/export?format=csv&preset=all`
through it and samples the server's VmRSS from /proc while it exports. Prints rows/s and the
peak RSS increase against the 50 MB target. `--rows 100000` is a quick run.

The peer, measured in the same run on the same file: Python's own `sqlite3` cursor feeding
`csv.writer` in a process of its own, the floor for any CSV export of these rows (no HTTP,
no sign-in, no metrics); the ratio says what the API's streaming costs on top of it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.harness import Workspace

RSS_TARGET_MB = 50.0
SAMPLE_SECONDS = 0.01
ADMIN_PASSWORD = "bench export password"
EVENTS = ("position_opened", "mark", "session_started", "session_paused", "session_resumed")
DAY_US = 86_400_000_000


def say(text: str) -> None:
    print(text, flush=True)


def timeline_rows(count: int, end_us: int, seed: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    start_us = end_us - 90 * DAY_US
    step = (end_us - start_us) // max(count, 1)
    for index in range(count):
        strategy_id = 1 + index % 3
        closed = index % 10 == 9
        pnl = round(rng.gauss(2.0, 20.0), 4) if closed else None
        yield (
            start_us + index * step,
            "position_closed" if closed else EVENTS[index % len(EVENTS)],
            1 + index // 500,
            strategy_id,
            f"Bench strategy {strategy_id}",
            f"benchmark event {index} for strategy {strategy_id}",
            json.dumps({"index": index, "reason": "take_profit" if closed else None}),
            pnl,
            round(abs(rng.gauss(0.3, 0.1)), 4) if closed else None,
        )


def seed(workspace: Workspace, rows: int) -> float:
    import sqlite3

    started = time.perf_counter()
    conn = sqlite3.connect(workspace.database)
    with conn:
        conn.executemany(
            "INSERT INTO timeline_events (time, event, session_id, strategy_id, strategy_name,"
            " message, details, pnl, fees) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            timeline_rows(rows, time.time_ns() // 1000, seed=1),
        )
    conn.close()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


class RssSampler:
    """Peak VmRSS of a process, sampled every SAMPLE_SECONDS on a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = rss_kib(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kib = max(self.peak_kib, rss_kib(self.pid))

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak_kib = max(self.peak_kib, rss_kib(self.pid))


PEER_SCRIPT = """
import csv, resource, sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
rows = 0
with open("/dev/null", "w", newline="") as sink:
    writer = csv.writer(sink)
    for row in conn.execute(
        "SELECT time, event, session_id, strategy_id, strategy_name, message, details, pnl, fees"
        " FROM timeline_events ORDER BY time, id"
    ):
        writer.writerow(row)
        rows += 1
seconds = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(rows, seconds, (after - before) / 1024)
"""


def peer_export(workspace: Workspace) -> dict[str, float]:
    """The same rows through sqlite3 and csv.writer in a fresh process."""
    output = subprocess.run(
        [sys.executable, "-c", PEER_SCRIPT, str(workspace.database)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split()
    rows, seconds, increase_mb = int(output[0]), float(output[1]), float(output[2])
    return {
        "rows": rows,
        "seconds": seconds,
        "rows_per_second": rows / seconds,
        "rss_increase_mb": increase_mb,
    }


def start_server(workspace: Workspace, port: int) -> subprocess.Popen[bytes]:
    env = workspace.env(
        ADMIN_PASSWORD=ADMIN_PASSWORD,
        ENGINE_ENABLED="false",
        BACKEND_LOG_INGEST_ENABLED="false",
        ARGON2_TIME_COST="1",
        ARGON2_MEMORY_COST_KIB="8192",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "control_plane.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health").status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start within 180 s")


def export(client: httpx.Client, query: str) -> tuple[int, int]:
    """Stream the export to nowhere; (timeline rows, bytes)."""
    lines = size = 0
    with client.stream("GET", f"/api/analytics/export?format=csv&{query}") as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
    return lines, size


def run(rows: int, root: Path) -> dict[str, Any]:
    workspace = Workspace(root)
    workspace.upgrade()
    say(f"seeding {rows:,} timeline rows into {workspace.database}")
    seed_seconds = seed(workspace, rows)
    say(f"  seeded in {seed_seconds:.1f} s ({workspace.database_bytes() / 2**20:.0f} MiB)")
    port = free_port()
    server = start_server(workspace, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            token = client.post(
                "/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
            ).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            export(client, "preset=today")  # warm the code paths before the baseline
            baseline_kib = rss_kib(server.pid)
            started = time.perf_counter()
            with RssSampler(server.pid) as sampler:
                lines, size = export(client, "preset=all")
            seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    say("peer: the same rows through sqlite3 and csv.writer")
    peer = peer_export(workspace)
    increase_mb = (sampler.peak_kib - baseline_kib) / 1024
    # 3 section headers + 2 column headers + metadata and metrics rows precede the timeline.
    return {
        "rows": rows,
        "exported_lines": lines,
        "bytes": size,
        "seconds": seconds,
        "rows_per_second": rows / seconds,
        "baseline_rss_mb": baseline_kib / 1024,
        "peak_rss_mb": sampler.peak_kib / 1024,
        "rss_increase_mb": increase_mb,
        "target_mb": RSS_TARGET_MB,
        "pass": increase_mb < RSS_TARGET_MB,
        "peer": peer,
        "speed_vs_peer": (rows / seconds) / peer["rows_per_second"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_export")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        result = run(args.rows, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    say(
        f"export of {result['rows']:,} rows ({result['bytes'] / 2**20:.0f} MiB of CSV) in"
        f" {result['seconds']:.1f} s: {result['rows_per_second']:,.0f} rows/s"
    )
    say(
        f"server RSS {result['baseline_rss_mb']:.1f} MB before, peak {result['peak_rss_mb']:.1f}"
        f" MB: +{result['rss_increase_mb']:.1f} MB against a target of +{RSS_TARGET_MB:.0f} MB"
        f" -> {'pass' if result['pass'] else 'MISS'}"
    )
    peer = result["peer"]
    say(
        f"peer (sqlite3 + csv.writer, no HTTP): {peer['rows']:,} rows in {peer['seconds']:.1f} s,"
        f" {peer['rows_per_second']:,.0f} rows/s, RSS +{peer['rss_increase_mb']:.1f} MB;"
        f" the API export runs at {result['speed_vs_peer']:.2f}x the peer's speed"
    )
    say(f"cpus {os.cpu_count()}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
