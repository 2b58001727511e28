"""Alembic's entry point, for the ``alembic`` command and for ``copbot.store.migrate`` alike.

The database URL comes from ``config.attributes["database_url"]`` when the caller gives one (copbot's
own commands and tests), else from copbot's settings (``COPBOT_DATABASE_URL``); never from alembic.ini.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import make_url

from copbot.config import load_settings
from copbot.store.migrate import context_options, lock_for_migrations, migration_engine

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    url = config.attributes.get("database_url")
    return str(url) if url else load_settings().database_url


def run_migrations_offline() -> None:
    """Write the SQL to stdout (``alembic upgrade head --sql``) instead of running it."""
    url = _database_url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **context_options(make_url(url).get_backend_name()),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = migration_engine(_database_url())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                on_version_apply=config.attributes.get("on_version_apply"),
                **context_options(connection.dialect.name),
            )
            with context.begin_transaction():
                lock_for_migrations(connection)
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
