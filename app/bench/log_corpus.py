"""Realistic backend log lines: about 300 bytes, request ids shared by a few lines each."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

LOGGERS = [
    "control_plane.http",
    "control_plane.orders",
    "control_plane.market_data",
    "control_plane.strategy.strangle",
    "control_plane.risk",
    "control_plane.broker.delta",
]
EVENTS = [
    ("http_request", "INFO", "GET /api/positions 200 in {ms} ms"),
    ("quote_received", "DEBUG", "quote BTC-{strike}-C bid {bid} ask {ask} iv {iv}"),
    ("order_placed", "INFO", "placed sell order {oid} for {qty} BTC-{strike}-P at {bid}"),
    ("order_filled", "INFO", "order {oid} filled {qty} at {ask} slippage {ms} bps"),
    ("delta_check", "INFO", "portfolio delta {iv} within band, strangle {sid} untouched"),
    ("hedge_adjusted", "WARNING", "delta {iv} outside band; rolling {sid} call to {strike}"),
    ("broker_timeout", "ERROR", "broker request {oid} timed out after {ms} ms; retrying"),
    ("risk_limit", "WARNING", "margin usage {iv}% above soft limit for strategy {sid}"),
    ("websocket_reconnect", "ERROR", "market data websocket dropped; reconnect attempt {qty}"),
    ("pnl_snapshot", "INFO", "strategy {sid} pnl {bid} USD, theta {ask}, vega {iv}"),
]
WEIGHTS = [30, 25, 8, 8, 12, 4, 3, 3, 2, 5]


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def generate_documents(
    count: int, *, start: datetime, span: timedelta, seed: int = 7
) -> Iterator[dict]:
    rng = random.Random(seed)
    step = span / max(count, 1)
    moment = start
    request_left = 0
    request_id = ""
    strategy = "strangle-btc-weekly"
    for index in range(count):
        if request_left == 0:
            request_id = f"{rng.getrandbits(64):016x}{index:08x}"
            request_left = rng.randint(2, 6)
        request_left -= 1
        event, level, template = rng.choices(EVENTS, WEIGHTS)[0]
        message = template.format(
            ms=rng.randint(1, 900),
            strike=rng.choice(range(60000, 120000, 1000)),
            bid=round(rng.uniform(10, 5000), 2),
            ask=round(rng.uniform(10, 5000), 2),
            iv=round(rng.uniform(0, 100), 2),
            oid=f"ord-{rng.getrandbits(40):010x}",
            qty=rng.randint(1, 50),
            sid=strategy,
        )
        yield {
            "ts": iso(moment),
            "level": level,
            "logger": rng.choice(LOGGERS),
            "event": event,
            "message": message,
            "correlation_id": request_id,
            "strategy_id": strategy,
            "host": "control-plane-7d9f",
            "duration_ms": round(rng.uniform(0.1, 250.0), 3),
        }
        moment += step


def write_corpus(
    path: Path,
    count: int,
    *,
    start: datetime | None = None,
    span: timedelta | None = None,
    seed: int = 7,
) -> int:
    """Write `count` lines; returns the file size in bytes."""
    start = start or datetime.now(UTC) - timedelta(days=6)
    span = span or timedelta(days=6)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        buffer: list[bytes] = []
        for document in generate_documents(count, start=start, span=span, seed=seed):
            buffer.append(orjson.dumps(document))
            if len(buffer) >= 10000:
                handle.write(b"\n".join(buffer) + b"\n")
                buffer.clear()
        if buffer:
            handle.write(b"\n".join(buffer) + b"\n")
    return path.stat().st_size
