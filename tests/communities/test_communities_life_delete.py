"""Deleting a community: its organisers confirm by typing its short name; every row of it goes, no other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from communities_support import ephemeral_text, snapshot
from factories import WHEN, make_meetup, make_story
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind, DeliveryStatus, Role, RsvpAnswer
from copbot.services import notices
from copbot.services.organisers import ADDED_DM
from copbot.slack.blocks.community_life import CONFIRM_BLOCK, CONFIRM_INPUT
from copbot.slack.ids import COMMUNITY_DELETE_ACTION, COMMUNITY_DELETE_VIEW
from copbot.store.models import (
    Activity,
    Base,
    Community,
    Delivery,
    HiddenPrompt,
    Member,
    PairingGroup,
    PairingGroupMember,
    PairingPair,
    PairingRound,
    Prompt,
    PromptPost,
    Rsvp,
    SessionChange,
    SessionPost,
    Story,
    StoryHelped,
    Turnout,
    TurnoutDate,
)
from copbot.store.models import Meetup as Series

# Written by any request, whoever it is for: compared on the rows of the two communities only.
WRITTEN_BY_REQUESTS = {"deliveries", "seen_requests", "processed_events", "slack_gates", "workspaces"}


def _fill(session: Session, community: Community, people) -> None:
    """One row or more in every table a community owns."""
    member = session.scalar(
        select(Member).where(Member.community_id == community.id, Member.user_id == people.chen)
    )
    assert member is not None
    team = community.team_id
    session.add(
        Prompt(
            team_id=team, community_id=community.id, text="Tell", theme="own", language="en", created_at=WHEN
        )
    )
    session.add(HiddenPrompt(team_id=team, community_id=community.id, prompt_key="k1", hidden_at=WHEN))
    post = PromptPost(
        team_id=team, community_id=community.id, prompt_key="k1", theme="t", language="en", slot_at=WHEN,
        created_at=WHEN,
    )  # fmt: skip
    session.add(post)
    series = make_meetup(session, community, title="Clinic", created_by=people.chen)
    story = make_story(session, community, people.chen, member_id=member.id, prompt_post_id=post.id)
    session.flush()
    session.add(StoryHelped(team_id=team, story_id=story.id, user_id=people.dana, at=WHEN))
    key = WHEN.date().isoformat()
    session.add(SessionChange(team_id=team, session_id=series.id, occurrence_key=key, changed_at=WHEN))
    session.add(
        SessionPost(
            team_id=team, session_id=series.id, occurrence_key=key, offset_minutes=60,
            channel_id=community.channel_id, message_ts=f"{community.id}.1", posted_at=WHEN,
        )
    )  # fmt: skip
    session.add(
        Rsvp(
            team_id=team, session_id=series.id, occurrence_key=key, member_id=member.id,
            user_id=people.chen, answer=RsvpAnswer.YES, answered_at=WHEN,
        )
    )  # fmt: skip
    pairing_round = PairingRound(team_id=team, community_id=community.id, slot_start=WHEN, created_at=WHEN)
    session.add(pairing_round)
    session.flush()
    group = PairingGroup(team_id=team, round_id=pairing_round.id)
    session.add(group)
    session.flush()
    session.add(PairingGroupMember(team_id=team, group_id=group.id, member_id=member.id))
    other = session.scalar(
        select(Member).where(Member.community_id == community.id, Member.user_id == people.dana)
    )
    assert other is not None
    first, second = sorted((member.id, other.id))
    session.add(
        PairingPair(
            team_id=team, community_id=community.id, group_id=group.id, slot_start=WHEN,
            first_member_id=first, second_member_id=second, repeat=False,
        )
    )  # fmt: skip
    session.add(
        Turnout(
            team_id=team, community_id=community.id, occurrence=key, occurs_on=WHEN.date(),
            user_id=people.chen, answer=RsvpAnswer.YES, answered_at=WHEN,
        )
    )  # fmt: skip
    session.add(
        TurnoutDate(team_id=team, community_id=community.id, occurrence=key, occurs_on=WHEN.date(), going=1)
    )
    for status in (DeliveryStatus.PENDING, DeliveryStatus.SENT):
        session.add(
            Delivery(
                team_id=team, work_key=f"test:{community.id}:{status}", kind="prompts.post",
                community_id=community.id, status=status, due_at=WHEN + timedelta(days=30),
                expires_at=WHEN + timedelta(days=31), created_at=WHEN, updated_at=WHEN,
            )
        )  # fmt: skip
    # A DM about the community (made an organiser of it), still pending: it goes with the community.
    notices.notify(
        session, team_id=team, user_id=people.dana, message=ADDED_DM, params={"by": people.chen, "name": "x"},
        key=f"organiser:{community.id}:{people.dana}:test", now=WHEN, community_id=community.id,
    )  # fmt: skip
    session.add(
        Activity(
            team_id=team, community_id=community.id, user_id=people.chen, kind=ActivityKind.JOINED, at=WHEN
        )
    )


def _owned(session: Session, community_id: int) -> dict[str, set[int]]:
    """The ids of the community's rows in each table it owns (read before the deletion)."""
    sessions = select(Series.id).where(Series.community_id == community_id)
    rounds = select(PairingRound.id).where(PairingRound.community_id == community_id)
    groups = select(PairingGroup.id).where(PairingGroup.round_id.in_(rounds))
    stories = select(Story.id).where(Story.community_id == community_id)
    queries = {
        "communities": select(Community.id).where(Community.id == community_id),
        "story_helped": select(StoryHelped.id).where(StoryHelped.story_id.in_(stories)),
        "session_changes": select(SessionChange.id).where(SessionChange.session_id.in_(sessions)),
        "session_posts": select(SessionPost.id).where(SessionPost.session_id.in_(sessions)),
        "rsvps": select(Rsvp.id).where(Rsvp.session_id.in_(sessions)),
        "pairing_groups": groups,
        "pairing_group_members": select(PairingGroupMember.id).where(PairingGroupMember.group_id.in_(groups)),
    }
    for table in Base.metadata.sorted_tables:
        if "community_id" in table.c and table.name not in queries:
            queries[table.name] = select(table.c.id).where(table.c.community_id == community_id)
    return {name: set(session.scalars(query)) for name, query in queries.items()}


