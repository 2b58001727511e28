"""Stats fixtures: a community with a generated six-month history, its rows kept for the tests."""

from __future__ import annotations

import pytest
from factories import make_community
from history import History, generate


@pytest.fixture
def history(workspace, people, session_factory) -> History:
    """Testing, organised by alice, with about 200 members and six months of activity up to history.NOW."""
    channel = workspace.add_channel("testing", members=[people.alice], bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        return generate(session, team_id=workspace.team_id, community_id=community.id, organiser=people.alice)
