"""Session fixtures: communities put in place in the store, and the helper that drives Slack."""

from __future__ import annotations

import pytest
from factories import make_community, make_member
from sessions_support import Place, Sessions

from copbot.domain.enums import Role


@pytest.fixture
def testing(workspace, people, session_factory) -> Place:
    """An English community in Europe/Paris: alice organises it, bruno and chen are members, dana is not."""
    channel = workspace.add_channel(
        "testing", members=[people.alice, people.bruno, people.chen], bot_is_member=True
    )
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        make_member(session, community, people.alice, role=Role.ORGANISER)
        make_member(session, community, people.bruno)
        make_member(session, community, people.chen)
        return Place(community.id, community.name, community.slug, channel)


@pytest.fixture
def design(workspace, people, session_factory) -> Place:
    """A French community, Design: bruno organises it, chen is a member."""
    channel = workspace.add_channel("design", members=[people.bruno, people.chen], bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session,
            team_id=workspace.team_id,
            channel_id=channel,
            created_by=people.bruno,
            name="Design",
            language="fr",
            purpose="Mieux concevoir ensemble",
        )
        make_member(session, community, people.bruno, role=Role.ORGANISER)
        make_member(session, community, people.chen)
        return Place(community.id, community.name, community.slug, channel)


@pytest.fixture
def planner(driver, workspace, session_factory) -> Sessions:
    return Sessions(driver, workspace, session_factory)