def _everything(session: Session) -> dict[str, set[tuple[object, ...]]]:
    """Every row of every table, by primary key."""
    found = {}
    for table in Base.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        found[table.name] = {tuple(row) for row in session.execute(select(*keys))}
    return found


@pytest.fixture
def two(place, people, session_factory):
    """Testing (chen organises, dana and bruno are members) and Design, each with rows in every table."""
    testing = place("Testing", organisers=(people.chen,), members=(people.dana, people.bruno))
    design = place("Design", organisers=(people.bruno,), members=(people.chen, people.dana), language="fr")
    with session_factory() as session, session.begin():
        for placed in (testing, design):
            _fill(session, session.get(Community, placed.id), people)
    return testing, design


def _open_delete(driver, workspace, user_id, community_id):
    message = {"ts": "1.000001", "channel": workspace.open_dm(user_id), "blocks": []}
    driver.action(workspace, user_id, COMMUNITY_DELETE_ACTION, value=str(community_id), message=message)
    view = workspace.views(user_id)[-1]
    assert view["callback_id"] == COMMUNITY_DELETE_VIEW
    return view


def _typed(slug: str):
    return {CONFIRM_BLOCK: {CONFIRM_INPUT: {"type": "plain_text_input", "value": slug}}}


def test_delete_removes_every_row_of_it_and_none_of_the_other(
    driver, workspace, people, two, session_factory, server_database_url
):
    """Confirmed with its short name: no row of Testing remains in any table; Design's rows are all there."""
    testing, design = two
    with session_factory() as session:
        owned = _owned(session, testing.id)
        theirs = _owned(session, design.id)
        before = _everything(session)
    assert all(owned.values()), {name: ids for name, ids in owned.items() if not ids}  # the test can fail
    view = _open_delete(driver, workspace, people.chen, testing.id)
    response = driver.submit(workspace, people.chen, view, _typed("testing"))
    assert response.status == 200
    assert response.json is None, response.text  # the modal closed
    with session_factory() as session:
        assert _owned(session, design.id) == theirs
        after = _everything(session)
        stories_indexed = (
            None if server_database_url else set(session.scalars(text("SELECT rowid FROM story_search")))
        )
    for name, ids in owned.items():
        keys = {(one,) for one in ids}
        assert not keys & after[name], name
    for name, rows in before.items():
        if name in WRITTEN_BY_REQUESTS:
            continue
        gone = {(one,) for one in owned.get(name, set())}
        assert after[name] == rows - gone, name
    if stories_indexed is not None:  # SQLite's search index forgets its stories too
        assert stories_indexed == theirs["stories"]


