"""The API's page of 100 before and after a change, over one database and at one load: the tree
at `--ref` (its app/src, with this tree's environment) and this tree take turns, a fresh process
each (bench.api_page_timings), `--rounds` times; the medians of their p50s are printed beside the
rows' SQL alone and the target (issue 20 item 6: the API at most 3x the rows' SQL).

    cd app && uv run --locked python -m bench.bench_api_before_after --ref main
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bench_logs import baseline_source, ingest_with_timings, say
from bench.harness import Workspace
from bench.log_corpus import write_corpus

BENCH_ROOT = Path(__file__).resolve().parent.parent
TARGET = 3.0


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def seeded_database(root: Path, rows: int) -> Path:
    workspace = Workspace(root / "api")
    now = datetime.now(UTC)
    start, span = now - timedelta(days=7) + timedelta(hours=1), timedelta(days=7, hours=-2)
    say(f"[api] writing {rows:,} lines over 7 days and ingesting them")
    write_corpus(workspace.log_path, rows, start=start, span=span, seed=11)
    workspace.upgrade()
    ingest_with_timings(workspace)
    conn = sqlite3.connect(workspace.database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return workspace.database


def timings(source: Path, database: Path, samples: int, seed: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source), str(BENCH_ROOT)])}
    run = subprocess.run(
        [sys.executable, "-m", "bench.api_page_timings", str(database), str(samples), str(seed)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def median_of(runs: list[dict[str, Any]], name: str, key: str) -> float:
    return statistics.median(run[name][key] for run in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_api_before_after")
    parser.add_argument("--ref", default="main", help="the tree before the change")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", type=Path, help="an ingested database to use instead")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="bench-api-"))
    try:
        database = args.database or seeded_database(root, args.rows)
        trees = {"before": baseline_source(root, args.ref), "after": BENCH_ROOT / "src"}
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
        for round_number in range(1, args.rounds + 1):
            for name, source in trees.items():
                say(f"[api] round {round_number}, {name}; load average {load_average()}")
                runs[name].append(timings(source, database, args.samples, round_number))
        say(f"[api] done; load average {load_average()}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    say(
        f"  medians of {args.rounds} rounds' p50s (ms); before = {args.ref};"
        f" target: ASGI call <= {TARGET:.0f}x the rows' SQL"
    )
    say(
        f"  {'':20s} {'httpx':>15s} {'ASGI call':>15s} {'rows SQL':>8s}"
        f" {'ASGI/rows':>9s} {'httpx/rows':>10s}"
    )
    for name in runs["after"][0]:
        before, after = runs["before"], runs["after"]
        httpx = [median_of(trees_runs, name, "httpx") for trees_runs in (before, after)]
        asgi = [median_of(trees_runs, name, "asgi") for trees_runs in (before, after)]
        line = f"  {name:20s} {httpx[0]:6.2f} → {httpx[1]:5.2f} {asgi[0]:6.2f} → {asgi[1]:5.2f}"
        if "rows_sql" in after[0][name]:
            rows = median_of(before + after, name, "rows_sql")
            line += f" {rows:8.2f} {asgi[1] / rows:8.1f}x {httpx[1] / rows:9.1f}x"
            line += "" if asgi[1] <= TARGET * rows else "  (over the target)"
        say(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
