"""The schema, declared once as SQLAlchemy Core tables; the Alembic migrations create it and
`tests/test_schema_drift.py` fails when the two differ.

Times are integer microseconds since the epoch (UTC) unless a column says otherwise. Primary
keys are nullable because the migrations declare them without NOT NULL (for a TEXT key SQLite
then accepts NULL; the app always supplies one).
"""

from __future__ import annotations

import json
from datetime import time
from typing import Any, Literal, get_args

from sqlalchemy import (
    REAL,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.engine import Dialect

metadata = MetaData()


class JsonText(TypeDecorator[Any]):
    """JSON in a TEXT column (stored as SQLAlchemy's JSON type stores it on SQLite)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json.dumps(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


class TimeText(TypeDecorator[time]):
    """A time of day in a TEXT column, HH:MM:SS.ffffff (as SQLAlchemy's Time stores it)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: time | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"

    def process_result_value(self, value: str | None, dialect: Dialect) -> time | None:
        return None if value is None else time.fromisoformat(value)


# Core cannot declare these; the drift check skips them by name.
NOT_IN_METADATA = {
    # CREATE VIRTUAL TABLE has no Core construct; FTS5 makes the shadow tables itself.
    "backend_logs_fts": "FTS5 virtual table over backend_logs.message",
    "backend_logs_fts_data": "FTS5 shadow table",
    "backend_logs_fts_idx": "FTS5 shadow table",
    "backend_logs_fts_config": "FTS5 shadow table",
}

HOUR_US = 3_600_000_000

# Who wrote a row: the backend's log file, a signed-in user's browser, the ingest key, the edge's
# access log file.
LogSource = Literal["backend", "ui", "ingest", "edge"]
LOG_SOURCES: tuple[LogSource, ...] = get_args(LogSource)

backend_logs = Table(
    "backend_logs",
    metadata,
    Column("id", Integer, primary_key=True, nullable=True),
    Column("ts", Integer, nullable=False),
    Column("level", Text, nullable=False),
    Column("logger", Text),
    Column("event", Text),
    Column("message", Text),
    # The correlation id interned in log_correlations (the view below shows its text).
    Column("correlation", Integer),
    Column("strategy_id", Text),
    Column(
        "source",
        Text,
        CheckConstraint(f"source IN ({', '.join(repr(name) for name in LOG_SOURCES)})"),
        nullable=False,
        server_default="backend",
    ),
    Column("parse_error", Integer, nullable=False, server_default="0"),
    Column("truncated", Integer, nullable=False, server_default="0"),
    Column("payload", Text),
    Column("ingested_at", Integer, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_backend_logs_ts", backend_logs.c.ts)
Index("ix_backend_logs_level_ts", backend_logs.c.level, backend_logs.c.ts)
Index("ix_backend_logs_event_ts", backend_logs.c.event, backend_logs.c.ts)
Index("ix_backend_logs_correlation_ts", backend_logs.c.correlation, backend_logs.c.ts)

# Each correlation id once: rows carry its integer id, so the (correlation, ts) index stays small
# and an insert compares integers (migration 0011). Ids are never reused.
log_correlations = Table(
    "log_correlations",
    metadata,
    Column("id", Integer, primary_key=True, nullable=True),
    Column("correlation_id", Text, nullable=False, unique=True),
)

# backend_logs with the correlation id as text, in archived_logs' column order: what a person
# queries from the sqlite3 shell (docs/operations.md). Migration 0011 creates it.
BACKEND_LOGS_VIEW = "backend_logs_view"

MINUTE_US = 60_000_000

# Row counts of backend_logs per span (a minute, or an hour), level, source and event, for the
# rows up to the state's watermark (logs.volume), so facets and histograms add counts instead of
# scanning rows. `minute` is the span's first (ts // MINUTE_US); `event` is '' and `has_event` 0
# for rows without one (a key cannot be NULL).
backend_logs_volume = Table(
    "backend_logs_volume",
    metadata,
    Column("span_minutes", Integer, primary_key=True),
    Column("minute", Integer, primary_key=True),
    Column("level", Text, primary_key=True),
    Column("source", Text, primary_key=True),
    Column("has_event", Integer, primary_key=True),
    Column("event", Text, primary_key=True),
    Column("row_count", Integer, nullable=False),
    sqlite_with_rowid=False,
)

backend_logs_volume_state = Table(
    "backend_logs_volume_state",
    metadata,
    Column("id", Integer, CheckConstraint("id = 1"), primary_key=True, nullable=True),
    Column("counted_through", Integer, nullable=False),
)

# Rows retention deleted, archived day by day in data/archive/ (control_plane.logs.archive):
# what each day's file holds up to its committed length, and its rows' checksum chain.
log_archive_days = Table(
    "log_archive_days",
    metadata,
    Column("day", Text, primary_key=True, nullable=True),
    Column("rows", Integer, nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("updated_at", Integer, nullable=False),
)

# A day of archived rows loaded back (control-plane logs import-archive DAY), with their ids.
archived_logs = Table(
    "archived_logs",
    metadata,
    # backend_logs' columns, without its defaults and checks: every value comes from the archive;
    # the correlation id is kept as its text.
    *(
        Column("correlation_id", Text)
        if column.name == "correlation"
        else Column(
            column.name, column.type, primary_key=column.primary_key, nullable=column.nullable
        )
        for column in backend_logs.columns
    ),
)
Index("ix_archived_logs_ts", archived_logs.c.ts)
Index("ix_archived_logs_correlation_id_ts", archived_logs.c.correlation_id, archived_logs.c.ts)

backend_logs_fts_state = Table(
    "backend_logs_fts_state",
    metadata,
    Column("id", Integer, CheckConstraint("id = 1"), primary_key=True, nullable=True),
    Column("indexed_through", Integer, nullable=False),
)

log_tail_positions = Table(
    "log_tail_positions",
    metadata,
    Column("stream", Text, primary_key=True, nullable=True),
    Column("dev", Integer),
    Column("ino", Integer),
    Column("fingerprint", Text),
    Column("fingerprint_len", Integer, nullable=False, server_default="0"),
    Column("file_offset", Integer, nullable=False, server_default="0"),
    Column("lag_bytes", Integer, nullable=False, server_default="0"),
    Column("lines_total", Integer, nullable=False, server_default="0"),
    Column("parse_errors_total", Integer, nullable=False, server_default="0"),
    Column("last_ingest_at", Integer),
    Column("updated_at", Integer, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, nullable=True),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("created_at", Integer, nullable=False),
    Column(
        "role",
        Text,
        CheckConstraint("role IN ('admin', 'viewer')"),
        nullable=False,
        server_default="admin",
    ),
    # Tokens issued before this time are refused: a password change signs out.
    Column("password_changed_at", Integer, nullable=False, server_default="0"),
    # NULL = an active account.
    Column("deactivated_at", Integer),
    sqlite_autoincrement=True,
)

strategies = Table(
    "strategies",
    metadata,
    Column("id", Integer, primary_key=True, nullable=True),
    Column("name", Text(collation="NOCASE"), nullable=False, unique=True),
    Column("underlying", Text, CheckConstraint("underlying IN ('BTC', 'ETH')"), nullable=False),
    Column("expiry_rule", Text, nullable=False),
    Column("strike_selection", JsonText, nullable=False),
    Column("quantity", Integer, CheckConstraint("quantity > 0"), nullable=False),
    Column("entry_time", TimeText, nullable=False),
    Column("exit_time", TimeText, nullable=False),
    Column("timezone", Text, nullable=False),
    Column("max_loss_pct", REAL, CheckConstraint("max_loss_pct > 0"), nullable=False),
    Column("max_profit_pct", REAL, CheckConstraint("max_profit_pct > 0"), nullable=False),
    Column("trailing_stops", JsonText, nullable=False, server_default="[]"),
    Column(
        "active",
        Integer,
        CheckConstraint("active IN (0, 1)"),
        nullable=False,
        server_default="0",
    ),
    Column("created_at", Integer, nullable=False),
    Column("updated_at", Integer, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_strategies_active", strategies.c.active)

SessionMode = Literal["paper", "live"]
SessionStatus = Literal["running", "paused", "stopped", "panic_closed", "interrupted"]
SESSION_MODES: tuple[SessionMode, ...] = get_args(SessionMode)
SESSION_STATUSES: tuple[SessionStatus, ...] = get_args(SessionStatus)
# Running or paused: the session's engine still acts (at most one per strategy).
ACTIVE_STATUSES: tuple[SessionStatus, ...] = ("running", "paused")

trading_sessions = Table(
    "trading_sessions",
    metadata,
    Column("id", Integer, primary_key=True, nullable=True),
    Column("strategy_id", Integer, nullable=False),
    Column("strategy_name", Text, nullable=False),
    Column("mode", Text, CheckConstraint(f"mode IN {SESSION_MODES!r}"), nullable=False),
    Column("status", Text, CheckConstraint(f"status IN {SESSION_STATUSES!r}"), nullable=False),
    Column("status_reason", Text),
    Column("config", Text, nullable=False),
    Column("engine_state", Text, nullable=False, server_default="{}"),
    Column(
        "enter_now",
        Integer,
        CheckConstraint("enter_now IN (0, 1)"),
        nullable=False,
        server_default="0",
    ),
    Column("market_seed", Integer, nullable=False),
    Column("market_start", Integer, nullable=False),
    Column("realised_pnl", REAL, nullable=False, server_default="0"),
    Column("unrealised_pnl", REAL, nullable=False, server_default="0"),
    Column("fees", REAL, nullable=False, server_default="0"),
    Column("trade_count", Integer, nullable=False, server_default="0"),
    Column("marks", Text),
    Column("started_at", Integer, nullable=False),
    Column("ended_at", Integer),
    Column("updated_at", Integer, nullable=False),
    # JSON: the orders of one live open or close, written before they are sent to Delta.
    Column("pending_orders", Text),
    # JSON: a stop, panic or kill switch asked of a live session, carried out by its engine.
    Column("close_request", Text),
    sqlite_autoincrement=True,
)
# At most one active session per strategy, whichever process or request starts it.
Index(
    "ux_trading_sessions_live_strategy",
    trading_sessions.c.strategy_id,
    unique=True,
    sqlite_where=trading_sessions.c.status.in_(ACTIVE_STATUSES),
)
Index("ix_trading_sessions_status", trading_sessions.c.status)

trading_fills = Table(
    "trading_fills",
    metadata,
    Column("id", Integer, primary_key=True, nullable=True),
    Column(
        "session_id",
        Integer,
        ForeignKey("trading_sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("strategy_id", Integer, nullable=False),
    Column("client_order_id", Text, nullable=False, unique=True),
    Column("leg", Text, CheckConstraint("leg IN ('call', 'put')"), nullable=False),
    Column("side", Text, CheckConstraint("side IN ('buy', 'sell')"), nullable=False),
    Column("strike", REAL, nullable=False),
    Column("price", REAL, nullable=False),
    Column("contracts", Integer, CheckConstraint("contracts > 0"), nullable=False),
    Column("fee", REAL, nullable=False),
    Column("time", Integer, nullable=False),
    Column("exchange_order_id", Integer),
    sqlite_autoincrement=True,
)
Index("ix_trading_fills_session", trading_fills.c.session_id, trading_fills.c.id)

timeline_events = Table(
    "timeline_events",
    metadata,
    Column("id", Integer, primary_key=True, nullable=True),
    Column("time", Integer, nullable=False),
    Column("event", Text, nullable=False),
    Column("session_id", Integer),
    Column("strategy_id", Integer),
    Column("strategy_name", Text),
    Column("message", Text, nullable=False),
    Column("details", Text, nullable=False, server_default="{}"),
    Column("pnl", REAL),
    Column("fees", REAL),
    sqlite_autoincrement=True,
)
Index("ix_timeline_events_time", timeline_events.c.time, timeline_events.c.id)
Index(
    "ix_timeline_events_strategy_time",
    timeline_events.c.strategy_id,
    timeline_events.c.time,
    timeline_events.c.id,
)
Index("ix_timeline_events_session", timeline_events.c.session_id, timeline_events.c.id)
# Closed trades are what the analytics read; a partial index keeps that read small.
Index(
    "ix_timeline_events_closed",
    timeline_events.c.time,
    timeline_events.c.strategy_id,
    sqlite_where=timeline_events.c.event == text("'position_closed'"),
)

kill_switch = Table(
    "kill_switch",
    metadata,
    Column("id", Integer, CheckConstraint("id = 1"), primary_key=True, nullable=True),
    Column(
        "tripped",
        Integer,
        CheckConstraint("tripped IN (0, 1)"),
        nullable=False,
        server_default="0",
    ),
    Column("tripped_at", Integer),
    Column("reason", Text),
    Column("updated_at", Integer, nullable=False, server_default="0"),
)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", Text, CheckConstraint("length(id) = 32"), primary_key=True, nullable=True),
    Column(
        "username",
        Text,
        ForeignKey("users.username", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("created_at_us", Integer, nullable=False),
    Column("expires_at_us", Integer, nullable=False),
    Column("refresh_token_hash", Text, nullable=False),
    Column("revoked_at_us", Integer),
    Column("revoked_reason", Text),
    Column("source_address", Text),
)
Index("ix_auth_sessions_username", auth_sessions.c.username)
Index("ix_auth_sessions_expires_at", auth_sessions.c.expires_at_us)
