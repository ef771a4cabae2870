"""The committed migrations and the SQLModel tables describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from mentor_dash.db import migrate_to_head


def test_migrations_leave_no_pending_change_against_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)

    assert differences == []


def test_every_model_table_exists_after_migrating(engine: Engine) -> None:
    existing = set(inspect(engine).get_table_names())

    assert set(SQLModel.metadata.tables) <= existing


def test_migrating_an_up_to_date_database_again_changes_nothing(engine: Engine) -> None:
    with engine.connect() as connection:
        before = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()

    migrate_to_head(engine)

    with engine.connect() as connection:
        after = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert before == after
