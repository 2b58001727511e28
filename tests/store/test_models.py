from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from copbot.store import search
from copbot.store.db import unit_of_work
from copbot.store.models import Base, Community, Delivery, Member, Workspace

NOW = datetime(2024, 7, 1, 10, 0, tzinfo=UTC)

# Tables without team_id, each with the reason it holds no workspace's data.
NOT_WORKSPACE_DATA = {
    "slack_oauth_states": "an OAuth state is issued before the workspace it installs into exists",
    "seen_requests": "a request's signature is remembered before (and whether or not) it is read",
}


def _community(
    team_id: str = "T1", slug: str = "testing", name: str = "Testing", channel_id: str = "C1"
) -> Community:
    return Community(
        team_id=team_id, slug=slug, name=name, purpose="p", audience="a", channel_id=channel_id,
        created_by="U1", created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def _delivery(work_key: str) -> Delivery:
    return Delivery(
        team_id="T1", work_key=work_key, kind="prompt", due_at=NOW, expires_at=NOW, created_at=NOW,
        updated_at=NOW,
    )  # fmt: skip


@pytest.fixture
def workspaces(session_factory):
    with unit_of_work(session_factory) as session:
        session.add_all(
            [Workspace(team_id="T1", installed_at=NOW), Workspace(team_id="T2", installed_at=NOW)]
        )


@pytest.fixture
def community_id(session_factory, workspaces) -> int:
    with unit_of_work(session_factory) as session:
        community = _community()
        session.add(community)
        session.flush()
        return community.id


def test_duplicate_slug_in_one_workspace_is_refused(session_factory, community_id):
    """A second community with the same slug in the same workspace fails at the database."""
    with pytest.raises(IntegrityError, match="slug"), unit_of_work(session_factory) as session:
        session.add(_community("T1", "testing", name="Other", channel_id="C2"))


def test_live_names_and_channels_are_unique_in_a_workspace(session_factory, community_id):
    """Another live community named the same but for case, or in the same channel, fails at the database."""
    for other in (_community(slug="other", name="TESTING"), _community(slug="other", name="Other")):
        with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
            session.add(other)


def test_an_archived_community_frees_its_name_and_channel(session_factory, community_id):
    """Once a community is archived, a new one may take its name (any case) and its channel."""
    with unit_of_work(session_factory) as session:
        session.get(Community, community_id).archived_at = NOW
    with unit_of_work(session_factory) as session:
        session.add(_community(slug="again", name="testing"))


def test_same_slug_in_another_workspace_is_allowed(session_factory, community_id):
    """Slugs are unique per workspace only: another workspace may reuse one."""
    with unit_of_work(session_factory) as session:
        session.add(_community("T2", "testing"))

    with unit_of_work(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Community)) == 2


def test_duplicate_delivery_work_key_is_refused(session_factory, workspaces):
    """The second claim of the same piece of scheduled work fails, so only one process sends it."""
    with unit_of_work(session_factory) as session:
        session.add(_delivery("prompt:1:2024-07-01T10:00Z"))

    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        session.add(_delivery("prompt:1:2024-07-01T10:00Z"))


def test_duplicate_membership_is_refused(session_factory, community_id):
    """A person joins a community once: a second member row for them fails (a double click loses)."""
    with unit_of_work(session_factory) as session:
        session.add(Member(team_id="T1", community_id=community_id, user_id="U1", joined_at=NOW))

    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        session.add(Member(team_id="T1", community_id=community_id, user_id="U1", joined_at=NOW))


def test_erased_members_do_not_collide(session_factory, community_id):
    """Two anonymised members (user_id erased to NULL) of one community may coexist."""
    with unit_of_work(session_factory) as session:
        session.add_all(
            [Member(team_id="T1", community_id=community_id, user_id=None, joined_at=NOW) for _ in range(2)]
        )

    with unit_of_work(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 2


def test_member_of_a_missing_community_is_refused(session_factory, workspaces):
    """Foreign keys are enforced on every backend, SQLite included: a member needs its community."""
    with pytest.raises(IntegrityError), unit_of_work(session_factory) as session:
        session.add(Member(team_id="T1", community_id=999, user_id="U1", joined_at=NOW))


def test_every_workspace_table_has_a_team_id(engine):
    """Every migrated table that holds workspace data, Slack's OAuth tables included, has team_id.

    SQLite's search index (an FTS5 table and its shadows) is left out: it belongs to stories, which have one.
    """
    inspector = inspect(engine)
    names = set(inspector.get_table_names()) - {"alembic_version"}
    tables = {name for name in names if search.include_in_autogenerate(name, "table", {})}
    without = {name for name in tables if "team_id" not in {c["name"] for c in inspector.get_columns(name)}}

    assert tables == set(Base.metadata.tables)
    assert without == set(NOT_WORKSPACE_DATA)
