"""The connection pool: a connection the server dropped is replaced before use, a busy one is not pinged."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_the_server_dropped_is_replaced_before_use(
    engine: Engine, server_database_url: str | None
) -> None:
    """PostgreSQL terminates a pooled connection's backend: the next checkout gets a new one that works."""
    if server_database_url is None:
        pytest.skip("PostgreSQL only: SQLite has no server to drop a connection")
    dropped = _backend_pid(engine)
    admin = create_engine(server_database_url, poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
        deadline = time.monotonic() + 10
        alive = "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"
        while connection.execute(text(alive), {"pid": dropped}).scalar_one() and time.monotonic() < deadline:
            time.sleep(0.05)
    admin.dispose()
    assert _backend_pid(engine) != dropped


def test_a_connection_in_steady_use_is_not_pinged(
    engine: Engine, server_database_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checked out again right after use, a healthy connection costs no ping (a round trip) to the server."""
    if server_database_url is None:
        pytest.skip("PostgreSQL only: the pool's checks are for a server's connections")
    first = _backend_pid(engine)
    pings: list[Any] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(
        engine.dialect, "do_ping", lambda connection: pings.append(1) or real_ping(connection)
    )
    assert [_backend_pid(engine) for _ in range(3)] == [first] * 3
    assert pings == []
