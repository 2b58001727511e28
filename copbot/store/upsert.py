"""INSERT … ON CONFLICT DO NOTHING on both backends: the database decides races."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_if_absent(
    session: Session, model: type[DeclarativeBase], unique: list[str], **values: Any
) -> bool:
    """Insert the row unless one with the same `unique` columns exists; True when this call inserted it."""
    statement = _insert(session, model).values(**values).on_conflict_do_nothing(index_elements=unique)
    # Without preserve_rowcount, SQLAlchemy 2.1 on psycopg reports -1 for an INSERT: every insert "loses".
    result = session.execute(statement.execution_options(preserve_rowcount=True))
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def insert_returning_id(
    session: Session, model: type[DeclarativeBase], unique: list[str], **values: Any
) -> int | None:
    """As insert_if_absent, but the new row's id (None when a row with the same `unique` columns existed)."""
    statement = _insert(session, model).values(**values).on_conflict_do_nothing(index_elements=unique)
    new_id: int | None = session.scalar(statement.returning(model.__table__.c.id))
    return new_id


def _insert(session: Session, model: type[DeclarativeBase]) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
