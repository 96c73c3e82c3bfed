"""Helpers for the log pipeline tests: real files, real SQLite, the tailer as a subprocess."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import orjson

from control_plane.settings import Settings
from tests.polling import poll


def json_line(message: str, **extra: object) -> str:
    document = {
        "ts": datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "level": "INFO",
        "logger": "control_plane.test",
        "event": "test_line",
        "message": message,
        "correlation_id": extra.pop("correlation_id", None),
        **extra,
    }
    return orjson.dumps(document).decode()


def append(path: Path, lines: Iterable[str | bytes], *, newline: bool = True) -> None:
    with open(path, "ab") as handle:
        for line in lines:
            data = line.encode() if isinstance(line, str) else line
            handle.write(data + (b"\n" if newline else b""))


def ingested_messages(database_path: Path) -> Counter[str]:
    conn = sqlite3.connect(database_path)
    try:
        return Counter(row[0] for row in conn.execute("SELECT message FROM backend_logs"))
    finally:
        conn.close()


def row_count(database_path: Path) -> int:
    conn = sqlite3.connect(database_path, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM backend_logs").fetchone()[0]
    finally:
        conn.close()


def wait_until(predicate: Callable[[], bool], *, timeout: float = 30.0, step: float = 0.02) -> bool:
    return bool(poll(predicate, timeout=timeout, interval=step))


class ReopeningWriter:
    """Appends lines like logging's WatchedFileHandler: reopens when the path changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self._handle = None
        self._identity: tuple[int, int] | None = None

    def write(self, line: str) -> None:
        with self.lock:
            try:
                info = os.stat(self.path)
                identity: tuple[int, int] | None = (info.st_dev, info.st_ino)
            except FileNotFoundError:
                identity = None
            if self._handle is None or identity != self._identity:
                if self._handle is not None:
                    self._handle.close()
                self._handle = open(self.path, "ab", buffering=0)  # noqa: SIM115
                info = os.fstat(self._handle.fileno())
                self._identity = (info.st_dev, info.st_ino)
            self._handle.write(line.encode() + b"\n")

    def close(self) -> None:
        with self.lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


class BackgroundWriter:
    """Writes numbered JSON lines from a thread until stopped; remembers every message."""

    def __init__(
        self, path: Path, *, prefix: str, identical_every: int = 7, pause: float = 0.002
    ) -> None:
        self.writer = ReopeningWriter(path)
        self.pause = pause
        self.prefix = prefix
        self.identical_every = identical_every
        self.messages: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        sequence = 0
        while not self._stop.is_set():
            for _ in range(20):
                sequence += 1
                if sequence % self.identical_every == 0:
                    message = f"{self.prefix}-identical"
                else:
                    message = f"{self.prefix}-{sequence}"
                self.writer.write(json_line(message, correlation_id=f"req-{sequence // 3}"))
                self.messages.append(message)
            time.sleep(self.pause)

    def start(self) -> BackgroundWriter:
        self._thread.start()
        return self

    def stop(self) -> Counter[str]:
        self._stop.set()
        self._thread.join()
        self.writer.close()
        return Counter(self.messages)


def cli_environment(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "APP_ENV": "test",
        "DATABASE_URL": settings.DATABASE_URL,
        "BACKEND_LOG_PATH": str(settings.BACKEND_LOG_PATH),
        "BACKEND_LOG_POLL_INTERVAL": str(settings.BACKEND_LOG_POLL_INTERVAL),
        "BACKEND_LOG_BATCH_SIZE": str(settings.BACKEND_LOG_BATCH_SIZE),
        "EDGE_ACCESS_LOG_PATH": str(settings.EDGE_ACCESS_LOG_PATH or ""),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


class TailerProcess:
    """`control-plane logs follow` in a child process, to be killed with SIGKILL."""

    def __init__(self, settings: Settings) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "control_plane.logs.follow",
                "--log-path",
                str(settings.BACKEND_LOG_PATH),
                "--database",
                str(settings.database_path),
                "--batch-size",
                str(settings.BACKEND_LOG_BATCH_SIZE),
                "--poll-interval",
                str(settings.BACKEND_LOG_POLL_INTERVAL),
                *(
                    ["--edge-access-log-path", str(settings.EDGE_ACCESS_LOG_PATH)]
                    if settings.EDGE_ACCESS_LOG_PATH
                    else []
                ),
            ],
            env=cli_environment(settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def run_cli(settings: Settings, *args: str, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "control_plane.cli", *args],
        env=cli_environment(settings, **extra_env),
        capture_output=True,
        text=True,
        timeout=120,
    )
