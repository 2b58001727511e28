"""Alembic, driven from code: `copbot db upgrade` and the test fixtures call these.

The migration scripts live in the top-level ``migrations/`` folder beside the package (a source checkout or
an editable install, which is how copbot is installed; the Docker image copies the folder too), so the
Alembic configuration is built here rather than read from ``alembic.ini`` in the current directory.
Alembic keeps its migration context in a process-wide global: migrate from one thread at a time.
Separate processes (replicas) may upgrade at once: on PostgreSQL a lock makes the later ones wait, then
find nothing to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext, MigrationInfo
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import NullPool

import copbot
from copbot.store import search
from copbot.store.models import Base

MIGRATIONS_DIR = Path(copbot.__file__).resolve().parent.parent / "migrations"

# Any fixed number will do: it only has to be the same for every copbot process sharing the database.
_PG_MIGRATION_LOCK = 7_256_113_901


class MigrationsNotFoundError(RuntimeError):
    """The ``migrations/`` folder is not beside the copbot package (a non-editable install)."""


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic Config (for ``database_url`` when given) that does not depend on the current directory."""
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise MigrationsNotFoundError(
            f"copbot's migrations folder was not found at {MIGRATIONS_DIR}: install copbot from a source "
            "checkout with `pip install -e .` (or copy migrations/ next to the copbot package)"
        )
    config = Config()
    # Config options go through configparser interpolation, where "%" is special.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if database_url is not None:
        config.attributes["database_url"] = database_url
    return config


def context_options(dialect_name: str) -> dict[str, Any]:
    """The options migrations, autogenerate and `pending_differences` share, so that they agree."""
    return {
        "target_metadata": Base.metadata,
        "compare_type": True,
        # SQLite cannot ALTER most things; Alembic's batch mode rebuilds the table instead.
        "render_as_batch": dialect_name == "sqlite",
        # The search index (FTS5 tables, a tsvector column) is not mapped: leave it out of comparisons.
        "include_name": search.include_in_autogenerate,
    }


def migration_engine(database_url: str) -> Engine:
    """An engine for schema changes: no pool kept, and on SQLite foreign keys *off*.

    With foreign keys on, the table rebuild of a SQLite batch migration (drop the old table) would fire
    ON DELETE CASCADE and empty the child tables; SQLite's own ALTER procedure turns them off first.
    """
    engine = create_engine(database_url, poolclass=NullPool)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys_off)
    return engine


def _sqlite_foreign_keys_off(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def lock_for_migrations(connection: Connection) -> None:
    """Serialise replicas that upgrade at the same time (PostgreSQL); the lock ends with the transaction."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")


def upgrade(database_url: str) -> list[str]:
    """Bring the database to the newest revision; return the revisions applied (none when up to date)."""
    config = alembic_config(database_url)
    applied: list[str] = []

    def record(*, step: MigrationInfo, **_: object) -> None:
        applied.extend(step.up_revision_ids)

    config.attributes["on_version_apply"] = record
    command.upgrade(config, "head")
    return applied


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(database_url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    with _connect(database_url) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(database_url: str) -> bool:
    return current_revision(database_url) == head_revision()


def pending_differences(database_url: str) -> list[Any]:
    """What autogenerate would change to make the database match the models (empty when they agree)."""
    with _connect(database_url) as connection:
        context = MigrationContext.configure(connection, opts=context_options(connection.dialect.name))
        return list(compare_metadata(context, Base.metadata))


@contextmanager
def _connect(database_url: str) -> Iterator[Connection]:
    engine = migration_engine(database_url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()
