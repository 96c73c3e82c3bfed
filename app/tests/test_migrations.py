from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command

from control_plane.db.migrate import alembic_config, upgrade_to_head
from control_plane.db.sqlite import prepare_database_file
from control_plane.logs.text_search import trigram_match
from control_plane.settings import Settings
from tests.conftest import make_settings


def database_with_a_user(tmp_path: Path, revision: str) -> tuple[Settings, sqlite3.Connection]:
    """A database at an older revision holding one user, as an upgrade finds it."""
    settings = make_settings(tmp_path)
    prepare_database_file(settings.database_path)
    command.upgrade(alembic_config(settings), revision)
    conn = sqlite3.connect(settings.database_path)
    conn.execute("INSERT INTO users (username, password_hash, created_at) VALUES ('u', 'h', 1)")
    conn.commit()
    return settings, conn


def test_existing_0001_database_upgrades_to_0002_and_back(tmp_path: Path) -> None:
    settings, conn = database_with_a_user(tmp_path, "0001")

    upgrade_to_head(settings)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0014"
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
    settings, conn = database_with_a_user(tmp_path, "0002")

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


def test_0004_adds_sessions_fills_timeline_and_kill_switch(tmp_path: Path) -> None:
    settings, conn = database_with_a_user(tmp_path, "0003")
    conn.execute("PRAGMA foreign_keys=ON")

    upgrade_to_head(settings)
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    assert conn.execute("SELECT id, tripped, tripped_at FROM kill_switch").fetchall() == [
        (1, 0, None)
    ]
    insert_session = (
        "INSERT INTO trading_sessions (strategy_id, strategy_name, mode, status, config,"
        " market_seed, market_start, started_at, updated_at)"
        " VALUES (?, 'S', 'paper', ?, '{}', 1, 1, 1, 1)"
    )
    conn.execute(insert_session, (1, "running"))
    conn.execute(insert_session, (1, "stopped"))
    conn.execute(insert_session, (1, "interrupted"))
    conn.commit()
    # One live session per strategy; bad statuses and a second kill switch row are refused.
    for values in ((1, "paused"), (1, "running"), (2, "sleeping")):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(insert_session, values)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO kill_switch (id) VALUES (2)")
    insert_fill = (
        "INSERT INTO trading_fills (session_id, strategy_id, client_order_id, leg, side, strike,"
        " price, contracts, fee, time) VALUES (?, 1, ?, 'call', 'sell', 64000, 1.5, 10, 0.1, 1)"
    )
    conn.execute(insert_fill, (1, "order-1"))
    for values in ((1, "order-1"), (99, "order-2")):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(insert_fill, values)
    conn.rollback()
    plan = " ".join(
        str(row)
        for row in conn.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM timeline_events WHERE strategy_id = 1"
            " AND time >= 0 AND time < 10 ORDER BY time, id"
        )
    )
    assert "ix_timeline_events_strategy_time" in plan

    command.downgrade(alembic_config(settings), "0003")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert not {"trading_sessions", "trading_fills", "timeline_events", "kill_switch"} & tables
    assert "strategies" in tables
    conn.close()


def test_0005_adds_live_order_columns_and_downgrades(tmp_path: Path) -> None:
    settings, conn = database_with_a_user(tmp_path, "0004")
    conn.execute(
        "INSERT INTO trading_sessions (strategy_id, strategy_name, mode, status, config,"
        " market_seed, market_start, started_at, updated_at)"
        " VALUES (1, 'S', 'live', 'running', '{}', 1, 1, 1, 1)"
    )
    conn.commit()

    upgrade_to_head(settings)
    row = conn.execute(
        "SELECT mode, pending_orders, close_request FROM trading_sessions"
    ).fetchone()
    assert tuple(row) == ("live", None, None)
    fill_columns = {row[1] for row in conn.execute("PRAGMA table_info(trading_fills)")}
    assert "exchange_order_id" in fill_columns

    command.downgrade(alembic_config(settings), "0004")
    session_columns = {row[1] for row in conn.execute("PRAGMA table_info(trading_sessions)")}
    assert not {"pending_orders", "close_request"} & session_columns
    assert conn.execute("SELECT count(*) FROM trading_sessions").fetchone()[0] == 1
    conn.close()


