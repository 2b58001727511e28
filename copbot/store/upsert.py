"""INSERT … ON CONFLICT DO NOTHING on both backends: the database decides races."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_if_absent(session: Session, model: type[DeclarativeBase], key: list[str], **values: Any) -> bool:
    """Insert the row unless one with the same `key` exists; True when this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=key)
    # Without preserve_rowcount, SQLAlchemy 2.1 on psycopg reports -1 for an INSERT: every insert "loses".
    result = session.execute(statement.execution_options(preserve_rowcount=True))
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