def test_a_wrong_short_name_is_an_inline_error_and_deletes_nothing(
    driver, workspace, people, two, session_factory
):
    """Typing another name keeps the modal open with the reason under the field; nothing is changed."""
    testing, _ = two
    with session_factory() as session:
        before = _everything(session)
    view = _open_delete(driver, workspace, people.chen, testing.id)
    response = driver.submit(workspace, people.chen, view, _typed("design"))
    assert response.json == {
        "response_action": "errors",
        "errors": {
            CONFIRM_BLOCK: "That isn't the short name of “Testing”. Type testing to delete it, or cancel."
        },
    }
    with session_factory() as session:
        after = _everything(session)
    assert {k: v for k, v in after.items() if k not in WRITTEN_BY_REQUESTS} == {
        k: v for k, v in before.items() if k not in WRITTEN_BY_REQUESTS
    }


def test_delete_in_french_with_a_wrong_then_the_right_name(driver, workspace, people, two, session_factory):
    """bruno, in French: the modal and its error are in French; then Design goes, Testing stays."""
    testing, design = two
    driver.command(workspace, people.bruno, "delete design")
    view = workspace.views(people.bruno)[-1]
    assert view["title"]["text"] == "Supprimer une communauté"
    response = driver.submit(workspace, people.bruno, view, _typed("desing"))
    assert response.json["errors"] == {
        CONFIRM_BLOCK: "Ce n'est pas le nom court de « Design ». Tapez design pour la supprimer, ou annulez."
    }
    response = driver.submit(workspace, people.bruno, view, _typed(" Design "))
    assert response.json is None, response.text
    with session_factory() as session:
        assert session.get(Community, design.id) is None
        assert session.get(Community, testing.id) is not None


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("dana", "Only the organisers of “Testing” can do that."),
        ("bruno", "Seuls les organisateurs de « Testing » peuvent faire cela."),
    ],
)
def test_only_its_organisers_may_delete_it(
    user, expected, driver, workspace, people, two, session_factory, sandbox
):
    """A member who does not organise it gets the reason beside the message, no modal; nothing changes."""
    testing, _ = two
    before = snapshot(session_factory)
    message = {"ts": "1.000001", "channel": workspace.open_dm(getattr(people, user)), "blocks": []}
    driver.action(
        workspace, getattr(people, user), COMMUNITY_DELETE_ACTION, value=str(testing.id), message=message
    )
    assert sandbox.calls("views.open") == []
    assert workspace.responses(getattr(people, user))[-1]["text"] == expected
    assert snapshot(session_factory) == before
    assert ephemeral_text(driver.command(workspace, getattr(people, user), "delete testing")) == expected


def test_the_modal_of_a_community_deleted_meanwhile_says_it_is_gone(
    driver, workspace, people, two, session_factory
):
    """Two delete modals open, the second sent after the first deleted it: a clear error, nothing else."""
    testing, _ = two
    first = _open_delete(driver, workspace, people.chen, testing.id)
    second = _open_delete(driver, workspace, people.chen, testing.id)
    driver.submit(workspace, people.chen, first, _typed("testing"))
    before = snapshot(session_factory)
    response = driver.submit(workspace, people.chen, second, _typed("testing"))
    assert response.json["errors"] == {CONFIRM_BLOCK: "That community no longer exists."}
    assert snapshot(session_factory) == before


def test_a_workspace_admin_may_delete_a_community_they_do_not_organise(
    driver, workspace, people, two, session_factory
):
    """alice, a workspace admin, deletes Testing though she is not a member."""
    testing, _ = two
    view = _open_delete(driver, workspace, people.alice, testing.id)
    driver.submit(workspace, people.alice, view, _typed("testing"))
    with session_factory() as session:
        assert session.get(Community, testing.id) is None
        assert session.scalar(
            select(Member.role).where(Member.user_id == people.bruno, Member.role == Role.ORGANISER)
        )
