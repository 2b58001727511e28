"""What SQLite and PostgreSQL write differently, in one place.

Full-text search, two implementations rather than two spellings, is copbot.store.search.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Float,
    Integer,
    SQLColumnExpression,
    Table,
    cast,
    extract,
    func,
    literal,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session

DAY_SECONDS = 86_400
UNIX_EPOCH_JULIAN_DAY = 2440587.5

Column = SQLColumnExpression[Any]  # a mapped attribute or any SQL expression
Insert = postgresql.Insert | sqlite.Insert


def name(bind: Session | Connection) -> str:
    """The dialect's name: "postgresql" or "sqlite"."""
    return (bind.get_bind() if isinstance(bind, Session) else bind).dialect.name


def is_postgres(session: Session) -> bool:
    return name(session) == "postgresql"


def insert(session: Session, target: type[DeclarativeBase] | Table) -> Insert:
    """The dialect's own INSERT for a model or table: the one that has ON CONFLICT."""
    return insert_for(name(session), target)


def insert_for(dialect: str, target: type[DeclarativeBase] | Table) -> Insert:
    """As `insert`, by the dialect's name (for statements cached per dialect)."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(target)


def epoch(session: Session, column: Column) -> ColumnElement[float]:
    """Seconds since 1970 (SQLite keeps naive UTC text; julianday reads it)."""
    if is_postgres(session):
        return cast(extract("epoch", column), Float)
    return (func.julianday(column) - UNIX_EPOCH_JULIAN_DAY) * DAY_SECONDS


def whole(session: Session, value: ColumnElement[float]) -> ColumnElement[int]:
    """The whole part of a non-negative number (PostgreSQL's cast rounds, SQLite's truncates)."""
    return cast(func.floor(value), Integer) if is_postgres(session) else cast(value, Integer)


def least(session: Session, *values: Column) -> ColumnElement[Any]:
    """LEAST on PostgreSQL; SQLite's min() of two or more arguments is the same (of one, an aggregate)."""
    return func.least(*values) if is_postgres(session) else func.min(*values)


def greatest(session: Session, *values: Column) -> ColumnElement[Any]:
    """GREATEST on PostgreSQL; SQLite's max() of two or more arguments is the same (of one, an aggregate)."""
    return func.greatest(*values) if is_postgres(session) else func.max(*values)


def ordered(session: Session, first: Column, second: Column) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The smaller and the larger of two values."""
    return least(session, first, second), greatest(session, first, second)


def after_first_colon(session: Session, text: Column) -> ColumnElement[str]:
    """The part of a text column after its first ':', in a text with one ':' (as occurrence keys are).

    PostgreSQL's split_part reads the second field (up to a second ':'); SQLite has no split_part.
    """
    if is_postgres(session):
        return func.split_part(text, ":", 2)
    return func.substr(text, func.instr(text, literal(":")) + 1)


def as_date(session: Session, iso_text: ColumnElement[str]) -> ColumnElement[Any]:
    """A "YYYY-MM-DD" text as a DATE column takes it.

    PostgreSQL needs the cast; SQLite keeps dates as that text (its CAST AS DATE would make it a number).
    """
    return cast(iso_text, Date) if is_postgres(session) else iso_text
