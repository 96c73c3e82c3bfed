"""The Core schema (control_plane.db.schema) and the Alembic migrations describe the same
database: migrate a real file to head and compare it with the metadata."""

from __future__ import annotations

import re
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, ForeignKeyConstraint, create_engine, inspect
from sqlalchemy.schema import CreateIndex

from control_plane.db.migrate import upgrade_to_head
from control_plane.db.schema import NOT_IN_METADATA, metadata
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine]]:
    settings = make_settings(tmp_path_factory.mktemp("drift"))
    upgrade_to_head(settings)
    engine = create_engine(f"sqlite:///{settings.database_path}")
    yield settings.database_path, engine
    engine.dispose()


def _include_name(name: str | None, type_: str, _parent: Any) -> bool:
    return not (type_ == "table" and name in NOT_IN_METADATA)


def _include_object(_object: Any, _name: str | None, type_: str, *_rest: Any) -> bool:
    # SQLAlchemy does not reflect ON DELETE of an inline REFERENCES; compared below instead.
    return type_ != "foreign_key_constraint"


def _normalised(sql: str) -> str:
    return re.sub(r"\s+", " ", sql.replace('"', "")).strip().lower()


def test_migrations_and_metadata_have_the_same_tables_columns_types_defaults_and_indexes(
    migrated: tuple[Path, Engine],
) -> None:
    _, engine = migrated
    with engine.connect() as conn, warnings.catch_warnings():
        # The expression index cannot be reflected; its SQL is compared in the index test.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": _include_name,
                "include_object": _include_object,
            },
        )
        assert compare_metadata(context, metadata) == []


def test_every_table_not_in_the_metadata_is_named_with_a_reason(
    migrated: tuple[Path, Engine],
) -> None:
    path, _ = migrated
    conn = sqlite3.connect(path)
    names = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    conn.close()
    assert names - {"alembic_version"} == set(metadata.tables) | set(NOT_IN_METADATA)


def test_indexes_are_created_exactly_as_the_metadata_declares_them(
    migrated: tuple[Path, Engine],
) -> None:
    path, engine = migrated
    conn = sqlite3.connect(path)
    in_database = {
        name: _normalised(sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name NOT LIKE 'backend_logs_fts%'"
        )
    }
    conn.close()
    declared = {
        str(index.name): _normalised(
            str(
                CreateIndex(index).compile(
                    dialect=engine.dialect, compile_kwargs={"literal_binds": True}
                )
            )
        )
        for table in metadata.tables.values()
        for index in table.indexes
    }
    assert declared == in_database


def test_check_constraints_match(migrated: tuple[Path, Engine]) -> None:
    _, engine = migrated
    inspector = inspect(engine)
    for name, table in metadata.tables.items():
        declared = sorted(
            _normalised(str(c.sqltext.compile(dialect=engine.dialect)))
            for c in (*table.constraints, *(k for col in table.columns for k in col.constraints))
            if isinstance(c, CheckConstraint)
        )
        reflected = sorted(_normalised(c["sqltext"]) for c in inspector.get_check_constraints(name))
        assert declared == reflected, name


def test_foreign_keys_and_their_delete_actions_match(migrated: tuple[Path, Engine]) -> None:
    path, _ = migrated
    conn = sqlite3.connect(path)
    for name, table in metadata.tables.items():
        declared = sorted(
            (element.parent.name, element.column.table.name, element.column.name, fk.ondelete)
            for fk in table.constraints
            if isinstance(fk, ForeignKeyConstraint)
            for element in fk.elements
        )
        in_database = sorted(
            (row[3], row[2], row[4], None if row[6] == "NO ACTION" else row[6])
            for row in conn.execute(f"PRAGMA foreign_key_list({name})")
        )
        assert declared == in_database, name
    conn.close()
