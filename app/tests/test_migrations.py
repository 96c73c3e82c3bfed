from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command

from control_plane.db.migrate import alembic_config, upgrade_to_head
from control_plane.db.sqlite import prepare_database_file
from tests.conftest import make_settings


def test_existing_0001_database_upgrades_to_0002_and_back(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    prepare_database_file(settings.database_path)
    command.upgrade(alembic_config(settings), "0001")
    conn = sqlite3.connect(settings.database_path)
    conn.execute("INSERT INTO users (username, password_hash, created_at) VALUES ('u', 'h', 1)")
    conn.commit()

    upgrade_to_head(settings)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0004"
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    insert = (
        "INSERT INTO strategies (name, underlying, expiry_rule, strike_selection, quantity,"
        " entry_time, exit_time, timezone, max_loss_pct, max_profit_pct, created_at, updated_at)"
        " VALUES (?, ?, 'nearest_daily', '{}', ?, '09:30:00', '17:00:00', 'UTC', 50, 80, 1, 1)"
    )
    conn.execute(insert, ("A", "BTC", 1))
    conn.commit()
    for values in (("a", "BTC", 1), ("B", "SOL", 1), ("C", "ETH", 0)):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(insert, values)
    conn.rollback()

    command.downgrade(alembic_config(settings), "0001")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "strategies" not in tables
    assert "users" in tables
    conn.close()


def test_0003_gives_existing_users_the_admin_role(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    prepare_database_file(settings.database_path)
    command.upgrade(alembic_config(settings), "0002")
    conn = sqlite3.connect(settings.database_path)
    conn.execute("INSERT INTO users (username, password_hash, created_at) VALUES ('u', 'h', 1)")
    conn.commit()

    upgrade_to_head(settings)
    assert conn.execute("SELECT role, password_changed_at FROM users").fetchone() == ("admin", 0)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO users (username, password_hash, created_at, role)"
            " VALUES ('v', 'h', 1, 'root')"
        )
    conn.rollback()

    command.downgrade(alembic_config(settings), "0002")
    columns = {row[1] for row in conn.execute("PRAGMA table_info(users)")}
    assert columns == {"id", "username", "password_hash", "created_at"}
    conn.close()