def test_0006_adds_auth_sessions_and_deactivation_and_downgrades(tmp_path: Path) -> None:
    settings, conn = database_with_a_user(tmp_path, "0005")
    conn.execute("PRAGMA foreign_keys=ON")

    upgrade_to_head(settings)
    assert conn.execute("SELECT username, deactivated_at FROM users").fetchone() == ("u", None)
    insert = (
        "INSERT INTO auth_sessions (id, username, created_at_us, expires_at_us,"
        " refresh_token_hash) VALUES (?, ?, 1, 2, 'h')"
    )
    conn.execute(insert, ("a" * 32, "u"))
    conn.commit()
    # Ids are 128 bits in hex, unique, and belong to an existing user.
    for values in (("a" * 32, "u"), ("short", "u"), ("b" * 32, "nobody")):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(insert, values)
    conn.rollback()

    command.downgrade(alembic_config(settings), "0005")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "auth_sessions" not in tables
    assert "deactivated_at" not in {row[1] for row in conn.execute("PRAGMA table_info(users)")}
    assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
    conn.close()


def test_0007_renames_browser_rows_to_ui_keeps_ids_and_the_index_and_downgrades(
    tmp_path: Path,
) -> None:
    settings, conn = database_with_a_user(tmp_path, "0005")
    insert = (
        "INSERT INTO backend_logs (ts, level, event, message, source, ingested_at)"
        " VALUES (1, 'INFO', 'e', ?, ?, 1)"
    )
    conn.executemany(insert, [("kept backend", "backend"), ("old browser", "frontend")])
    conn.execute(
        "INSERT INTO backend_logs_fts (rowid, message) SELECT id, message FROM backend_logs"
    )
    conn.execute("DELETE FROM backend_logs WHERE id = 2")
    conn.execute(insert, ("old browser", "frontend"))
    conn.execute("UPDATE backend_logs_fts_state SET indexed_through = 3")
    conn.commit()

    upgrade_to_head(settings)
    rows = conn.execute("SELECT id, source, message FROM backend_logs ORDER BY id").fetchall()
    assert rows == [(1, "backend", "kept backend"), (3, "ui", "old browser")]
    conn.execute(insert, ("new", "ingest"))
    assert conn.execute("SELECT max(id) FROM backend_logs").fetchone()[0] == 4
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(insert, ("bad", "frontend"))
    found = conn.execute(
        "SELECT b.message FROM backend_logs_fts f JOIN backend_logs b ON b.id = f.rowid"
        " WHERE backend_logs_fts MATCH ?",
        (trigram_match("kept"),),
    ).fetchall()
    assert found == [("kept backend",)]
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(backend_logs)")}
    assert "ix_backend_logs_correlation_ts" in indexes
    conn.commit()

    command.downgrade(alembic_config(settings), "0005")
    sources = [row[0] for row in conn.execute("SELECT source FROM backend_logs ORDER BY id")]
    assert sources == ["backend", "frontend", "frontend"]
    conn.close()


def test_0009_allows_edge_rows_keeps_ids_and_downgrade_removes_them(tmp_path: Path) -> None:
    settings, conn = database_with_a_user(tmp_path, "0008")
    insert = (
        "INSERT INTO backend_logs (ts, level, event, message, source, ingested_at)"
        " VALUES (1, 'INFO', 'e', ?, ?, 1)"
    )
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(insert, ("edge before 0009", "edge"))
    conn.executemany(insert, [("kept backend", "backend"), ("kept ui", "ui")])
    conn.commit()

    upgrade_to_head(settings)
    conn.execute(insert, ("GET /api/x 200 1 ms", "edge"))
    conn.execute(
        "INSERT INTO backend_logs_fts (rowid, message) SELECT id, message FROM backend_logs"
    )
    conn.execute("UPDATE backend_logs_fts_state SET indexed_through = 3")
    conn.commit()
    rows = conn.execute("SELECT id, source FROM backend_logs ORDER BY id").fetchall()
    assert rows == [(1, "backend"), (2, "ui"), (3, "edge")]
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(insert, ("bad", "frontend"))
    conn.rollback()
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(backend_logs)")}
    assert "ix_backend_logs_correlation_ts" in indexes

    command.downgrade(alembic_config(settings), "0008")
    rows = conn.execute("SELECT id, source FROM backend_logs ORDER BY id").fetchall()
    assert rows == [(1, "backend"), (2, "ui")]
    found = conn.execute(
        "SELECT rowid FROM backend_logs_fts WHERE backend_logs_fts MATCH 'api'"
    ).fetchall()
    assert found == []
    conn.close()


