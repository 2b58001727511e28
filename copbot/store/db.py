"""Engine and unit-of-work plumbing. The caller owns the transaction: the Slack middleware and each job."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout so threads can share it."""
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        return engine
    engine = create_engine(database_url, **kwargs)
    _ping_when_in_doubt(engine)
    return engine


PING_AFTER_IDLE_SECONDS = 5.0
_IDLE_SINCE = "copbot.idle_since"


def _ping_when_in_doubt(engine: Engine) -> None:
    """Check a pooled connection before handing it out when it sat unused a while or the server spoke.

    A connection the database dropped meanwhile (a restart, an idle timeout, a terminated backend) is
    replaced instead of failing the statement that uses it: the server's goodbye (an error, then the closed
    socket) makes the idle connection readable, which costs a local poll to see, not a round trip. Only
    then, or after PING_AFTER_IDLE_SECONDS unused, is the server asked. pool_pre_ping asked on every
    checkout: under load, two round trips per request.
    """

    def idle_from_now(_dbapi_connection: Any, record: ConnectionPoolEntry, *_: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def ping_if_in_doubt(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        recent = idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS
        if recent and not _readable(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(str(error)) from error  # the pool retries with a new connection

    event.listen(engine, "connect", idle_from_now)
    event.listen(engine, "checkin", idle_from_now)
    event.listen(engine, "checkout", ping_if_in_doubt)


def _readable(dbapi_connection: Any) -> bool:
    """Whether the server sent something to a connection nobody is using (or closed it): then ask."""
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except Exception:  # noqa: BLE001 - closed already (each driver says so its own way): ask, and see
        return True
    return bool(readable)


def _begin_before_savepoint(connection: Connection, _name: str) -> None:
    """pysqlite sends BEGIN only before the first INSERT/UPDATE/DELETE, never before a SAVEPOINT.

    A SAVEPOINT outside a transaction starts one that its RELEASE commits: the writes inside it would
    survive the request's rollback. So start the real transaction first. (SQLAlchemy's documented recipe
    sends BEGIN for every transaction; that would also wrap the reads before the first write, and SQLite
    refuses, without waiting, to upgrade such a stale read snapshot to a write under concurrency.)
    """
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _configure_sqlite(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


WROTE = "copbot.wrote"  # session.info key: the open transaction has written (and may hold write locks)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "after_flush", _note_write)
    event.listen(factory, "do_orm_execute", _note_dml)
    event.listen(factory, "after_transaction_end", _forget_write)
    return factory


def has_written(session: Session) -> bool:
    """Whether the session's open transaction wrote anything (so Slack must not be called now)."""
    return bool(session.info.get(WROTE))


def _note_write(session: Session, _context: object) -> None:
    session.info[WROTE] = True


def _note_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def _forget_write(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)


@contextmanager
def autocommitted(engine: Engine) -> Iterator[Connection]:
    """A connection whose every statement commits by itself (no BEGIN and COMMIT round trips).

    For writes of one statement each, which need no transaction around them; a Core connection, as an ORM
    session around one statement cost more CPU than the statement.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        yield connection


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back when it raises."""
    with factory() as session, session.begin():
        yield session
