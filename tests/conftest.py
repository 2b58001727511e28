"""Shared fixtures. The database backend is chosen per run by COPBOT_TEST_DATABASE_URL.

Unset: each test gets its own SQLite file, copied from one migrated per session. Set to a PostgreSQL URL:
that database is wiped and migrated once per session, then every table is truncated before each test.
Either way a test sees a real, committed, empty database that several threads and connections can
share (the app under test is driven over HTTP), so no fixture wraps a test in a rolled-back transaction.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from copbot.store import migrate
from copbot.store.db import make_engine, make_session_factory
from copbot.store.models import Base

TEST_DATABASE_URL_VARIABLE = "COPBOT_TEST_DATABASE_URL"


def _server_database_url() -> str | None:
    return os.environ.get(TEST_DATABASE_URL_VARIABLE) or None


def pytest_report_header() -> str:
    url = _server_database_url()
    if url is None:
        return "copbot database: sqlite (per-test files)"
    parsed = make_url(url)
    return f"copbot database: {parsed.get_backend_name()} ({parsed.host}:{parsed.port}/{parsed.database})"


@pytest.fixture(scope="session")
def server_database_url() -> str | None:
    """The PostgreSQL URL this run tests against, or None when it uses per-test SQLite files."""
    return _server_database_url()


@pytest.fixture(scope="session")
def migrated_database_url(server_database_url, tmp_path_factory) -> str:
    """A database at the newest revision: SQLite, a template file to copy; PostgreSQL, the server's."""
    url = server_database_url
    if url is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('copbot-db') / 'template.db'}"
    else:
        _drop_all_tables(url)  # a previous run may have left another revision's schema behind
    migrate.upgrade(url)
    return url


@pytest.fixture
def database_url(server_database_url, migrated_database_url, tmp_path) -> str:
    """The URL of a migrated, empty database for this test alone."""
    if server_database_url is None:
        path = tmp_path / "copbot.db"
        shutil.copyfile(str(make_url(migrated_database_url).database), path)
        return f"sqlite:///{path}"
    _truncate_all_tables(migrated_database_url)
    return migrated_database_url


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def _drop_all_tables(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        existing = MetaData()
        existing.reflect(connection)
        existing.drop_all(connection)
    engine.dispose()


def _truncate_all_tables(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        names = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in Base.metadata.tables)
        # A connection leaked by an earlier test would otherwise make TRUNCATE wait forever.
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


pytest_plugins = ["fixtures_app"]