def test_0010_indexes_message_and_payload_trigrams_up_to_the_watermark_and_downgrades(
    tmp_path: Path,
) -> None:
    settings, conn = database_with_a_user(tmp_path, "0009")
    insert = (
        "INSERT INTO backend_logs (ts, level, event, message, payload, ingested_at)"
        " VALUES (1, 'INFO', 'e', ?, ?, 1)"
    )
    conn.executemany(
        insert,
        [
            ("order placed", '{"order_id": "ORD-778812"}'),
            ("order filled", '{"order_id": "ORD-990011"}'),
            ("not indexed yet", '{"order_id": "ORD-778899"}'),
        ],
    )
    conn.execute(
        "INSERT INTO backend_logs_fts (rowid, message) SELECT id, message FROM backend_logs"
        " WHERE id <= 2"
    )
    conn.execute("UPDATE backend_logs_fts_state SET indexed_through = 2")
    conn.commit()

    upgrade_to_head(settings)
    search = "SELECT rowid FROM backend_logs_fts WHERE backend_logs_fts MATCH ? ORDER BY rowid"
    assert conn.execute(search, (trigram_match("7788"),)).fetchall() == [(1,)]
    assert conn.execute(search, (trigram_match("lled"),)).fetchall() == [(2,)]
    conn.execute("INSERT INTO backend_logs_fts (backend_logs_fts) VALUES ('integrity-check')")
    conn.commit()

    command.downgrade(alembic_config(settings), "0009")
    assert conn.execute(search, ("filled",)).fetchall() == [(2,)]
    assert conn.execute(search, ("indexed",)).fetchall() == []
    conn.close()


def test_0011_interns_correlation_ids_keeps_ids_and_the_text_and_downgrades(
    tmp_path: Path,
) -> None:
    settings, conn = database_with_a_user(tmp_path, "0010")
    insert = (
        "INSERT INTO backend_logs (ts, level, event, message, correlation_id, ingested_at)"
        " VALUES (?, 'INFO', 'e', ?, ?, 1)"
    )
    conn.executemany(
        insert, [(1, "a", "req-2"), (2, "b", None), (3, "c", "req-1"), (4, "d", "req-2")]
    )
    conn.execute("DELETE FROM backend_logs WHERE id = 4")
    conn.commit()

    upgrade_to_head(settings)
    interned = conn.execute("SELECT id, correlation_id FROM log_correlations ORDER BY id")
    assert interned.fetchall() == [(1, "req-2"), (2, "req-1")]  # in order of first appearance
    rows = conn.execute("SELECT id, correlation FROM backend_logs ORDER BY id").fetchall()
    assert rows == [(1, 1), (2, None), (3, 2)]
    view = conn.execute("SELECT id, correlation_id FROM backend_logs_view ORDER BY id")
    assert view.fetchall() == [(1, "req-2"), (2, None), (3, "req-1")]
    conn.execute("INSERT INTO backend_logs (ts, level, ingested_at) VALUES (5, 'INFO', 1)")
    # The deleted row's id is not given again.
    assert conn.execute("SELECT max(id) FROM backend_logs").fetchone()[0] == 5
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(backend_logs)")}
    assert "ix_backend_logs_correlation_ts" in indexes
    assert "ix_backend_logs_hour_correlation_id" not in indexes
    conn.commit()

    command.downgrade(alembic_config(settings), "0010")
    rows = conn.execute("SELECT id, correlation_id FROM backend_logs ORDER BY id").fetchall()
    assert rows == [(1, "req-2"), (2, None), (3, "req-1"), (5, None)]
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(backend_logs)")}
    assert "ix_backend_logs_hour_correlation_id" in indexes
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert not {"log_correlations", "backend_logs_view"} & tables
    conn.close()


def test_0012_counts_the_stored_rows_per_minute_and_hour_level_source_and_event_and_downgrades(
    tmp_path: Path,
) -> None:
    settings, conn = database_with_a_user(tmp_path, "0011")
    minute = 60_000_000
    insert = (
        "INSERT INTO backend_logs (ts, level, event, source, message, ingested_at)"
        " VALUES (?, ?, ?, ?, 'm', 1)"
    )
    rows = [
        (5 * minute, "INFO", "a", "backend"),
        (5 * minute + 59_999_999, "INFO", "a", "backend"),
        (5 * minute + 1, "INFO", None, "backend"),
        (5 * minute + 2, "INFO", "", "backend"),
        (6 * minute, "ERROR", "a", "ui"),
    ]
    conn.executemany(insert, rows)
    conn.commit()

    upgrade_to_head(settings)
    counts = conn.execute(
        "SELECT span_minutes, minute, level, source, has_event, event, row_count"
        " FROM backend_logs_volume ORDER BY 1, 2, 3, 4, 5, 6"
    ).fetchall()
    assert counts == [
        (1, 5, "INFO", "backend", 0, "", 1),
        (1, 5, "INFO", "backend", 1, "", 1),
        (1, 5, "INFO", "backend", 1, "a", 2),
        (1, 6, "ERROR", "ui", 1, "a", 1),
        (60, 0, "ERROR", "ui", 1, "a", 1),
        (60, 0, "INFO", "backend", 0, "", 1),
        (60, 0, "INFO", "backend", 1, "", 1),
        (60, 0, "INFO", "backend", 1, "a", 2),
    ]
    watermark = "SELECT counted_through FROM backend_logs_volume_state"
    assert conn.execute(watermark).fetchone() == (5,)

    command.downgrade(alembic_config(settings), "0011")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert not {"backend_logs_volume", "backend_logs_volume_state"} & tables
    conn.close()


