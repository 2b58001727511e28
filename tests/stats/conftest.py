"""Stats fixtures: a community with a generated six-month history, its rows kept for the tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_community, make_member
from history import NOW, History, generate

from copbot.domain.enums import Role


@pytest.fixture
def history(workspace, people, session_factory) -> History:
    """Testing, organised by alice, with about 200 members and six months of activity up to history.NOW."""
    channel = workspace.add_channel("testing", members=[people.alice], bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        return generate(session, team_id=workspace.team_id, community_id=community.id, organiser=people.alice)


@pytest.fixture
def at_history_end(clock) -> None:
    """copbot's clock at the end of the generated history."""
    clock.current = NOW


@pytest.fixture
def design(workspace, people, session_factory) -> int:
    """Design, a French community bruno organises, with nobody else and nothing done yet."""
    channel = workspace.add_channel("design", members=[people.bruno], bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session,
            team_id=workspace.team_id,
            channel_id=channel,
            created_by=people.bruno,
            name="Design",
            language="fr",
        )
        make_member(
            session, community, people.bruno, role=Role.ORGANISER, joined_at=NOW - timedelta(days=400)
        )
        community.created_at = NOW - timedelta(days=400)
        return community.id
