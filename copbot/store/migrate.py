"""Alembic, driven from code: `copbot db upgrade` and the test fixtures call these.

The migration scripts live in the top-level ``migrations/`` folder. A wheel ships them inside the package as
``copbot/migrations`` (see setup.py); a source checkout or an editable install has them beside the package.
``locate_migrations`` looks in both places, so the Alembic configuration is built here rather than read from
``alembic.ini`` in the current directory.
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


def locate_migrations(package_dir: Path) -> Path:
    """The migrations folder: in the package (a wheel) or beside it (a checkout); the former if neither."""
    candidates = (package_dir / "migrations", package_dir.parent / "migrations")
    return next((folder for folder in candidates if (folder / "env.py").is_file()), candidates[0])


MIGRATIONS_DIR = locate_migrations(Path(copbot.__file__).resolve().parent)

# Any fixed number will do: it only has to be the same for every copbot process sharing the database.
_PG_MIGRATION_LOCK = 7_256_113_901


class MigrationsNotFoundError(RuntimeError):
    """Neither the package nor the folder beside it holds the migrations (a broken install)."""


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic Config (for ``database_url`` when given) that does not depend on the current directory."""
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise MigrationsNotFoundError(
            f"copbot's migrations folder was not found at {MIGRATIONS_DIR}: reinstall copbot "
            "(`pip install copbot-*.whl`, or `pip install -e .` in a source checkout)"
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


def upgrade(database_url: str, notes: list[str] | None = None) -> list[str]:
    """Bring the database to the newest revision; return the revisions applied (none when up to date).

    Migrations that had to change existing data to apply (see 0002) append a line each to `notes`.
    """
    config = alembic_config(database_url)
    applied: list[str] = []

    def record(*, step: MigrationInfo, **_: object) -> None:
        applied.extend(step.up_revision_ids)

    config.attributes["on_version_apply"] = record
    config.attributes["notes"] = notes if notes is not None else []
    command.upgrade(config, "head")
    return applied


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def upgrade_to(database_url: str, revision: str) -> None:
    """Bring the database to `revision` (tests of a migration start from the one before it)."""
    command.upgrade(alembic_config(database_url), revision)


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
