"""Realistic backend log lines: about 300 bytes, request ids shared by a few lines each."""

from __future__ import annotations

import random
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
STRATEGY = "strangle-btc-weekly"
WORDS_TO_SEARCH = ["timed", "reconnect", "slippage", "margin", "rolling", "theta", "placed"]


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def iso_from_us(epoch_us: int, _days: dict[int, str] = {}) -> str:  # noqa: B006
    seconds, micros = divmod(epoch_us, 1_000_000)
    day, second_of_day = divmod(seconds, 86_400)
    date = _days.get(day)
    if date is None:
        date = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=day)).date().isoformat()
        _days[day] = date
    hours, rest = divmod(second_of_day, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{date}T{hours:02d}:{minutes:02d}:{secs:02d}.{micros:06d}Z"


def _message_pool(rng: random.Random, size: int) -> list[tuple[str, str, str]]:
    """Pre-rendered (event, level, message) triples; lines draw from them at random."""
    pool = []
    for _ in range(size):
        event, level, template = rng.choices(EVENTS, WEIGHTS)[0]
        pool.append(
            (
                event,
                level,
                template.format(
                    ms=rng.randint(1, 900),
                    strike=rng.choice(range(60000, 120000, 1000)),
                    bid=round(rng.uniform(10, 5000), 2),
                    ask=round(rng.uniform(10, 5000), 2),
                    iv=round(rng.uniform(0, 100), 2),
                    oid=f"ord-{rng.getrandbits(40):010x}",
                    qty=rng.randint(1, 50),
                    sid=STRATEGY,
                ),
            )
        )
    return pool


def write_corpus(
    path: Path,
    count: int,
    *,
    start: datetime | None = None,
    span: timedelta | None = None,
    seed: int = 7,
) -> int:
    """Write `count` lines evenly spread over `span` from `start`; returns the file size."""
    rng = random.Random(seed)
    start = start or datetime.now(UTC) - timedelta(days=6)
    span = span or timedelta(days=6)
    pool = _message_pool(rng, 50_000)
    step_us = span / timedelta(microseconds=1) / max(count, 1)
    start_us = (start - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    request_left = 0
    request_id = ""
    buffer: list[bytes] = []
    with open(path, "wb") as handle:
        for index in range(count):
            if request_left == 0:
                request_id = f"{rng.getrandbits(64):016x}{index:08x}"
                request_left = rng.randint(2, 6)
            request_left -= 1
            event, level, message = pool[rng.randrange(len(pool))]
            buffer.append(
                orjson.dumps(
                    {
                        "ts": iso_from_us(start_us + int(index * step_us)),
                        "level": level,
                        "logger": LOGGERS[index % len(LOGGERS)],
                        "event": event,
                        "message": message,
                        "correlation_id": request_id,
                        "strategy_id": STRATEGY,
                        "host": "control-plane-7d9f",
                        "duration_ms": (index % 250_000) / 1000,
                    }
                )
            )
            if len(buffer) >= 20_000:
                handle.write(b"\n".join(buffer) + b"\n")
                buffer.clear()
        if buffer:
            handle.write(b"\n".join(buffer) + b"\n")
    return path.stat().st_size
