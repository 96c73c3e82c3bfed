"""Runs the log pipeline in the foreground until SIGTERM (`control-plane logs follow`).

Kept free of heavy imports so a restarted tailer is back at work quickly.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from control_plane.logs.checkpoints import WalCheckpointer
from control_plane.logs.full_text import FullTextIndexService
from control_plane.logs.pipeline_lock import PipelineLock
from control_plane.logs.tail_service import LogTailService
from control_plane.logs.tailed_logs import TailedLog, backend_log, edge_access_log


def follow(
    *, logs: list[TailedLog], database_path: Path, batch_size: int, poll_interval: float
) -> int:
    lock = PipelineLock.for_database(database_path)
    if not lock.try_acquire():
        print("another process is running the log pipeline for this database", file=sys.stderr)
        return 1
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    checkpointer = WalCheckpointer(database_path)
    indexer = FullTextIndexService(database_path=database_path)
    services = [
        LogTailService(
            log=log,
            database_path=database_path,
            batch_size=batch_size,
            poll_interval=poll_interval,
            on_commit=indexer.notify,
        )
        for log in logs
    ]
    checkpointer.start()
    indexer.start()
    for service in services:
        service.start()
    try:
        while not stopped.wait(0.2):
            if not all(service.running for service in services):
                return 1
    finally:
        for service in services:
            service.stop()
        indexer.stop()
        checkpointer.stop()
        lock.release()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m control_plane.logs.follow")
    parser.add_argument("--log-path", type=Path, required=True)
    parser.add_argument("--edge-access-log-path", type=Path)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--poll-interval", type=float, default=0.5)
    args = parser.parse_args(argv)
    logs = [backend_log(args.log_path)]
    if args.edge_access_log_path is not None:
        logs.append(edge_access_log(args.edge_access_log_path))
    return follow(
        logs=logs,
        database_path=args.database,
        batch_size=args.batch_size,
        poll_interval=args.poll_interval,
    )


if __name__ == "__main__":
    sys.exit(main())
