"""`/cop leave [community] [--erase]` end to end: the confirmation, the stored outcome, the farewell DM."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest
from factories import WHEN, make_meetup, make_story
from sqlalchemy import select, update

from copbot.domain.enums import ActivityKind, Role, RsvpAnswer
from copbot.sandbox import payloads
from copbot.slack.ids import LEAVE_VIEW, ORGANISER_CONFIRM
from copbot.store.models import Activity, Community, Member, Rsvp, Story


def test_leaving_keeps_the_history_and_stops_introductions(
    driver, workspace, people, place, forms, store, read
):
    """Confirmed: the member is marked as left (row kept), out of pairing, and told how to come back."""
    testing = place("Testing", members=(people.chen,), in_channel=(people.chen,))
    response = driver.command(workspace, people.chen, text="leave testing")
    assert (response.status, response.text) == (200, "")
    view = forms.last_view(workspace, people.chen)
    assert (view["callback_id"], view["title"]["text"], view["submit"]["text"]) == (
        LEAVE_VIEW,
        "Leave a community",
        "Leave",
    )
    assert "Your history stays in the community's statistics" in read(view)

    confirmed = forms.confirm(workspace, people.chen)
    assert (confirmed.status, confirmed.text) == (200, "")  # the modal closes

    [member] = store.members(testing.id)
    assert member["user_id"] == people.chen
    assert member["left_at"] is not None
    assert member["pairing_opt_in"] is False
    assert member["team_name"] == "Quality"
    assert store.activity(testing.id) == [("left", people.chen)]
    [farewell] = workspace.dm_messages(people.chen)
    assert "You left *Testing*." in read(farewell)
    assert "Rejoin any time with `/cop join testing`." in read(farewell)


def test_leaving_in_french(driver, workspace, people, place, forms, read):
    """Bruno's confirmation and farewell are in French."""
    place("Testing", members=(people.bruno,))
    driver.command(workspace, people.bruno, text="leave")
    view = forms.last_view(workspace, people.bruno)
    assert (view["title"]["text"], view["submit"]["text"]) == ("Quitter une communauté", "Quitter")
    forms.confirm(workspace, people.bruno)
    assert "Vous avez quitté *Testing*." in read(workspace.dm_messages(people.bruno)[0])


def test_an_organiser_may_leave_when_another_remains(driver, workspace, people, place, forms, store):
    """With two organisers, one may leave; they are no longer an organiser."""
    testing = place("Testing", organisers=(people.chen, people.dana))
    driver.command(workspace, people.chen, text="leave testing")
    forms.confirm(workspace, people.chen)
    chen, dana = store.members(testing.id)
    assert (chen["role"], chen["left_at"] is not None) == (Role.MEMBER, True)
    assert (dana["role"], dana["left_at"]) == (Role.ORGANISER, None)


def test_the_last_organiser_cannot_leave(driver, workspace, people, place, store):
    """The only organiser is told to add another first; nothing changes."""
    place("Testing", organisers=(people.chen,), members=(people.dana,))
    before = store.snapshot()
    response = driver.command(workspace, people.chen, text="leave testing")
    assert response.json == {
        "response_type": "ephemeral",
        "text": "You are the last organiser of “Testing”. Add another organiser first: "
        "`/cop organisers add @someone`.",
    }
    assert workspace.views(people.chen) == []
    assert store.snapshot() == before


def test_the_last_organiser_is_told_in_french(driver, workspace, people, place, store):
    """Bruno, the only organiser, is told in French whom to add first; nothing changes."""
    place("Testing", organisers=(people.bruno,))
    before = store.snapshot()
    response = driver.command(workspace, people.bruno, text="leave testing")
    assert response.json == {
        "response_type": "ephemeral",
        "text": "Vous êtes la dernière personne à organiser « Testing ». "
        "Ajoutez d'abord un autre organisateur : `/cop organisers add @quelqu'un`.",
    }
    assert workspace.views(people.bruno) == []
    assert store.snapshot() == before


def test_becoming_the_last_organiser_while_the_modal_is_open(
    driver, workspace, people, place, forms, store, session_factory, read
):
    """The other organiser left meanwhile: the confirmation turns into the explanation; nothing changes."""
    testing = place("Testing", organisers=(people.chen, people.dana))
    driver.command(workspace, people.chen, text="leave testing")
    with session_factory() as session, session.begin():
        session.execute(update(Member).where(Member.user_id == people.dana).values(left_at=WHEN))
    before = store.snapshot()
    response = forms.confirm(workspace, people.chen)
    assert response.json["response_action"] == "update"
    assert "You are the last organiser of “Testing”." in read(response.json["view"])
    assert store.snapshot() == before
    assert store.members(testing.id)[0]["left_at"] is None
    assert workspace.dm_messages(people.chen) == []


