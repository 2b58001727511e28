"""What the database benchmarks share: a database of their own on SQLite or PostgreSQL, dropped after."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool


@contextmanager
def database(backend: str, postgres_url: str, schema: str) -> Iterator[str]:
    """A URL to an empty database: a temporary SQLite file, or PostgreSQL's `schema` (made, then dropped).

    On PostgreSQL the benchmark works in a schema of its own, so that the database's tables are left alone.
    """
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    execute(postgres_url, f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}")
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        execute(postgres_url, f"DROP SCHEMA {schema} CASCADE")


def execute(url: str, *statements: str) -> None:
    """Run `statements` in one transaction on a connection of their own."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()
