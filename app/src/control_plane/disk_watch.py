"""The data volume's free space against the readiness threshold (READY_MIN_FREE_BYTES): a
`disk_low` warning when it falls below, `disk_ok` when it is back, each once per crossing, so
the operators hear of it before the volume fills (notifications map `disk_low`)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from control_plane.background_service import BackgroundService

logger = logging.getLogger("control_plane.disk")
LOW_EVENT = "disk_low"
OK_EVENT = "disk_ok"
CHECK_SECONDS = 60.0


class DiskWatch(BackgroundService):
    thread_name = "disk-watch"
    logger = logger
    failure_message = "disk watch failed"
    failure_event = "disk_watch_failed"

    def __init__(self, path: Path, min_free_bytes: int, interval: float = CHECK_SECONDS) -> None:
        super().__init__()
        self.path = path
        self.min_free_bytes = min_free_bytes
        self.interval = interval
        self.low: bool | None = None

    def check(self) -> bool:
        """Log a crossing of the threshold (the first check only a low volume); True when low."""
        free = shutil.disk_usage(self.path).free
        low = free < self.min_free_bytes
        if low != self.low and (low or self.low is not None):
            level, event, state = (
                (logging.WARNING, LOW_EVENT, "below") if low else (logging.INFO, OK_EVENT, "above")
            )
            logger.log(
                level,
                "data volume %s has %d bytes free, %s the readiness threshold of %d",
                self.path,
                free,
                state,
                self.min_free_bytes,
                extra={"event": event, "free_bytes": free, "min_free_bytes": self.min_free_bytes},
            )
        self.low = low
        return low

    def cycle(self) -> bool:
        self.check()
        return False

    def idle(self) -> None:
        self._stop_event.wait(self.interval)
