from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError

from copbot.domain.enums import Experience, Role
from copbot.store.db import unit_of_work
from copbot.store.models import Community, Member, Workspace

NOW = datetime(2024, 7, 1, 10, 0, tzinfo=UTC)


def _add_member(session, **overrides) -> None:
    # The workspace is flushed first: no relationship tells the unit of work that communities need it.
    session.add(Workspace(team_id="T1", installed_at=NOW))
    session.flush()
    community = Community(
        team_id="T1", slug="testing", name="Testing", purpose="p", audience="a", channel_id="C1",
        created_by="U1", created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    session.add(Member(team_id="T1", community=community, user_id="U1", joined_at=NOW, **overrides))


def test_utc_datetime_round_trips_an_aware_datetime_as_utc(session_factory):
    """A Paris-time datetime comes back as the same instant, expressed in UTC."""
    paris_noon = datetime(2024, 7, 1, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with unit_of_work(session_factory) as session:
        session.add(Workspace(team_id="T1", installed_at=paris_noon))

    with unit_of_work(session_factory) as session:
        stored = session.scalars(select(Workspace.installed_at)).one()

    assert stored == datetime(2024, 7, 1, 10, 0, tzinfo=UTC)
    assert stored.tzinfo is UTC


def test_utc_datetime_rejects_a_naive_datetime(session_factory):
    """A naive datetime is refused before it reaches the database, and nothing is stored."""
    with pytest.raises(StatementError, match="naive datetime"), unit_of_work(session_factory) as session:
        session.add(Workspace(team_id="T1", installed_at=datetime(2024, 7, 1, 10, 0)))  # noqa: DTZ001

    with unit_of_work(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 0


def test_enums_are_stored_by_value(session_factory):
    """Enum columns hold the enum's value (not its name) and read back as the enum."""
    with unit_of_work(session_factory) as session:
        _add_member(session, role=Role.ORGANISER, experience=Experience.PRACTISING)

    with unit_of_work(session_factory) as session:
        raw = session.execute(text("SELECT role, experience FROM members")).one()
        loaded = session.execute(select(Member.role, Member.experience)).one()

    assert tuple(raw) == ("organiser", "practising")
    assert loaded.role is Role.ORGANISER
    assert loaded.experience is Experience.PRACTISING


def test_a_savepoint_is_undone_with_its_transaction(session_factory):
    """Writes inside a savepoint are rolled back with the transaction around it (SQLite too)."""
    with session_factory() as session:
        with session.begin_nested():
            session.add(Workspace(team_id="T0SAVE", installed_at=datetime(2026, 1, 1, tzinfo=UTC)))
        session.rollback()
    with session_factory() as session:
        assert session.get(Workspace, "T0SAVE") is None
