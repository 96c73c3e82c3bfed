"""Log pipeline benchmark: `cd app && uv run --locked python -m bench.bench_logs`.

Sections: throughput against sqlite-utils, write-to-queryable latency, query latency over
millions of rows with database size, retention under ingestion, and a kill -9 soak.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.harness import (
    ArrivalPoller,
    PacedWriter,
    Workspace,
    percentile,
    timed_cli,
    timed_command,
)
from bench.log_corpus import EVENTS, WORDS_TO_SEARCH, write_corpus

# Issue 20: the longest write-to-queryable latency of a line written during the prune, and the
# WAL's soft limit (db.sqlite.JOURNAL_SIZE_LIMIT_BYTES) while a viewer queries back to back.
RETENTION_STALL_TARGET_MS = 250
WAL_SOFT_LIMIT_BYTES = 64 * 1024 * 1024
TIMINGS = re.compile(r"ingest_seconds=([\d.]+) full_text_trail_seconds=([\d.]+)")


def say(text: str) -> None:
    print(text, flush=True)


def ingest_with_timings(workspace: Workspace) -> dict[str, float]:
    run = timed_cli(workspace, "logs", "ingest", "--once", "--timings")
    rows = int(run.stdout.strip().splitlines()[-1])
    match = TIMINGS.search(run.stderr)
    assert match, run.stderr
    ingest_seconds, trail = float(match.group(1)), float(match.group(2))
    return {
        "rows": rows,
        "ingest_seconds": ingest_seconds,
        "lines_per_second": rows / ingest_seconds,
        "full_text_trail_seconds": trail,
        "process_wall_seconds": run.wall_seconds,
        "process_cpu_seconds": run.cpu_seconds,
    }


def peer_schema(production_db: Path) -> list[str]:
    """The production backend_logs table and its indexes, with a default for ingested_at
    (sqlite-utils cannot fill it)."""
    conn = sqlite3.connect(production_db)
    statements = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'backend_logs' AND sql IS NOT NULL"
            " ORDER BY type DESC"
        )
    ]
    conn.close()
    return [
        s.replace("ingested_at INTEGER NOT NULL", "ingested_at INTEGER NOT NULL DEFAULT 0")
        for s in statements
    ]


def section_throughput(root: Path, lines: int) -> dict[str, Any]:
    workspace = Workspace(root / "throughput")
    say(f"[throughput] writing {lines:,} lines")
    # About 90 lines a second over three hours: a busy trading session.
    raw_bytes = write_corpus(
        workspace.log_path,
        lines,
        start=datetime.now(UTC) - timedelta(hours=4),
        span=timedelta(hours=3),
    )
    workspace.upgrade()
    say("[throughput] control-plane logs ingest --once")
    ours = ingest_with_timings(workspace)
    say(
        f"  ours: {ours['lines_per_second']:,.0f} lines/s"
        f" ({ours['ingest_seconds']:.1f} s; FTS trailed by {ours['full_text_trail_seconds']:.2f} s;"
        f" process CPU {ours['process_cpu_seconds']:.1f} s)"
    )
    peer_db = root / "throughput" / "peer.db"
    conn = sqlite3.connect(peer_db)
    conn.execute("PRAGMA journal_mode=WAL")
    for statement in peer_schema(workspace.database):
        conn.execute(statement)
    conn.commit()
    conn.close()
    say("[throughput] sqlite-utils insert --nl into the same indexed table")
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    peer_run = timed_command(
        [
            str(sqlite_utils),
            "insert",
            str(peer_db),
            "backend_logs",
            str(workspace.log_path),
            "--nl",
            "--alter",
        ]
    )
    peer_rate = lines / peer_run.wall_seconds
    ratio = ours["lines_per_second"] / peer_rate
    say(f"  sqlite-utils: {peer_rate:,.0f} lines/s ({peer_run.wall_seconds:.1f} s)")
    say(f"  ratio ours/sqlite-utils: {ratio:.2f}x")
    return {
        "lines": lines,
        "raw_bytes": raw_bytes,
        "ours": ours,
        "sqlite_utils_seconds": peer_run.wall_seconds,
        "sqlite_utils_lines_per_second": peer_rate,
        "ratio": ratio,
    }


def section_latency(root: Path, rate: int, seconds: float) -> dict[str, Any]:
    workspace = Workspace(root / "latency")
    workspace.log_path.parent.mkdir(parents=True, exist_ok=True)
    workspace.log_path.touch()
    workspace.upgrade()
    follower = workspace.start_follower()
    time.sleep(1.0)
    say(f"[latency] {rate} lines/s for {seconds:.0f} s into a running tailer")
    writer = PacedWriter(workspace.log_path, rate, seconds)
    poller = ArrivalPoller(workspace.database, writer).start()
    writer.start()
    writer.join()
    expected = int(rate * seconds)
    deadline = time.monotonic() + 30
    while len(poller.latencies) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    poller.stop()
    follower.send_signal(signal.SIGTERM)
    follower.wait(timeout=30)
    values = list(poller.latencies.values())
    result = {
        "rate": rate,
        "seconds": seconds,
        "lines": expected,
        "arrived": len(values),
        "duplicates": poller.duplicates,
        "p50_ms": percentile(values, 0.50) * 1000,
        "p99_ms": percentile(values, 0.99) * 1000,
        "max_ms": max(values) * 1000 if values else float("nan"),
    }
    say(
        f"  arrived {result['arrived']}/{expected}, p50 {result['p50_ms']:.1f} ms,"
        f" p99 {result['p99_ms']:.1f} ms, max {result['max_ms']:.1f} ms"
    )
    return result


def timed_requests(client: Any, headers: dict[str, str], params_list: list[dict]) -> list[float]:
    durations = []
    for params in params_list:
        started = time.perf_counter()
        response = client.get("/api/logs", params={**params, "limit": 100}, headers=headers)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return durations


def section_queries(root: Path, rows: int, samples: int) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from control_plane.main import create_app
    from control_plane.settings import Settings

    workspace = Workspace(root / "queries")
    now = datetime.now(UTC)
    start = now - timedelta(days=7) + timedelta(hours=1)
    span = timedelta(days=7) - timedelta(hours=2)
    say(f"[queries] writing {rows:,} lines over 7 days")
    raw_bytes = write_corpus(workspace.log_path, rows, start=start, span=span, seed=11)
    workspace.upgrade()
    say("[queries] ingesting them with logs ingest --once")
    ingest = ingest_with_timings(workspace)
    say(
        f"  {ingest['lines_per_second']:,.0f} lines/s; FTS trailed by"
        f" {ingest['full_text_trail_seconds']:.2f} s"
    )
    conn = sqlite3.connect(workspace.database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db_bytes = workspace.database_bytes()
    rng = random.Random(3)
    max_id = conn.execute("SELECT max(id) FROM backend_logs").fetchone()[0]
    correlation_ids = [
        conn.execute(
            "SELECT correlation_id FROM backend_logs WHERE id = ?", (rng.randint(1, max_id),)
        ).fetchone()[0]
        for _ in range(samples)
    ]
    conn.close()
    settings = Settings(
        APP_ENV="test",
        DATABASE_URL=f"sqlite+aiosqlite:///{workspace.database}",
        BACKEND_LOG_PATH=workspace.log_path,
        BACKEND_LOG_INGEST_ENABLED=False,
        ADMIN_PASSWORD="bench-password-1",
        JWT_SECRET="bench-secret-0123456789abcdef0123456789",
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST_KIB=8192,
    )

    def hour_window() -> dict[str, str]:
        begin = start + timedelta(seconds=rng.uniform(0, span.total_seconds() - 3600))
        return {"start": begin.isoformat(), "end": (begin + timedelta(hours=1)).isoformat()}

    filters = {
        "none (newest page)": [{} for _ in range(samples)],
        "level": [{"level": rng.choice(["ERROR", "WARNING", "DEBUG"])} for _ in range(samples)],
        "event": [{"event": rng.choice(EVENTS)[0]} for _ in range(samples)],
        "correlation_id": [{"correlation_id": cid} for cid in correlation_ids],
        "one-hour range": [hour_window() for _ in range(samples)],
        "text": [{"q": rng.choice(WORDS_TO_SEARCH)} for _ in range(samples)],
    }
    results: dict[str, Any] = {}
    with TestClient(create_app(settings)) as client:
        token = client.post(
            "/api/auth/login", json={"username": "admin", "password": "bench-password-1"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        timed_requests(client, headers, [{}] * 3)
        for name, params_list in filters.items():
            durations = timed_requests(client, headers, params_list)
            results[name] = {
                "p50_ms": percentile(durations, 0.5) * 1000,
                "p95_ms": percentile(durations, 0.95) * 1000,
            }
            say(
                f"  {name:20s} p50 {results[name]['p50_ms']:7.1f} ms"
                f"  p95 {results[name]['p95_ms']:7.1f} ms"
            )
    ratio = db_bytes / raw_bytes
    say(f"  database {db_bytes / 1e6:,.0f} MB for {raw_bytes / 1e6:,.0f} MB raw: {ratio:.2f}x")
    return {
        "rows": rows,
        "ingest": ingest,
        "raw_bytes": raw_bytes,
        "database_bytes": db_bytes,
        "size_ratio": ratio,
        "filters": results,
        "samples_per_filter": samples,
    }


def section_retention(root: Path, expired: int, rate: int) -> dict[str, Any]:
    workspace = Workspace(root / "retention")
    say(f"[retention] writing and ingesting {expired:,} lines that are 10-12 days old")
    write_corpus(
        workspace.log_path,
        expired,
        start=datetime.now(UTC) - timedelta(days=12),
        span=timedelta(days=2),
        seed=5,
    )
    workspace.upgrade()
    ingest_with_timings(workspace)
    follower = workspace.start_follower()
    time.sleep(1.0)
    wal = Path(f"{workspace.database}-wal")
    wal_sizes: list[int] = []
    stop = threading.Event()
    viewer_queries = 0

    def sample_wal() -> None:
        while not stop.is_set():
            wal_sizes.append(wal.stat().st_size if wal.exists() else 0)
            time.sleep(0.05)

    def viewer() -> None:
        nonlocal viewer_queries
        conn = sqlite3.connect(f"file:{workspace.database}?mode=ro", uri=True)
        while not stop.is_set():
            conn.execute("SELECT level, count(*) FROM backend_logs GROUP BY level").fetchall()
            conn.execute(
                "SELECT id FROM backend_logs ORDER BY ts DESC, id DESC LIMIT 100"
            ).fetchall()
            viewer_queries += 1
        conn.close()

    threads = [threading.Thread(target=sample_wal), threading.Thread(target=viewer)]
    for thread in threads:
        thread.start()
    writer_seconds = 600.0
    writer = PacedWriter(workspace.log_path, rate, writer_seconds)
    poller = ArrivalPoller(workspace.database, writer).start()
    writer.start()
    time.sleep(3.0)
    say("[retention] logs prune while ingesting 2000 lines/s and a viewer keeps querying")
    prune_started = time.time()
    prune = timed_cli(workspace, "logs", "prune")
    prune_ended = time.time()
    time.sleep(3.0)
    writer.stop()
    time.sleep(2.0)
    stop.set()
    for thread in threads:
        thread.join()
    poller.stop()
    follower.send_signal(signal.SIGTERM)
    follower.wait(timeout=30)
    during = [
        latency
        for number, latency in poller.latencies.items()
        if prune_started <= writer.written_at[number] <= prune_ended
    ]
    deleted = int(re.search(r"deleted (\d+) rows", prune.stdout).group(1))  # type: ignore[union-attr]
    result = {
        "expired_rows": expired,
        "deleted_rows": deleted,
        "prune_seconds": prune.wall_seconds,
        "longest_stall_ms": max(during) * 1000 if during else float("nan"),
        "p99_during_prune_ms": percentile(during, 0.99) * 1000,
        "lines_during_prune": len(during),
        "wal_max_bytes": max(wal_sizes) if wal_sizes else 0,
        "viewer_queries": viewer_queries,
        "probe_duplicates": poller.duplicates,
    }
    say(
        f"  deleted {deleted:,} rows in {prune.wall_seconds:.1f} s with"
        f" {viewer_queries} viewer queries running"
    )
    say(
        f"  longest write-to-queryable during prune {result['longest_stall_ms']:.0f} ms"
        f" (p99 {result['p99_during_prune_ms']:.0f} ms); target {RETENTION_STALL_TARGET_MS} ms:"
        f" {verdict(result['longest_stall_ms'] <= RETENTION_STALL_TARGET_MS)}"
    )
    say(
        f"  WAL peaked at {result['wal_max_bytes'] / 2**20:.1f} MiB; soft limit"
        f" {WAL_SOFT_LIMIT_BYTES / 2**20:.0f} MiB:"
        f" {verdict(result['wal_max_bytes'] <= WAL_SOFT_LIMIT_BYTES)}"
    )
    return result


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def section_kill_soak(root: Path, trials: int) -> dict[str, Any]:
    workspace = Workspace(root / "soak")
    workspace.log_path.parent.mkdir(parents=True, exist_ok=True)
    workspace.upgrade()
    rng = random.Random(99)
    written: Counter[str] = Counter()
    stop = threading.Event()

    def write() -> None:
        sequence = 0
        with open(workspace.log_path, "ab", buffering=0) as handle:
            while not stop.is_set():
                lines = []
                for _ in range(20):
                    sequence += 1
                    message = "soak-identical" if sequence % 7 == 0 else f"soak-{sequence}"
                    lines.append(json.dumps({"level": "INFO", "message": message}))
                    written[message] += 1
                handle.write(("\n".join(lines) + "\n").encode())
                time.sleep(0.002)

    def count() -> int:
        conn = sqlite3.connect(workspace.database, timeout=30)
        try:
            return conn.execute("SELECT count(*) FROM backend_logs").fetchone()[0]
        finally:
            conn.close()

    say(f"[soak] {trials} kill -9 trials under sustained writes")
    writer = threading.Thread(target=write)
    writer.start()
    for _ in range(trials):
        before = count()
        follower = workspace.start_follower()
        deadline = time.monotonic() + 30
        while count() <= before and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.1))
        follower.send_signal(signal.SIGKILL)
        follower.wait()
    stop.set()
    writer.join()
    follower = workspace.start_follower()
    expected = sum(written.values())
    deadline = time.monotonic() + 120
    while count() < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    follower.send_signal(signal.SIGTERM)
    follower.wait(timeout=30)
    conn = sqlite3.connect(workspace.database)
    ingested = Counter(row[0] for row in conn.execute("SELECT message FROM backend_logs"))
    conn.close()
    missing = sum((written - ingested).values())
    extra = sum((ingested - written).values())
    say(f"  {expected:,} lines written, {missing} missing, {extra} duplicated")
    return {"trials": trials, "lines": expected, "missing": missing, "duplicated": extra}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_logs")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--query-rows", type=int, default=5_000_000)
    parser.add_argument("--expired-rows", type=int, default=1_000_000)
    parser.add_argument("--latency-seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--query-samples", type=int, default=40)
    parser.add_argument("--soak-trials", type=int, default=200)
    parser.add_argument(
        "--sections",
        default="throughput,latency,queries,retention,soak",
        help="comma-separated subset to run",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-logs-"))
    sections = set(args.sections.split(","))
    results: dict[str, Any] = {"cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version}
    started = time.perf_counter()
    try:
        if "throughput" in sections:
            results["throughput"] = section_throughput(root, args.lines)
        if "latency" in sections:
            results["latency"] = section_latency(root, args.rate, args.latency_seconds)
        if "queries" in sections:
            results["queries"] = section_queries(root, args.query_rows, args.query_samples)
        if "retention" in sections:
            results["retention"] = section_retention(root, args.expired_rows, args.rate)
        if "soak" in sections:
            results["soak"] = section_kill_soak(root, args.soak_trials)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    results["total_seconds"] = time.perf_counter() - started
    say(f"total {results['total_seconds']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
