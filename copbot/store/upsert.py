"""INSERT … ON CONFLICT DO NOTHING on both backends: the database decides races."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Connection, CursorResult, Executable
from sqlalchemy.orm import DeclarativeBase, Session

from copbot.store import dialect


def insert_if_absent(
    target: Session | Connection, model: type[DeclarativeBase], unique: list[str], **values: Any
) -> bool:
    """Insert the row unless one with the same `unique` columns exists; True when this call inserted it.

    `target`: a session (in its transaction) or a Core connection (the replay guard's, autocommitted).
    """
    statement = _statement(dialect.name(target), model, tuple(unique), returning=False)
    result = target.execute(statement, values)
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def insert_returning_id(
    session: Session, model: type[DeclarativeBase], unique: list[str], **values: Any
) -> int | None:
    """As insert_if_absent, but the new row's id (None when a row with the same `unique` columns existed)."""
    statement = _statement(dialect.name(session), model, tuple(unique), returning=True)
    new_id: int | None = session.scalar(statement, values)
    return new_id


@cache
def _statement(
    dialect_name: str, model: type[DeclarativeBase], unique: tuple[str, ...], *, returning: bool
) -> Executable:
    """One statement per table and shape, its values bound at execution: SQLAlchemy compiles it once.

    A Core insert on the model's table (its attribute and column names are the same): the ORM's own
    insert, with the values written into the statement, cost more CPU than the round trip to the database.
    """
    table: Any = model.__table__
    insert = dialect.insert_for(dialect_name, table)
    statement = insert.on_conflict_do_nothing(index_elements=list(unique))
    if returning:
        return statement.returning(table.c.id)
    # Without preserve_rowcount, SQLAlchemy 2.1 on psycopg reports -1 for an INSERT: every insert "loses".
    return statement.execution_options(preserve_rowcount=True)
