"""Alembic configured in code, so the migrations ship inside the package."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from control_plane.db.sqlite import prepare_database_file, probe_connection
from control_plane.settings import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", f"sqlite:///{settings.database_path}")
    return config


def upgrade_to_head(settings: Settings) -> None:
    prepare_database_file(settings.database_path)
    command.upgrade(alembic_config(settings), "head")


def head_revision(settings: Settings) -> str | None:
    return ScriptDirectory.from_config(alembic_config(settings)).get_current_head()


def current_revision(settings: Settings) -> str | None:
    """Read straight from Alembic's table on a probe connection: readiness asks on every call,
    and Alembic's own reader logs two INFO lines each time. A busy database raises
    sqlite3.Error."""
    if not settings.database_path.exists():
        return None
    conn = probe_connection(settings.database_path, read_only=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    finally:
        conn.close()
    return str(row[0]) if row is not None else None