def _put_history(session_factory, workspace, testing, other, user_id: str) -> None:
    """A story, an RSVP and activity by the user in `testing`, and a story in `other`."""
    with session_factory() as session, session.begin():
        meetup = make_meetup(
            session, session.get(Community, testing.id), title="Lean coffee", created_by=user_id
        )
        for community_id in (testing.id, other.id):
            community = session.get(Community, community_id)
            make_story(session, community, user_id, title="What I learned", body="…", created_at=WHEN)
        session.add(
            Rsvp(
                team_id=workspace.team_id,
                session_id=meetup.id,
                occurrence_key="2026-03-12",
                user_id=user_id,
                answer=RsvpAnswer.YES,
                answered_at=WHEN,
            )
        )
        session.add(
            Activity(
                team_id=workspace.team_id,
                community_id=testing.id,
                user_id=user_id,
                kind=ActivityKind.STORY_SHARED,
                at=WHEN,
            )
        )


def test_erasing_anonymises_this_community_only(
    driver, workspace, people, place, forms, store, session_factory, read
):
    """`--erase` removes the profile and takes the person's id off their rows here, and only here."""
    testing = place("Testing", members=(people.chen,))
    other = place("Design", members=(people.chen,))
    _put_history(session_factory, workspace, testing, other, people.chen)
    driver.command(workspace, people.chen, text="leave testing --erase")
    view = forms.last_view(workspace, people.chen)
    assert view["submit"]["text"] == "Leave and erase"
    assert "This can't be undone." in read(view)

    forms.confirm(workspace, people.chen)

    [member] = store.members(testing.id)
    assert (member["user_id"], member["team_name"], member["interests"]) == (None, "", [])
    assert member["left_at"] is not None
    assert member["erased_at"] is not None
    assert store.activity(testing.id) == [("story_shared", None), ("left", None), ("erased", None)]
    with session_factory() as session:
        authors = dict(session.execute(select(Story.community_id, Story.author_user_id)).all())
        assert authors == {testing.id: None, other.id: people.chen}
        assert session.scalars(select(Rsvp.user_id)).all() == [None]
    assert store.members(other.id)[0]["user_id"] == people.chen
    assert "Your data in *Testing* is erased" in read(workspace.dm_messages(people.chen)[0])


def test_erasing_takes_the_id_off_organiser_changes_they_made(
    driver, workspace, people, place, forms, store, session_factory
):
    """The organiser changes Dana made stay logged, but without her id once she erases her data."""
    testing = place("Testing", organisers=(people.dana,), members=(people.bruno,))
    for change in ("add", "remove", "add"):
        _confirmed(driver, workspace, people.dana, f"organisers {change} <@{people.chen}|chen> testing")
    _confirmed(driver, workspace, people.dana, f"organisers add <@{people.bruno}|bruno> testing")
    driver.command(workspace, people.dana, text="leave testing --erase")
    forms.confirm(workspace, people.dana)
    with session_factory() as session:
        rows = session.scalars(select(Activity).order_by(Activity.id))
        logged = [(row.kind.value, row.user_id, row.data) for row in rows]
    assert logged == [
        ("organiser_added", people.chen, {"by": None}),
        ("organiser_removed", people.chen, {"by": None}),
        ("organiser_added", people.chen, {"by": None}),
        ("organiser_added", people.bruno, {"by": None}),
        ("left", None, {}),
        ("erased", None, {}),
    ]
    assert store.members(testing.id)[0]["user_id"] is None


def test_a_former_member_can_still_ask_to_be_erased(
    driver, workspace, people, place, forms, store, session_factory
):
    """Someone who left earlier may erase their data; the modal says "erase"; no second "left" is logged."""
    testing = place("Testing", members=(people.chen,))
    with session_factory() as session, session.begin():
        session.execute(update(Member).values(left_at=WHEN))
    driver.command(workspace, people.chen, text="leave —erase testing")  # Slack may turn "--" into "—"
    view = forms.last_view(workspace, people.chen)
    assert (view["title"]["text"], view["submit"]["text"]) == ("Erase your data", "Erase")
    forms.confirm(workspace, people.chen)
    assert store.members(testing.id)[0]["user_id"] is None
    assert store.activity(testing.id) == [("erased", None)]


