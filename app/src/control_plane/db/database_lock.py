"""A singleton per database: a non-blocking exclusive flock on a file next to the database."""

from __future__ import annotations

import asyncio
import fcntl
import os
from pathlib import Path


class DatabaseLock:
    def __init__(self, lock_path: Path) -> None:
        self.lock_path = lock_path
        self._fd: int | None = None

    @classmethod
    def for_database(cls, database_path: Path, purpose: str) -> DatabaseLock:
        """`<db>.<purpose>.lock`, e.g. delta_trader.db.engine.lock."""
        return cls(database_path.with_name(f"{database_path.name}.{purpose}.lock"))

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def acquire_when_free(self, retry_seconds: float) -> None:
        """Return once this process holds the lock; flock has no wait-with-timeout that suits
        the event loop, so it is tried again every `retry_seconds`."""
        while True:
            if self.try_acquire():
                return
            await asyncio.sleep(retry_seconds)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
