"""The `control-plane` console script."""

from __future__ import annotations

import argparse
import sys

from control_plane.settings import ConfigurationError, Settings, load_settings


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from control_plane.logging_setup import configure_logging
    from control_plane.main import create_app

    configure_logging(settings.LOG_LEVEL, settings.BACKEND_LOG_PATH)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )
    return 0


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    from control_plane.db.migrate import upgrade_to_head

    upgrade_to_head(settings)
    print(f"database at head: {settings.database_path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="control-plane")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations to head").set_defaults(
        handler=_db_upgrade
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    return args.handler(settings, args)


if __name__ == "__main__":
    sys.exit(main())