def test_rejoining_after_erasure_starts_afresh(driver, workspace, people, place, forms, store):
    """After erasure the person is a stranger to the community: joining again makes a new row."""
    testing = place("Testing", members=(people.chen,))
    driver.command(workspace, people.chen, text="leave testing --erase")
    forms.confirm(workspace, people.chen)
    driver.command(workspace, people.chen, text="join testing")
    assert forms.last_view(workspace, people.chen)["title"]["text"] == "Join a community"
    forms.submit_join(workspace, people.chen, experience="new", team="Quality")
    assert [member["user_id"] for member in store.members(testing.id)] == [None, people.chen]


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("leave", "You are not a member of any community here. `/cop list` shows them all."),
        ("leave testing", "You are not a member of “Testing”."),
        ("leave testin", "There is no community called “testin” here. Did you mean `testing`?"),
        (
            "leave testing --force",
            "I don't know the option `--force`. Usage: `/cop leave [community] [--erase]`",
        ),
    ],
)
def test_leave_refusals(text, answer, driver, workspace, people, place, store):
    """Not a member, an unknown community or an unknown option: an ephemeral says which, nothing changes."""
    place("Testing", members=(people.dana,))
    before = store.snapshot()
    response = driver.command(workspace, people.chen, text=text)
    assert response.json == {"response_type": "ephemeral", "text": answer}
    assert workspace.views(people.chen) == []
    assert store.snapshot() == before


def test_a_former_member_cannot_leave_twice(driver, workspace, people, place, store, session_factory):
    """Leaving again (without --erase) says they are not a member."""
    place("Testing", members=(people.chen,))
    with session_factory() as session, session.begin():
        session.execute(update(Member).values(left_at=WHEN))
    response = driver.command(workspace, people.chen, text="leave testing")
    assert response.json["text"] == "You are not a member of “Testing”."


def test_several_memberships_need_a_name(driver, workspace, people, place, store):
    """Without a name and with several communities, copbot asks which one, in French for Bruno."""
    place("Testing", members=(people.bruno,))
    place("Design", members=(people.bruno,))
    response = driver.command(workspace, people.bruno, text="leave --erase")
    assert response.json["text"] == (
        "Vous êtes membre de plusieurs communautés : `design`, `testing`. "
        "Précisez laquelle, par exemple `/cop leave design --erase`."
    )
    assert workspace.views(people.bruno) == []


@pytest.mark.parametrize("changes", [{"erase": True}, {"community_id": "other"}])
def test_tampered_metadata_is_refused(changes, driver, workspace, people, place, forms, store, read):
    """A confirmation edited to erase, or to leave another community, is refused; nothing changes."""
    testing = place("Testing", members=(people.chen,))
    design = place("Design", members=(people.chen,))
    driver.command(workspace, people.chen, text="leave testing")
    view = forms.last_view(workspace, people.chen)
    forms.tamper(
        workspace,
        view["id"],
        **{key: design.id if value == "other" else value for key, value in changes.items()},
    )
    before = store.snapshot()
    response = forms.confirm(workspace, people.chen)
    assert response.json["response_action"] == "update"
    assert "This form was changed after copbot opened it. Please start again." in read(response.json["view"])
    assert store.snapshot() == before
    assert workspace.dm_messages(people.chen) == []
    assert store.members(testing.id)[0]["left_at"] is None


def test_forged_leave_submissions_are_refused(driver, workspace, people, place, forms, store):
    """A leave confirmation with a stale signature gets 401, and the member stays."""
    place("Testing", members=(people.chen,))
    driver.command(workspace, people.chen, text="leave testing")
    view = forms.last_view(workspace, people.chen)
    body = urllib.parse.urlencode(
        {"payload": json.dumps(payloads.view_submission(workspace, people.chen, view))}
    )
    before = store.snapshot()
    response = driver.post(
        body.encode(), "application/x-www-form-urlencoded", timestamp=int(time.time()) - 600
    )
    assert response.status == 401
    assert store.snapshot() == before


def test_a_community_of_another_workspace_cannot_be_left_from_here(
    multi_driver, workspace, other_workspace, people, place, store
):
    """Olga of Beta names Acme's community: it does not exist for her, and Acme's members stay."""
    place("Testing", members=(people.chen,))
    olga = next(user for user in other_workspace.state.users if other_workspace.user(user)["name"] == "olga")
    before = store.snapshot()
    response = multi_driver.command(other_workspace, olga, text="leave testing")
    assert response.json["text"] == "There is no community called “testing” here. `/cop list` shows them all."
    assert store.snapshot() == before


def test_other_members_are_untouched(driver, workspace, people, place, forms, store):
    """Leaving changes no one else's membership."""
    testing = place("Testing", members=(people.chen, people.dana, people.alice))
    driver.command(workspace, people.chen, text="leave testing")
    forms.confirm(workspace, people.chen)
    left = {member["user_id"]: member["left_at"] is not None for member in store.members(testing.id)}
    assert left == {people.chen: True, people.dana: False, people.alice: False}


def _confirmed(driver, workspace, user_id: str, text: str) -> None:
    """An organiser change asked for, then confirmed with the question's Confirm button."""
    question = driver.command(workspace, user_id, text=text).json
    message = {"message_ts": "1.000001", "channel": workspace.open_dm(user_id), "blocks": question["blocks"]}
    driver.action(workspace, user_id, ORGANISER_CONFIRM, message=message)
