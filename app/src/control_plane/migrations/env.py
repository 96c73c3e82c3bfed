"""Alembic environment: plain SQLite URL from the config set in control_plane.db.migrate, the
schema of control_plane.db.schema as the target of autogenerate and the drift check."""

from alembic import context
from sqlalchemy import create_engine, pool

from control_plane.db.schema import metadata

config = context.config


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("alembic config has no sqlalchemy.url (see control_plane.db.migrate)")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
