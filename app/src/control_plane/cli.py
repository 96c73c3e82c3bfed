"""The `control-plane` console script."""

from __future__ import annotations

import argparse
import logging
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from control_plane.settings import ConfigurationError, Settings, load_settings


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from control_plane.disk_watch import DiskWatch
    from control_plane.logging_setup import configure_logging
    from control_plane.main import create_app
    from control_plane.notifications.sender import install, uninstall

    if args.upgrade_db:
        # Before the logging is configured, as in its own `db upgrade` run: Alembic's lines stay
        # out of the backend's log.
        _db_upgrade(settings, args)
    configure_logging(settings.LOG_LEVEL, settings.BACKEND_LOG_PATH)
    notifications = install(settings)
    disk_watch = DiskWatch(settings.data_dir, settings.READY_MIN_FREE_BYTES)
    disk_watch.start()
    try:
        uvicorn.run(
            create_app(settings),
            host=args.host,
            port=args.port,
            log_config=None,
            access_log=False,
            proxy_headers=True,
        )
    finally:
        disk_watch.stop()
        uninstall(notifications)
    return 0


def _notify(settings: Settings, args: argparse.Namespace) -> int:
    """A play event (or any mapped event) sent now, and logged to BACKEND_LOG_PATH so the
    notification's Log Viewer link finds it."""
    from control_plane.logging_setup import configure_logging
    from control_plane.notifications.events import EVENTS
    from control_plane.notifications.sender import NotificationSender

    fields: dict[str, str] = dict(args.field)
    try:
        sender = NotificationSender(settings)
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        configure_logging(settings.LOG_LEVEL, settings.BACKEND_LOG_PATH, stdout=False)
    except OSError as exc:
        print(f"not logged to {settings.BACKEND_LOG_PATH}: {exc}", file=sys.stderr)
    level = {"failure": logging.ERROR, "warning": logging.WARNING}.get(
        EVENTS[args.event].severity, logging.INFO
    )
    logging.getLogger("control_plane.notifications").log(
        level, args.summary, extra={"event": args.event, "details": fields}
    )
    if not sender.enabled:
        print(f"{args.event}: notifications are off (NOTIFY_URLS is empty)")
        return 0
    if not sender.send(sender.compose(args.event, args.summary, fields, release=args.release)):
        print(f"{args.event}: not sent: a channel did not take it", file=sys.stderr)
        return 1
    print(f"{args.event}: sent")
    return 0


def _alert_relay(settings: Settings, args: argparse.Namespace) -> int:
    """Alertmanager's webhook receiver, sending each alert to NOTIFY_URLS (monitoring profile)."""
    import uvicorn

    from control_plane.logging_setup import configure_logging
    from control_plane.notifications.alert_relay import create_relay
    from control_plane.notifications.sender import NotificationSender

    if not settings.ALERT_RELAY_TOKEN:
        print("configuration error: ALERT_RELAY_TOKEN is not set", file=sys.stderr)
        return 2
    try:
        sender = NotificationSender(settings)
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.LOG_LEVEL, settings.BACKEND_LOG_PATH)
    uvicorn.run(
        create_relay(settings, sender),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
    )
    return 0


def _disk_check(settings: Settings, _args: argparse.Namespace) -> int:
    """One check of the data volume against READY_MIN_FREE_BYTES, notified like the server's."""
    from control_plane.disk_watch import DiskWatch
    from control_plane.logging_setup import configure_logging
    from control_plane.notifications.sender import install, uninstall

    configure_logging(settings.LOG_LEVEL, settings.BACKEND_LOG_PATH)
    notifications = install(settings)
    try:
        low = DiskWatch(settings.data_dir, settings.READY_MIN_FREE_BYTES).check()
    finally:
        uninstall(notifications)
    return 1 if low else 0


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    from control_plane.db.migrate import upgrade_to_head

    upgrade_to_head(settings)
    print(f"database at head: {settings.database_path}")
    return 0


