"""Alembic environment for the plain `alembic` command; `reflex db migrate` uses the same scripts."""

from logging.config import fileConfig

from sqlalchemy import Connection, create_engine, pool
from sqlmodel import SQLModel

import mentor_dash.models  # noqa: F401  (registers every table on SQLModel.metadata)
from alembic import context
from mentor_dash import settings

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=settings.database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_on(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _run_on(given)
        return
    connectable = create_engine(settings.database_url(), poolclass=pool.NullPool)
    with connectable.connect() as connection:
        _run_on(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
