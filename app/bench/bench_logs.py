"""Log pipeline benchmark: `cd app && uv run --locked python -m bench.bench_logs`.

Sections: throughput (lines per CPU-second of ours, today's code, a bare probe and
sqlite-utils), write-to-queryable latency, query latency over
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
import subprocess
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
PRUNE_HELD = re.compile(
    r"longest delete transaction (\d+) ms \(its commit alone up to (\d+) ms\);"
    r" waited ([\d.]+) s for the WAL"
)
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
    (sqlite-utils cannot fill it) and the correlation id as text with a (correlation_id, ts)
    index (sqlite-utils cannot intern it)."""
    conn = sqlite3.connect(production_db)
    statements = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'backend_logs' AND type != 'view'"
            " AND sql IS NOT NULL ORDER BY type DESC"
        )
    ]
    conn.close()
    return [
        s.replace("ingested_at INTEGER NOT NULL", "ingested_at INTEGER NOT NULL DEFAULT 0")
        .replace("correlation INTEGER", "correlation_id TEXT")
        .replace("(correlation, ts)", "(correlation_id, ts)")
        for s in statements
    ]


BASELINE_REF = "8557524"
# The tailer's default batch (BACKEND_LOG_BATCH_SIZE), so the probe commits as often.
BATCH_SIZE = 20_000
REPO_ROOT = Path(__file__).resolve().parents[2]
TARGET_VS_TODAY = 1.5


def baseline_source(root: Path, ref: str) -> Path:
    """Today's code (`ref`) beside this tree: its app/src, run with this tree's environment."""
    target = root / f"baseline-{ref}"
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", ref, "app/src"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target / "app" / "src"


def checkpointed_bytes(database: Path) -> int:
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return database.stat().st_size


def natural_lookup(database: Path) -> dict[str, Any]:
    """A correlation id typed the natural way in the sqlite3 shell: its plan and median time.
    Through backend_logs_view where the schema has it, else on the table (today's schema)."""
    conn = sqlite3.connect(database)
    has_view = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = 'backend_logs_view'"
    ).fetchone()
    table = "backend_logs_view" if has_view else "backend_logs"
    sql = f"SELECT * FROM {table} WHERE correlation_id = ? ORDER BY ts"
    (middle,) = conn.execute(
        f"SELECT correlation_id FROM {table} WHERE id = (SELECT max(id) / 2 FROM backend_logs)"
    ).fetchone()
    steps = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", (middle,))]
    times = []
    for _ in range(5):
        started = time.perf_counter()
        found = conn.execute(sql, (middle,)).fetchall()
        times.append(time.perf_counter() - started)
    conn.close()
    return {"sql": sql, "plan": steps, "rows": len(found), "median_ms": 1000 * sorted(times)[2]}


def ingest_run(root: Path, name: str, corpus: Path, **env: str) -> dict[str, Any]:
    """`logs ingest --once --timings` into a fresh database of the code under `env`."""
    workspace = Workspace(root / name)
    workspace.log_path.parent.mkdir(parents=True)
    os.link(corpus, workspace.log_path)
    workspace.cli("db", "upgrade", **env)
    run = timed_cli(workspace, "logs", "ingest", "--once", "--timings", **env)
    rows = int(run.stdout.strip().splitlines()[-1])
    match = TIMINGS.search(run.stderr)
    assert match, run.stderr
    result = {
        "rows": rows,
        "ingest_seconds": float(match.group(1)),
        "full_text_trail_seconds": float(match.group(2)),
        "process_wall_seconds": run.wall_seconds,
        "process_cpu_seconds": run.cpu_seconds,
        "lines_per_second": rows / float(match.group(1)),
        "lines_per_cpu_second": rows / run.cpu_seconds,
        "database_bytes": checkpointed_bytes(workspace.database),
        "natural_lookup": natural_lookup(workspace.database),
    }
    shutil.rmtree(workspace.root)
    return result