def test_0013_turns_automerge_off_for_the_indexers_merge_steps_and_downgrades(
    tmp_path: Path,
) -> None:
    settings, conn = database_with_a_user(tmp_path, "0012")
    conn.executemany(
        "INSERT INTO backend_logs (ts, level, message, payload, ingested_at)"
        " VALUES (1, 'INFO', ?, ?, 1)",
        [("order placed", '{"order_id": "ORD-778812"}'), ("order filled", None)],
    )
    conn.execute(
        "INSERT INTO backend_logs_fts (rowid, message, payload) SELECT id, message, payload"
        " FROM backend_logs"
    )
    conn.execute("UPDATE backend_logs_fts_state SET indexed_through = 2")
    conn.commit()
    config = "SELECT k, v FROM backend_logs_fts_config WHERE k != 'version' ORDER BY k"

    upgrade_to_head(settings)
    assert conn.execute(config).fetchall() == [
        ("automerge", 0),
        ("crisismerge", 64),
        ("hashsize", 64 * 1024 * 1024),
        ("usermerge", 8),
    ]
    search = "SELECT rowid FROM backend_logs_fts WHERE backend_logs_fts MATCH ? ORDER BY rowid"
    assert conn.execute(search, (trigram_match("7788"),)).fetchall() == [(1,)]
    assert conn.execute(search, (trigram_match("order"),)).fetchall() == [(1,), (2,)]
    conn.execute("INSERT INTO backend_logs_fts (backend_logs_fts) VALUES ('integrity-check')")
    conn.commit()

    command.downgrade(alembic_config(settings), "0012")
    assert conn.execute(config).fetchall() == [
        ("automerge", 4),
        ("crisismerge", 16),
        ("hashsize", 1024 * 1024),
        ("usermerge", 4),
    ]
    assert conn.execute(search, (trigram_match("filled"),)).fetchall() == [(2,)]
    conn.close()


def test_0014_indexes_only_in_word_trigrams_keeps_the_merge_policy_and_downgrades(
    tmp_path: Path,
) -> None:
    settings, conn = database_with_a_user(tmp_path, "0013")
    conn.executemany(
        "INSERT INTO backend_logs (ts, level, message, payload, ingested_at)"
        " VALUES (1, 'INFO', ?, ?, 1)",
        [
            ("order placed", '{"order_id": "ORD-778812"}'),
            ("order filled", None),
            ("not indexed yet", '{"order_id": "ORD-778899"}'),
        ],
    )
    conn.execute(
        "INSERT INTO backend_logs_fts (rowid, message, payload) SELECT id, message, payload"
        " FROM backend_logs WHERE id <= 2"
    )
    conn.execute("UPDATE backend_logs_fts_state SET indexed_through = 2")
    conn.commit()
    config = "SELECT k, v FROM backend_logs_fts_config WHERE k != 'version' ORDER BY k"
    merge_policy = conn.execute(config).fetchall()
    search = "SELECT rowid FROM backend_logs_fts WHERE backend_logs_fts MATCH ? ORDER BY rowid"
    across_words = '"r p"'  # "order placed": the end of one word and the start of the next

    upgrade_to_head(settings)
    schema = "SELECT sql FROM sqlite_master WHERE name = 'backend_logs_fts'"
    assert "tokenize='word_trigram'" in conn.execute(schema).fetchone()[0]
    assert conn.execute(config).fetchall() == merge_policy
    assert conn.execute(search, (trigram_match("7788"),)).fetchall() == [(1,)]
    assert conn.execute(search, (trigram_match("ORDER"),)).fetchall() == [(1,), (2,)]
    assert conn.execute(search, (trigram_match("yet"),)).fetchall() == []
    assert conn.execute(search, (across_words,)).fetchall() == []
    conn.execute("INSERT INTO backend_logs_fts (backend_logs_fts) VALUES ('integrity-check')")
    conn.commit()

    command.downgrade(alembic_config(settings), "0013")
    assert "tokenize='trigram'" in conn.execute(schema).fetchone()[0]
    assert conn.execute(config).fetchall() == merge_policy
    assert conn.execute(search, (across_words,)).fetchall() == [(1,)]
    assert conn.execute(search, (trigram_match("filled"),)).fetchall() == [(2,)]
    assert conn.execute(search, (trigram_match("yet"),)).fetchall() == []
    conn.close()