def _logs_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from control_plane.logs.one_shot import ingest_once_timed
    from control_plane.logs.pipeline_lock import PipelineLock

    lock = PipelineLock.for_database(settings.database_path)
    if not lock.try_acquire():
        print("another process is running the log pipeline for this database", file=sys.stderr)
        return 1
    try:
        result = ingest_once_timed(settings)
        print(result.rows)
        if args.timings:
            print(
                f"ingest_seconds={result.ingest_seconds:.3f}"
                f" full_text_trail_seconds={result.full_text_trail_seconds:.3f}",
                file=sys.stderr,
            )
    finally:
        lock.release()
    return 0


def _logs_import_archive(settings: Settings, args: argparse.Namespace) -> int:
    from control_plane.logs.archive import ArchiveError, import_archive

    try:
        result = import_archive(settings.database_path, args.day)
    except ArchiveError as exc:
        print(f"import-archive: {exc}", file=sys.stderr)
        return 1
    already = result.rows - result.imported
    print(
        f"{args.day}: {result.rows} archived rows checked (count and checksum);"
        f" {result.imported} loaded into archived_logs, {already} already there"
    )
    return 0


def _logs_follow(settings: Settings, _args: argparse.Namespace) -> int:
    from control_plane.logs.follow import follow
    from control_plane.logs.tailed_logs import tailed_logs

    return follow(
        logs=tailed_logs(settings),
        database_path=settings.database_path,
        batch_size=settings.BACKEND_LOG_BATCH_SIZE,
        poll_interval=settings.BACKEND_LOG_POLL_INTERVAL,
    )


def _db_backup(settings: Settings, args: argparse.Namespace) -> int:
    from control_plane.db.backup import backup_database

    if not settings.database_path.exists():
        print(f"no database at {settings.database_path}", file=sys.stderr)
        return 1
    try:
        verdict = backup_database(settings.database_path, args.to)
    except sqlite3.DatabaseError as exc:
        verdict = str(exc)
    if verdict != "ok":
        print(f"backup failed integrity_check: {verdict}", file=sys.stderr)
        return 1
    print(f"backup written to {args.to} (integrity_check ok)")
    return 0


def _logs_prune(settings: Settings, _args: argparse.Namespace) -> int:
    from control_plane.logs.retention import LogPruner

    result = LogPruner(
        settings.database_path,
        archive=settings.BACKEND_LOG_ARCHIVE_ENABLED,
        archive_keep_days=settings.BACKEND_LOG_ARCHIVE_KEEP_DAYS,
    ).prune(settings.BACKEND_LOG_RETENTION_DAYS)
    print(
        f"deleted {result.deleted_rows} rows older than {settings.BACKEND_LOG_RETENTION_DAYS} days"
        f" in {result.transactions} transactions; freed {result.freed_pages} pages"
    )
    print(
        f"longest delete transaction {result.longest_transaction_seconds * 1000:.0f} ms"
        f" (its commit alone up to {result.longest_commit_seconds * 1000:.0f} ms);"
        f" waited {result.wal_wait_seconds:.1f} s for the WAL"
    )
    for expired in result.expired_archive_days:
        print(f"deleted the archive of {expired.day} ({expired.rows} rows)")
    return 0


def _demo_seed(settings: Settings, args: argparse.Namespace) -> int:
    from control_plane.db.sqlite import open_connection
    from control_plane.demo import DemoRefused, describe, seed_demo
    from control_plane.sessions.control import KillSwitchTripped
    from control_plane.times import utc_now

    if not settings.database_path.exists():
        print(f"no database at {settings.database_path}; run db upgrade first", file=sys.stderr)
        return 1
    conn = open_connection(settings.database_path)
    try:
        seeded = seed_demo(conn, args.days, args.seed, utc_now())
        print(describe(seeded, conn, args.days))
    except DemoRefused as exc:
        print(f"demo seed refused: {exc}", file=sys.stderr)
        return 1
    except KillSwitchTripped:
        print("demo seed refused: the kill switch is tripped; re-arm it first", file=sys.stderr)
        return 1
    finally:
        conn.close()
    return 0


