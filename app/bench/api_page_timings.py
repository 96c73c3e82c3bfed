"""One tree's API timings for a page of 100 over an existing database, as JSON on stdout: the
p50 of each of bench_logs' filters through httpx and as an ASGI call, and of the rows' SQL
alone. Run by bench_api_before_after in a fresh process per tree, with that tree's
control_plane first on PYTHONPATH (this module uses only what both trees have)."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
from pathlib import Path

from bench.bench_logs import (
    BENCH_PASSWORD,
    bench_settings,
    page_filters,
    page_timings,
    sql_alone,
)


def measure(database: Path, samples: int, seed: int) -> dict[str, dict[str, float]]:
    from control_plane.main import create_app

    filters = page_filters(database, samples, seed)
    app = create_app(bench_settings(database, database.parent / "unused.log"))
    login = {"username": "admin", "password": BENCH_PASSWORD}

    async def timed() -> dict[str, dict[str, list[float]]]:
        async with app.router.lifespan_context(app):
            return await page_timings(app, filters, samples, login)

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
