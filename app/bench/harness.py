"""Pieces the benchmark sections share: a database per section, the CLI, writers, pollers."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from bench.log_corpus import iso_from_us


@dataclass
class Workspace:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "data" / "delta_trader.db"

    @property
    def log_path(self) -> Path:
        return self.root / "logs" / "backend.log"

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **os.environ,
            "APP_ENV": "test",
            "DATABASE_URL": f"sqlite+aiosqlite:///{self.database}",
            "BACKEND_LOG_PATH": str(self.log_path),
            "LOG_LEVEL": "WARNING",
            **extra,
        }

    def cli(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "control_plane.cli", *args],
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            check=True,
        )

    def upgrade(self) -> None:
        self.cli("db", "upgrade")

    def database_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal"):
            candidate = Path(f"{self.database}{suffix}")
            if candidate.exists():
                total += candidate.stat().st_size
        return total

    def start_follower(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "control_plane.logs.follow",
                "--log-path",
                str(self.log_path),
                "--database",
                str(self.database),
                "--batch-size",
                "20000",
                "--poll-interval",
                "0.5",
            ],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@dataclass(frozen=True)
class TimedRun:
    stdout: str
    stderr: str
    wall_seconds: float
    cpu_seconds: float


def timed_cli(workspace: Workspace, *args: str, **extra_env: str) -> TimedRun:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = workspace.cli(*args, **extra_env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return TimedRun(completed.stdout, completed.stderr, wall, cpu)


def timed_command(command: list[str]) -> TimedRun:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return TimedRun(completed.stdout, completed.stderr, wall, cpu)


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class PacedWriter:
    """Appends `rate` lines a second, each carrying its sequence number; remembers when each
    was written."""

    path: Path
    rate: int
    seconds: float
    written_at: dict[int, float] = field(default_factory=dict)
    thread: threading.Thread | None = None
    stopped: threading.Event = field(default_factory=threading.Event)

    def start(self) -> PacedWriter:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def join(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def stop(self) -> None:
        self.stopped.set()
        self.join()

    def _run(self) -> None:
        total = int(self.rate * self.seconds)
        started = time.perf_counter()
        with open(self.path, "ab", buffering=0) as handle:
            sequence = 0
            while sequence < total and not self.stopped.is_set():
                due = min(total, int((time.perf_counter() - started) * self.rate) + 1)
                if due > sequence:
                    chunk = []
                    for number in range(sequence, due):
                        chunk.append(
                            orjson.dumps(
                                {
                                    "ts": iso_from_us(time.time_ns() // 1000),
                                    "level": "INFO",
                                    "logger": "bench.latency",
                                    "event": "latency_probe",
                                    "message": f"probe {number}",
                                    "correlation_id": f"probe-{number // 4}",
                                }
                            )
                        )
                    now = time.time()
                    for number in range(sequence, due):
                        self.written_at[number] = now
                    handle.write(b"\n".join(chunk) + b"\n")
                    sequence = due
                time.sleep(0.001)


class ArrivalPoller:
    """Polls the database for probe rows and records write-to-queryable latency."""

    def __init__(self, database: Path, writer: PacedWriter) -> None:
        self.database = database
        self.writer = writer
        self.latencies: dict[int, float] = {}
        self.arrived_at: dict[int, float] = {}
        self.duplicates = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> ArrivalPoller:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        (last_id,) = conn.execute("SELECT coalesce(max(id), 0) FROM backend_logs").fetchone()
        while not self._stop.is_set():
            rows = conn.execute(
                "SELECT id, message FROM backend_logs WHERE id > ? ORDER BY id", (last_id,)
            ).fetchall()
            now = time.time()
            for row_id, message in rows:
                last_id = row_id
                if not message.startswith("probe "):
                    continue
                number = int(message[6:])
                if number in self.latencies:
                    self.duplicates += 1
                    continue
                written = self.writer.written_at.get(number)
                if written is not None:
                    self.latencies[number] = now - written
                    self.arrived_at[number] = now
            time.sleep(0.002)
        conn.close()