def probe_run(root: Path, name: str, corpus: Path, lines: int, **env: str) -> dict[str, Any]:
    """The bare probe (bench.bare_probe) into a fresh database of that code's schema."""
    workspace = Workspace(root / name)
    workspace.cli("db", "upgrade", **env)
    run = timed_command(
        [
            sys.executable,
            "-m",
            "bench.bare_probe",
            str(workspace.database),
            str(corpus),
            str(BATCH_SIZE),
        ]
    )
    assert int(run.stdout.strip()) == lines, run.stdout
    shutil.rmtree(workspace.root)
    return {
        "process_wall_seconds": run.wall_seconds,
        "process_cpu_seconds": run.cpu_seconds,
        "lines_per_cpu_second": lines / run.cpu_seconds,
    }


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the most lines per CPU-second (the least disturbed by other load)."""
    return max(runs, key=lambda run: run["lines_per_cpu_second"])


def section_throughput(
    root: Path, lines: int, baseline_ref: str = BASELINE_REF, repeats: int = 2
) -> dict[str, Any]:
    """Ours, today's code and the bare probe on each schema alternate, `repeats` times each, so
    they share the machine's load; sqlite-utils runs once (it takes about 100 s)."""
    base = root / "throughput"
    base.mkdir(parents=True)
    corpus = base / "corpus.jsonl"
    say(f"[throughput] writing {lines:,} lines")
    # About 90 lines a second over three hours: a busy trading session.
    raw_bytes = write_corpus(
        corpus, lines, start=datetime.now(UTC) - timedelta(hours=4), span=timedelta(hours=3)
    )
    baseline_env = {"PYTHONPATH": str(baseline_source(base, baseline_ref))}
    runs: dict[str, list[dict[str, Any]]] = {
        "ours": [],
        "today": [],
        "probe": [],
        "probe_today": [],
    }
    say(f"  load before: {os.getloadavg()[0]:.2f} (1-minute average)")
    for trial in range(repeats):
        say(f"[throughput] trial {trial + 1}/{repeats}: ours, today's code, bare probes")
        runs["ours"].append(ingest_run(base, f"ours-{trial}", corpus))
        runs["today"].append(ingest_run(base, f"today-{trial}", corpus, **baseline_env))
        runs["probe"].append(probe_run(base, f"probe-{trial}", corpus, lines))
        runs["probe_today"].append(
            probe_run(base, f"probe-today-{trial}", corpus, lines, **baseline_env)
        )
    ours, today = best(runs["ours"]), best(runs["today"])
    probe, probe_today = best(runs["probe"]), best(runs["probe_today"])
    peer_db = base / "peer.db"
    conn = sqlite3.connect(peer_db)
    conn.execute("PRAGMA journal_mode=WAL")
    schema_source = Workspace(base / "schema")
    schema_source.upgrade()
    for statement in peer_schema(schema_source.database):
        conn.execute(statement)
    conn.commit()
    conn.close()
    say("[throughput] sqlite-utils insert --nl into the same indexed table")
    sqlite_utils = Path(sys.executable).with_name("sqlite-utils")
    peer_run = timed_command(
        [str(sqlite_utils), "insert", str(peer_db), "backend_logs", str(corpus), "--nl", "--alter"]
    )
    peer = {
        "process_wall_seconds": peer_run.wall_seconds,
        "process_cpu_seconds": peer_run.cpu_seconds,
        "lines_per_second": lines / peer_run.wall_seconds,
        "lines_per_cpu_second": lines / peer_run.cpu_seconds,
    }
    load_after = os.getloadavg()[0]
    ratios = {
        "ours_vs_today": ours["lines_per_cpu_second"] / today["lines_per_cpu_second"],
        "ours_vs_probe": ours["lines_per_cpu_second"] / probe["lines_per_cpu_second"],
        "today_vs_its_probe": today["lines_per_cpu_second"] / probe_today["lines_per_cpu_second"],
        "ours_vs_sqlite_utils": ours["lines_per_cpu_second"] / peer["lines_per_cpu_second"],
        "database_ours_vs_today": ours["database_bytes"] / today["database_bytes"],
    }
    say(f"  lines per CPU-second, best of {repeats} (load after: {load_after:.2f}):")
    for label, figures in (
        ("ours (this tree)", ours),
        (f"today's code ({baseline_ref})", today),
        ("bare probe, this schema", probe),
        ("bare probe, today's schema", probe_today),
        ("sqlite-utils", peer),
    ):
        say(
            f"    {label:<30} {figures['lines_per_cpu_second']:>9,.0f}"
            f"  (CPU {figures['process_cpu_seconds']:.1f} s,"
            f" wall {figures['process_wall_seconds']:.1f} s)"
        )
    verdict = "met" if ratios["ours_vs_today"] >= TARGET_VS_TODAY else "NOT met"
    say(
        f"  ours / today's code: {ratios['ours_vs_today']:.2f}x"
        f" (target >= {TARGET_VS_TODAY}x: {verdict})"
    )
    say(f"  ours / bare probe (this schema): {ratios['ours_vs_probe']:.2f}x")
    say(f"  today's code / bare probe (its schema): {ratios['today_vs_its_probe']:.2f}x")
    say(f"  ours / sqlite-utils: {ratios['ours_vs_sqlite_utils']:.2f}x")
    say(
        f"  database after ingest: ours {ours['database_bytes'] / 1e6:.1f} MB,"
        f" today's {today['database_bytes'] / 1e6:.1f} MB"
        f" ({ratios['database_ours_vs_today']:.2f}x)"
    )
    for label, figures in (("ours", ours), ("today's code", today)):
        lookup = figures["natural_lookup"]
        say(
            f"  natural correlation lookup, {label}: {lookup['median_ms']:.2f} ms"
            f" for {lookup['rows']} rows; {lookup['sql']}; plan: {' / '.join(lookup['plan'])}"
        )
    say("  (no seed application tailer is in this repository: no figure for it)")
    return {
        "lines": lines,
        "raw_bytes": raw_bytes,
        "baseline_ref": baseline_ref,
        "runs": runs,
        "ours": ours,
        "today": today,
        "probe": probe,
        "probe_today": probe_today,
        "sqlite_utils": peer,
        "ratios": ratios,
        "target_vs_today": TARGET_VS_TODAY,
        "load_after": load_after,
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


def bench_filter(params: dict[str, Any]) -> Any:
    """The LogFilter the API makes of these query parameters."""
    from control_plane.logs.query import LogFilter, to_us

    return LogFilter(
        levels=tuple(filter(None, [params.get("level")])),
        event=params.get("event"),
        correlation_id=params.get("correlation_id"),
        start_us=to_us(datetime.fromisoformat(params["start"])) if "start" in params else None,
        end_us=to_us(datetime.fromisoformat(params["end"])) if "end" in params else None,
        text=params.get("q"),
    )


def sql_alone(database: Path, params_list: list[dict[str, Any]], limit: int) -> list[float]:
    """The page query's rows for each of these filters (query.page_query, without the JSON the
    API has SQLite write), as SQL text on a plain sqlite3 connection: execute and fetch."""
    from sqlalchemy.dialects import sqlite

    from control_plane.logs.query import page_query

    conn = sqlite3.connect(database)
    durations = []
    for params in params_list:
        statement = page_query(bench_filter(params), limit=limit, cursor=None)
        sql = str(
            statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
        )
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        durations.append(time.perf_counter() - started)
    conn.close()
    return durations


def own_sql_alone(database: Path, params_list: list[dict[str, Any]], limit: int) -> list[float]:
    """The SQL the API runs for each page (logs.page_statement: the rows and their entries'
    JSON), with its parameters, on a plain sqlite3 connection: execute and fetch."""
    from control_plane.logs.page_statement import page_sql

    conn = sqlite3.connect(database)
    durations = []
    for params in params_list:
        sql, values = page_sql(bench_filter(params), limit=limit, cursor=None)
        started = time.perf_counter()
        conn.execute(sql, values).fetchall()
        durations.append(time.perf_counter() - started)
    conn.close()
    return durations


def scan_counts_alone(database: Path, samples: int) -> dict[str, list[float]]:
    """What the facets and the whole-range histogram cost before the per-minute counts: the
    GROUP BY over every row, on a plain sqlite3 connection."""
    conn = sqlite3.connect(database)
    statements = {
        "facets": [
            "SELECT level, count(*) FROM backend_logs GROUP BY level ORDER BY level",
            "SELECT event, count(*) AS n FROM backend_logs GROUP BY event"
            " ORDER BY n DESC, event LIMIT 200",
        ],
        # 7 days in 120 buckets: 2-hour buckets.
        "histogram": ["SELECT ts / 7200000000, level, count(*) FROM backend_logs GROUP BY 1, 2"],
    }
    durations: dict[str, list[float]] = {}
    for name, sqls in statements.items():
        durations[name] = []
        for _ in range(max(3, samples // 8)):
            started = time.perf_counter()
            for sql in sqls:
                conn.execute(sql).fetchall()
            durations[name].append(time.perf_counter() - started)
    conn.close()
    return durations


async def timed_api(
    app: Any, path: str, params_list: list[dict[str, Any]], login: dict[str, str]
) -> dict[str, list[float]]:
    """The API in process, signed in, one request at a time, two ways: through httpx's ASGI
    transport (its client's own work included), and called as the server calls it (an ASGI
    call with the request's scope, from the app's entry to its last body message)."""
    from urllib.parse import urlencode

    import httpx

    transport = httpx.ASGITransport(app=app)
    timings: dict[str, list[float]] = {"httpx": [], "asgi": []}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        token = (await client.post("/api/auth/login", json=login)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        raw_headers = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())]
        for params in params_list[:3] + params_list:
            started = time.perf_counter()
            response = await client.get(path, params=params, headers=headers)
            timings["httpx"].append(time.perf_counter() - started)
            assert response.status_code == 200, response.text
            started = time.perf_counter()
            status = await asgi_get(app, path, urlencode(params, doseq=True), raw_headers)
            timings["asgi"].append(time.perf_counter() - started)
            assert status == 200, status
    return {name: values[3:] for name, values in timings.items()}


async def asgi_get(app: Any, path: str, query: str, headers: list[tuple[bytes, bytes]]) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    status: int = messages[0]["status"]
    return status


BENCH_PASSWORD = "bench-password-1"


def bench_settings(database: Path, log_path: Path) -> Any:
    """The app over a benchmark's database: no tailer, cheap password hashing."""
    from control_plane.settings import Settings

    return Settings(
        APP_ENV="test",
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        BACKEND_LOG_PATH=log_path,
        BACKEND_LOG_INGEST_ENABLED=False,
        ADMIN_PASSWORD=BENCH_PASSWORD,
        JWT_SECRET="bench-secret-0123456789abcdef0123456789",
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST_KIB=8192,
    )


def page_filters(database: Path, samples: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """The page filters the API is timed with, drawn from this database's rows and time span."""
    rng = random.Random(seed)
    conn = sqlite3.connect(database)
    low, high = conn.execute("SELECT min(ts), max(ts) FROM backend_logs").fetchone()
    max_id = conn.execute("SELECT max(id) FROM backend_logs").fetchone()[0]
    correlation_ids = [
        conn.execute(
            "SELECT correlation_id FROM backend_logs_view WHERE id = ?",
            (rng.randint(1, max_id),),
        ).fetchone()[0]
        for _ in range(samples)
    ]
    conn.close()

    def hour_window() -> dict[str, str]:
        begin = datetime.fromtimestamp(rng.uniform(low / 1e6, high / 1e6 - 3600), UTC)
        return {"start": begin.isoformat(), "end": (begin + timedelta(hours=1)).isoformat()}

    return {
        "none (newest page)": [{} for _ in range(samples)],
        "level": [{"level": rng.choice(["ERROR", "WARNING", "DEBUG"])} for _ in range(samples)],
        "event": [{"event": rng.choice(EVENTS)[0]} for _ in range(samples)],
        "correlation_id": [{"correlation_id": cid} for cid in correlation_ids],
        "one-hour range": [hour_window() for _ in range(samples)],
        "text": [{"q": rng.choice(WORDS_TO_SEARCH)} for _ in range(samples)],
    }


async def page_timings(
    app: Any, filters: dict[str, list[dict[str, Any]]], samples: int, login: dict[str, str]
) -> dict[str, dict[str, list[float]]]:
    """The floors, then a page of 100 for each filter (timed_api), in a running app."""
    timings: dict[str, dict[str, list[float]]] = {}
    # The HTTP stack and middleware alone, and the floor of a signed-in request (the token and
    # the session lookup).
    timings["health"] = await timed_api(app, "/api/health", [{}] * samples, login)
    timings["signed-in floor"] = await timed_api(app, "/api/auth/me", [{}] * samples, login)
    for name, params_list in filters.items():
        page = [{**params, "limit": 100} for params in params_list]
        timings[name] = await timed_api(app, "/api/logs", page, login)
    return timings


def section_queries(root: Path, rows: int, samples: int) -> dict[str, Any]:
    import asyncio

    from control_plane.main import create_app

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
    conn.close()
    settings = bench_settings(workspace.database, workspace.log_path)
    login = {"username": "admin", "password": BENCH_PASSWORD}
    filters = page_filters(workspace.database, samples, seed=3)
    results: dict[str, Any] = {}
    app = create_app(settings)

    async def measure() -> dict[str, dict[str, list[float]]]:
        timings: dict[str, dict[str, list[float]]] = {}
        async with app.router.lifespan_context(app):
            timings.update(await page_timings(app, filters, samples, login))
            for name in ("facets", "histogram"):
                timings[name] = await timed_api(app, f"/api/logs/{name}", [{}] * samples, login)
        return timings

    timings = asyncio.run(measure())
    floors = {}
    for name, path in (("health", "/api/health"), ("signed-in floor", "/api/auth/me")):
        floors[name] = {
            way: percentile(timings[name][way], 0.5) * 1000 for way in ("httpx", "asgi")
        }
        say(
            f"  {name} (GET {path}) p50 {floors[name]['httpx']:.2f} ms through httpx,"
            f" {floors[name]['asgi']:.2f} ms as an ASGI call"
        )
    floor = floors["signed-in floor"]["httpx"]
    say(
        "  page of 100: API p50 through httpx and as an ASGI call; SQL p50 of the rows alone"
        " (page_query) and of the SQL the API runs (rows + JSON); target API <= 3x SQL"
    )
    say(
        f"  {'filter':20s} {'httpx':>8s} {'ASGI':>8s} {'rows SQL':>9s} {'own SQL':>8s}"
        f" {'httpx/rows':>10s} {'ASGI/rows':>9s} {'ASGI/own':>8s}"
    )
    for name, params_list in filters.items():
        api, sql = timings[name], sql_alone(workspace.database, params_list, 100)
        own = own_sql_alone(workspace.database, params_list, 100)
        api_p50 = percentile(api["httpx"], 0.5) * 1000
        asgi_p50 = percentile(api["asgi"], 0.5) * 1000
        sql_p50 = percentile(sql, 0.5) * 1000
        own_p50 = percentile(own, 0.5) * 1000
        results[name] = {
            "p50_ms": api_p50,
            "p95_ms": percentile(api["httpx"], 0.95) * 1000,
            "asgi_p50_ms": asgi_p50,
            "asgi_p95_ms": percentile(api["asgi"], 0.95) * 1000,
            "sql_p50_ms": sql_p50,
            "own_sql_p50_ms": own_p50,
            "api_over_sql": api_p50 / sql_p50,
            "asgi_over_sql": asgi_p50 / sql_p50,
            "asgi_over_own_sql": asgi_p50 / own_p50,
        }
        say(
            f"  {name:20s} {api_p50:5.2f} ms {asgi_p50:5.2f} ms {sql_p50:6.2f} ms {own_p50:5.2f} ms"
            f" {api_p50 / sql_p50:9.1f}x {asgi_p50 / sql_p50:8.1f}x {asgi_p50 / own_p50:7.1f}x"
        )
    scans = scan_counts_alone(workspace.database, samples)
    for name in ("facets", "histogram"):
        api_p50 = percentile(timings[name]["httpx"], 0.5) * 1000
        scan_p50 = percentile(scans[name], 0.5) * 1000
        results[name] = {"p50_ms": api_p50, "scan_sql_p50_ms": scan_p50}
        say(
            f"  {name:20s} API p50 {api_p50:7.2f} ms; the scan it replaced, SQL alone,"
            f" {scan_p50:7.1f} ms ({scan_p50 / api_p50:.0f}x)"
        )
    ratio = db_bytes / raw_bytes
    say(f"  database {db_bytes / 1e6:,.0f} MB for {raw_bytes / 1e6:,.0f} MB raw: {ratio:.2f}x")
    return {
        "rows": rows,
        "ingest": ingest,
        "raw_bytes": raw_bytes,
        "database_bytes": db_bytes,
        "size_ratio": ratio,
        "signed_in_floor_p50_ms": floor,
        "floors_p50_ms": floors,
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
    load_before = os.getloadavg()
    prune_started = time.time()
    prune = timed_cli(workspace, "logs", "prune")
    prune_ended = time.time()
    load_after = os.getloadavg()
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
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
    held = PRUNE_HELD.search(prune.stdout)
    if held:
        result["longest_delete_transaction_ms"] = float(held.group(1))
        result["longest_delete_commit_ms"] = float(held.group(2))
        result["wal_wait_seconds"] = float(held.group(3))
    say(
        f"  deleted {deleted:,} rows in {prune.wall_seconds:.1f} s with"
        f" {viewer_queries} viewer queries running; load average (1, 5, 15 min)"
        f" {' '.join(f'{x:.2f}' for x in load_before)} before,"
        f" {' '.join(f'{x:.2f}' for x in load_after)} after"
    )
    if held:
        say(f"  prune: {held.group(0)}")
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
    parser.add_argument(
        "--baseline-ref", default=BASELINE_REF, help="today's code, for the throughput ratio"
    )
    parser.add_argument("--throughput-repeats", type=int, default=2)
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
            results["throughput"] = section_throughput(
                root, args.lines, args.baseline_ref, args.throughput_repeats
            )
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