def _demo_logs(settings: Settings, args: argparse.Namespace) -> int:
    from control_plane.db.sqlite import connect
    from control_plane.demo_logs import seed_demo_logs
    from control_plane.times import now_us

    if not settings.database_path.exists():
        print(f"no database at {settings.database_path}; run db upgrade first", file=sys.stderr)
        return 1
    # A large cache keeps the indexes' pages in memory across the chunks.
    conn = connect(settings.database_path, cache_kib=128 * 1024)
    try:
        seeded = seed_demo_logs(conn, args.rows, days=args.days, now_us=now_us(), seed=args.seed)
    finally:
        conn.close()
    print(
        f"wrote {seeded.rows} demo log rows over {args.days} days in {seeded.seconds:.1f} s"
        f" ({seeded.rows / max(seeded.seconds, 1e-9):,.0f} rows/s)"
    )
    return 0


def _rows(text: str) -> int:
    rows = int(text)
    if not 1 <= rows <= 50_000_000:
        raise argparse.ArgumentTypeError("rows must be between 1 and 50,000,000")
    return rows


def _ops(settings: Settings, args: argparse.Namespace) -> int:
    """Ask the backend serving on this host (the deploy runs this inside its container)."""
    import httpx

    method, path = OPS_CALLS[args.ops_command]
    headers = {"Authorization": f"Bearer {settings.OPS_API_TOKEN}"}
    try:
        response = httpx.request(
            method, f"{args.url.rstrip('/')}{path}", headers=headers, timeout=args.timeout
        )
    except httpx.HTTPError as exc:
        print(f"the backend at {args.url} did not answer: {exc}", file=sys.stderr)
        return 1
    if response.status_code != 200:
        print(
            f"the backend at {args.url} answered {response.status_code}: {response.text}",
            file=sys.stderr,
        )
        return 1
    print(response.text)
    return 0


