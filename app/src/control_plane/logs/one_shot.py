"""`logs ingest --once`: drain each tailed log file (and files rotated away from it) to the end."""

from __future__ import annotations

import time
from dataclasses import dataclass

from control_plane.logs.checkpoints import WalCheckpointer
from control_plane.logs.full_text import FullTextIndexService
from control_plane.logs.tail_store import TailStore
from control_plane.logs.tailed_logs import TailedLog, tailed_logs
from control_plane.logs.tailer import LogTailer
from control_plane.settings import Settings

MAX_BATCHES_BETWEEN_INDEX_NOTIFICATIONS = 1


@dataclass(frozen=True, slots=True)
class OneShotResult:
    rows: int
    ingest_seconds: float
    full_text_trail_seconds: float


def ingest_once(settings: Settings, *, index_full_text: bool = True) -> int:
    return ingest_once_timed(settings, index_full_text=index_full_text).rows


def ingest_once_timed(settings: Settings, *, index_full_text: bool = True) -> OneShotResult:
    """Ingest to the end of the file while the full-text index follows on its own thread;
    reports how long indexing trailed after the last row was committed."""
    indexer = FullTextIndexService(database_path=settings.database_path)
    checkpointer = WalCheckpointer(settings.database_path)
    checkpointer.start()
    if index_full_text:
        indexer.start()
    started = time.perf_counter()
    try:
        written = sum(
            drain(settings, log, indexer if index_full_text else None)
            for log in tailed_logs(settings)
        )
        ingested_at = time.perf_counter()
        trail = 0.0
        if index_full_text:
            indexer.notify()
            while not indexer.wait_caught_up(timeout=1.0) and indexer.running:
                pass
            trail = time.perf_counter() - ingested_at
            # The merges these rows call for are part of ingesting them.
            while not indexer.wait_caught_up(timeout=1.0, merged=True) and indexer.running:
                pass
        return OneShotResult(written, ingested_at - started, trail)
    finally:
        indexer.stop()
        checkpointer.stop()


def drain(settings: Settings, log: TailedLog, indexer: FullTextIndexService | None) -> int:
    store = TailStore(settings.database_path, log.stream, source=log.source)
    tailer = LogTailer(
        log.path,
        store,
        batch_size=settings.BACKEND_LOG_BATCH_SIZE,
        rotation_grace_seconds=0,
        lines=log.lines,
    )
    written = 0
    try:
        while True:
            step = tailer.ingest_available(
                finish_rotated=True, max_batches=MAX_BATCHES_BETWEEN_INDEX_NOTIFICATIONS
            )
            written += step
            if indexer is not None and step:
                indexer.notify()
            if step == 0:
                return written
    finally:
        tailer.close()
        store.close()
