"""Revision 0002 makes the database decide community uniqueness, resolving (and reporting) old duplicates."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool
from test_migrate import empty_database_url  # noqa: F401 - the fixture, shared

from copbot.store import migrate

COLUMNS = (
    "team_id, slug, name, purpose, audience, channel_id, timezone, language, prompt_cadence, "
    "prompt_weekday, prompt_time, pairing_every_weeks, pairing_weekday, pairing_group_size, "
    "created_by, created_at, updated_at"
)


def _community(connection, slug: str, name: str, channel: str, *, with_key: bool = False) -> None:
    """A raw row as the schema at hand takes it (from 0002 on, with the name's key)."""
    columns, values = COLUMNS, ":team, :slug, :name"
    if with_key:
        columns, values = "name_key, " + columns, ":key, " + values
    connection.execute(
        text(
            f"INSERT INTO communities ({columns}) VALUES ({values}, 'p', 'a', :channel, 'UTC', 'en', "  # noqa: S608 - constant columns
            "'off', 0, '10:00:00', 0, 0, 2, 'U1', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        ),
        {"team": "T1", "slug": slug, "name": name, "channel": channel, "key": name.casefold()},
    )


@pytest.fixture
def at_0001(empty_database_url):  # noqa: F811 - pytest's fixture injection
    migrate.upgrade_to(empty_database_url, "0001")
    engine = create_engine(empty_database_url, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO workspaces (team_id, name, installed_at) VALUES ('T1', '', '2026-01-01')")
        )
        _community(connection, "guild", "Testing Guild", "C1")
        _community(connection, "guild-2", "testing GUILD", "C2")
        _community(connection, "squatter", "Squatter", "C1")
    yield empty_database_url, engine
    engine.dispose()


def _rows(engine) -> list[tuple[str, str, str, bool]]:
    with engine.connect() as connection:
        query = "SELECT slug, name, name_key, archived_at IS NOT NULL FROM communities ORDER BY id"
        return [tuple(row) for row in connection.execute(text(query))]


def test_upgrade_resolves_duplicates_and_reports_each(at_0001):
    """A second community in a channel is archived, a case-only duplicate name renamed; both are noted."""
    url, engine = at_0001
    notes: list[str] = []

    assert migrate.upgrade(url, notes) == migrate.revisions()[1:]

    assert _rows(engine) == [
        ("guild", "Testing Guild", "testing guild", False),
        ("guild-2", "testing GUILD (2)", "testing guild (2)", False),
        ("squatter", "Squatter", "squatter", True),
    ]
    renamed, archived = notes
    assert "“testing GUILD” renamed “testing GUILD (2)”" in renamed
    assert "“Squatter” archived" in archived
    assert "channel C1" in archived


def test_after_upgrade_the_database_refuses_duplicates(at_0001):
    """Once upgraded, a second live community in a channel or with a same-but-for-case name is refused."""
    url, engine = at_0001
    migrate.upgrade(url)

    with engine.begin() as connection:
        _community(connection, "fine", "Fine", "C9", with_key=True)  # the helper itself is right
    for slug, name, channel in (("again", "Elsewhere", "C1"), ("again", "TESTING guild", "C8")):
        with pytest.raises(IntegrityError, match=r"(?i)unique"), engine.begin() as connection:
            _community(connection, slug, name, channel, with_key=True)