OPS_CALLS = {
    "trading-state": ("GET", "/api/ops/trading-state"),
    "hand-off": ("POST", "/api/ops/engine/hand-off"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="control-plane")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    serve.add_argument(
        "--upgrade-db",
        action="store_true",
        help="apply migrations to head first, as `db upgrade` does (the container's start: one "
        "Python process instead of two)",
    )
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations to head").set_defaults(
        handler=_db_upgrade
    )
    backup = db_commands.add_parser("backup", help="online backup, then integrity_check")
    backup.add_argument("--to", type=Path, required=True, metavar="FILE")
    backup.set_defaults(handler=_db_backup)

    logs = commands.add_parser("logs", help="backend log pipeline")
    logs_commands = logs.add_subparsers(dest="logs_command", required=True)
    ingest = logs_commands.add_parser(
        "ingest", help="drain BACKEND_LOG_PATH (and EDGE_ACCESS_LOG_PATH) into the database"
    )
    ingest.add_argument("--once", action="store_true", required=True, help="drain to end and exit")
    ingest.add_argument(
        "--timings", action="store_true", help="print ingest and full-text timings to stderr"
    )
    ingest.set_defaults(handler=_logs_ingest)
    logs_commands.add_parser("prune", help="one retention pass").set_defaults(handler=_logs_prune)
    import_archive = logs_commands.add_parser(
        "import-archive",
        help="load a day's archive of deleted rows (data/archive/) into archived_logs",
    )
    import_archive.add_argument("day", help="the rows' UTC date, YYYY-MM-DD")
    import_archive.set_defaults(handler=_logs_import_archive)
    logs_commands.add_parser(
        "follow",
        help="tail BACKEND_LOG_PATH (and EDGE_ACCESS_LOG_PATH) in the foreground until SIGTERM",
    ).set_defaults(handler=_logs_follow)

    ops = commands.add_parser("ops", help="the deploy's calls to the running backend")
    ops.add_argument("--url", default="http://127.0.0.1:8001", help="the backend's base URL")
    ops.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the answer")
    ops_commands = ops.add_subparsers(dest="ops_command", required=True)
    ops_commands.add_parser(
        "trading-state", help="print the engine, the active sessions and their next entry/exit"
    ).set_defaults(handler=_ops)
    ops_commands.add_parser(
        "hand-off", help="make the backend finish its tick and release the engine for good"
    ).set_defaults(handler=_ops)
    notify = commands.add_parser(
        "notify", help="send an event's notification to NOTIFY_URLS (and log it)"
    )
    notify.add_argument(
        "event",
        choices=sorted(_notification_events()),
        metavar="EVENT",
        help="one of: " + ", ".join(sorted(_notification_events())),
    )
    notify.add_argument("--summary", required=True, type=_summary, help="what happened, one line")
    notify.add_argument(
        "--field",
        action="append",
        default=[],
        type=_field,
        metavar="KEY=VALUE",
        help="a detail the event's notification shows (repeatable)",
    )
    notify.add_argument("--release", help="the release it concerns (default: GIT_SHA)")
    notify.set_defaults(handler=_notify)

    relay = commands.add_parser(
        "alert-relay", help="relay Alertmanager's alerts to NOTIFY_URLS (monitoring profile)"
    )
    relay.add_argument("--host", default="0.0.0.0", help="address to listen on")
    relay.add_argument("--port", type=int, default=9095, help="port to listen on")
    relay.set_defaults(handler=_alert_relay)

    disk = commands.add_parser("disk", help="the data volume")
    disk_commands = disk.add_subparsers(dest="disk_command", required=True)
    disk_commands.add_parser(
        "check", help="log (and notify) disk_low when below READY_MIN_FREE_BYTES; exit 1 then"
    ).set_defaults(handler=_disk_check)

    demo = commands.add_parser("demo", help="demonstration data")
    demo_commands = demo.add_subparsers(dest="demo_command", required=True)
    demo_seed = demo_commands.add_parser(
        "seed", help="write a reproducible paper history, replacing the demo's earlier one"
    )
    demo_seed.add_argument("--days", type=_days, default=90, help="days of history (1-366)")
    demo_seed.add_argument("--seed", type=int, default=0, help="market seed")
    demo_seed.set_defaults(handler=_demo_seed)
    demo_logs = demo_commands.add_parser(
        "logs", help="write synthetic log rows over the last days (the viewer at scale)"
    )
    demo_logs.add_argument("--rows", type=_rows, required=True, help="how many (1-50,000,000)")
    demo_logs.add_argument("--days", type=_days, default=7, help="spread over (1-366 days)")
    demo_logs.add_argument("--seed", type=int, default=0, help="which rows")
    demo_logs.set_defaults(handler=_demo_logs)
    return parser


def _notification_events() -> list[str]:
    from control_plane.notifications.events import EVENTS

    return list(EVENTS)


def _summary(text: str) -> str:
    if not text.strip() or any(character in text for character in "\r\n\x00"):
        raise argparse.ArgumentTypeError("the summary must be one non-empty line")
    return text


def _field(text: str) -> tuple[str, str]:
    key, separator, value = text.partition("=")
    if not separator or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", key):
        raise argparse.ArgumentTypeError(
            f"{key or text!r}: a field is KEY=VALUE, KEY in lower case letters, digits and _"
        )
    return key, value


def _days(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 366:
        raise argparse.ArgumentTypeError("days must be between 1 and 366")
    return value


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    handler: Callable[[Settings, argparse.Namespace], int] = args.handler
    return handler(settings, args)


if __name__ == "__main__":
    sys.exit(main())
