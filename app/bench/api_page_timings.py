"""One tree's API timings for a page of 100 over an existing database, as JSON on stdout: the
p50 of each of bench_logs' filters through httpx and as an ASGI call, and of the rows' SQL
alone. Run by bench_api_before_after in a fresh process per tree, with that tree's
control_plane first on PYTHONPATH (this module uses only what both trees have)."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import statistics
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.bench_logs import sql_alone, timed_api
from bench.log_corpus import EVENTS, WORDS_TO_SEARCH

PASSWORD = "bench-password-1"


def page_filters(database: Path, samples: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """bench_logs.section_queries' filters, drawn from this database's rows and time span."""
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


def measure(database: Path, samples: int, seed: int) -> dict[str, dict[str, float]]:
    from control_plane.main import create_app
    from control_plane.settings import Settings

    filters = page_filters(database, samples, seed)
    settings = Settings(
        APP_ENV="test",
        DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        BACKEND_LOG_PATH=database.parent / "unused.log",
        BACKEND_LOG_INGEST_ENABLED=False,
        ADMIN_PASSWORD=PASSWORD,
        JWT_SECRET="bench-secret-0123456789abcdef0123456789",
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_COST_KIB=8192,
    )
    app = create_app(settings)
    login = {"username": "admin", "password": PASSWORD}

    async def timed() -> dict[str, dict[str, list[float]]]:
        timings = {}
        async with app.router.lifespan_context(app):
            timings["health"] = await timed_api(app, "/api/health", [{}] * samples, login)
            timings["signed-in floor"] = await timed_api(app, "/api/auth/me", [{}] * samples, login)
            for name, params_list in filters.items():
                page = [{**params, "limit": 100} for params in params_list]
                timings[name] = await timed_api(app, "/api/logs", page, login)
        return timings

    p50s = {
        name: {way: statistics.median(values[way]) * 1000 for way in ("httpx", "asgi")}
        for name, values in asyncio.run(timed()).items()
    }
    for name, params_list in filters.items():
        p50s[name]["rows_sql"] = statistics.median(sql_alone(database, params_list, 100)) * 1000
    return p50s


if __name__ == "__main__":
    database, samples, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(measure(database, samples, seed)))
