"""`/cop join` end to end: the modal, the stored member, the channel invite and the welcome DM."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from factories import WHEN, make_meetup
from sqlalchemy import update

from copbot.domain.enums import Experience, Role
from copbot.sandbox.forms import fill
from copbot.slack.ids import JOIN_VIEW
from copbot.store.models import Community, Member


def test_joining_stores_the_member_invites_and_welcomes(driver, workspace, people, place, forms, store, read):
    """A newcomer fills in the form: stored with their profile, added to the channel, welcomed by DM."""
    testing = place("Testing")
    response = driver.command(workspace, people.chen, text="join testing")
    assert (response.status, response.text) == (200, "")
    view = forms.last_view(workspace, people.chen)
    assert view["callback_id"] == JOIN_VIEW
    assert view["title"]["text"] == "Join a community"

    submitted = forms.submit_join(
        workspace, people.chen, experience="new", team="Quality", interests="CI, Exploratory, ci"
    )

    assert (submitted.status, submitted.text) == (200, "")
    [member] = store.members(testing.id)
    assert member["user_id"] == people.chen
    assert (member["role"], member["experience"], member["team_name"]) == (
        Role.MEMBER,
        Experience.NEW,
        "Quality",
    )
    assert member["interests"] == ["ci", "exploratory"]
    assert member["pairing_opt_in"] is True
    assert store.activity(testing.id) == [("joined", people.chen)]
    assert people.chen in workspace.channel_members(testing.channel_id)
    [welcome] = workspace.dm_messages(people.chen)
    text = read(welcome)
    assert "Welcome to *Testing*!" in text
    assert "*What we practise:* Get better at testing together" in text
    assert "*Who it's for:* Anyone who tests software" in text
    assert f"The community talks in <#{testing.channel_id}>." in text
    assert "Start by sharing a story: `/cop share`" in text
    assert "Next session" not in text


def test_joining_in_french(driver, workspace, people, place, forms, store, read):
    """Bruno's Slack is in French: the modal and the welcome DM are in French."""
    testing = place("Testing")
    driver.command(workspace, people.bruno, text="join Testing")
    view = forms.last_view(workspace, people.bruno)
    assert view["title"]["text"] == "Rejoindre une communauté"
    labels = [block["label"]["text"] for block in view["blocks"] if block["type"] == "input"]
    assert labels == [
        "Votre expérience de cette pratique",
        "Votre équipe ou votre service",
        "Centres d'intérêt",
        "Présentations",
    ]

    forms.submit_join(workspace, people.bruno, experience="experienced", team="Produit", pairing=[])

    [member] = store.members(testing.id)
    assert member["pairing_opt_in"] is False
    text = read(workspace.dm_messages(people.bruno)[0])
    assert "Bienvenue dans *Testing* !" in text
    assert "Commencez par partager une histoire : `/cop share`" in text


def test_the_welcome_names_the_next_session_in_the_members_time_zone(
    driver, workspace, people, place, forms, session_factory, read
):
    """Chen lives in New York: a session at 17:00 UTC is shown to him at 13:00, New York time."""
    testing = place("Testing")
    with session_factory() as session, session.begin():
        community = session.get(Community, testing.id)
        make_meetup(session, community, title="Lean coffee", starts_at=datetime(2026, 3, 12, 17, tzinfo=UTC))
    driver.command(workspace, people.chen, text="join testing")
    forms.submit_join(workspace, people.chen, experience="practising", team="Quality")
    text = read(workspace.dm_messages(people.chen)[0])
    assert "*Next session:* Lean coffee, <!date^" in text
    assert "|Thursday 12 March, 13:00 (America/New_York)>" in text  # the token's fallback


def test_no_argument_and_one_community_opens_its_modal(driver, workspace, people, place, forms, store):
    """With a single community, `/cop join` needs no name."""
    testing = place("Testing")
    driver.command(workspace, people.dana, text="join")
    view = forms.last_view(workspace, people.dana)
    assert "community" not in [block.get("block_id") for block in view["blocks"]]
    forms.submit_join(workspace, people.dana, experience="practising", team="Support")
    assert [member["user_id"] for member in store.members(testing.id)] == [people.dana]


def test_no_argument_and_several_communities_offers_a_choice(driver, workspace, people, place, forms, store):
    """With several communities the modal starts with a select, and the choice decides where one joins."""
    place("Testing")
    design = place("Design")
    driver.command(workspace, people.dana, text="join")
    view = forms.last_view(workspace, people.dana)
    select = view["blocks"][0]
    assert select["block_id"] == "community"
    assert [option["text"]["text"] for option in select["element"]["options"]] == ["Design", "Testing"]

    forms.submit_join(workspace, people.dana, community=str(design.id), experience="new", team="UX")

    assert [member["user_id"] for member in store.members(design.id)] == [people.dana]
    assert people.dana in workspace.channel_members(design.channel_id)


def test_no_community_yet_points_to_create(driver, workspace, people, store):
    """Nothing to join: an ephemeral says so and names `/cop create`; no modal opens."""
    response = driver.command(workspace, people.chen, text="join")
    assert response.json == {
        "response_type": "ephemeral",
        "text": "There are no communities here yet. Start one with `/cop create`.",
    }
    assert workspace.views(people.chen) == []


def test_joining_again_updates_the_profile_and_says_so(driver, workspace, people, place, forms, store):
    """A member's modal is pre-filled and titled Update; submitting stores the change and DMs a short note."""
    testing = place("Testing", members=(people.chen,))
    channel_before = workspace.channel_members(testing.channel_id)
    driver.command(workspace, people.chen, text="join testing")
    view = forms.last_view(workspace, people.chen)
    assert (view["title"]["text"], view["submit"]["text"]) == ("Update your profile", "Update")
    team = next(block for block in view["blocks"] if block.get("block_id") == "team")
    assert team["element"]["initial_value"] == "Quality"

    forms.submit_join(workspace, people.chen, team="Platform", interests="exploratory, tdd")

    [member] = store.members(testing.id)
    assert (member["team_name"], member["interests"]) == ("Platform", ["exploratory", "tdd"])
    assert member["experience"] == Experience.PRACTISING  # as pre-filled
    assert store.activity(testing.id) == [("profile_updated", people.chen)]
    assert [message["text"] for message in workspace.dm_messages(people.chen)] == [
        "Your profile in Testing is updated."
    ]
    assert workspace.channel_members(testing.channel_id) == channel_before


def test_rejoining_restores_the_same_row(
    driver, workspace, people, place, forms, store, session_factory, read
):
    """A former member comes back: same row (history kept), pre-filled, logged as rejoined, welcomed back."""
    testing = place("Testing", members=(people.chen,))
    with session_factory() as session, session.begin():
        session.execute(update(Member).values(left_at=WHEN, pairing_opt_in=False))
    driver.command(workspace, people.chen, text="join testing")
    view = forms.last_view(workspace, people.chen)
    assert view["title"]["text"] == "Join a community"
    forms.submit_join(workspace, people.chen, pairing=["yes"])

    [member] = store.members(testing.id)
    assert (member["left_at"], member["team_name"], member["pairing_opt_in"]) == (None, "Quality", True)
    assert store.activity(testing.id) == [("rejoined", people.chen)]
    assert "Welcome back to *Testing*!" in read(workspace.dm_messages(people.chen)[0])


@pytest.mark.parametrize("channel", ["archived", "private, copbot not in it", "deleted"])
def test_a_channel_copbot_cannot_use_does_not_stop_the_join(
    channel, driver, workspace, people, place, forms, store, read
):
    """copbot cannot add the member to the channel: the join stands, and a DM beside the welcome says so."""
    if channel == "archived":
        channel_id = workspace.add_channel("testing", bot_is_member=True, is_archived=True)
    elif channel == "deleted":
        channel_id = "C0GONE0001"
    else:
        channel_id = workspace.add_channel("testing", is_private=True, members=[people.alice])
    testing = place("Testing", channel_id=channel_id)
    driver.command(workspace, people.chen, text="join testing")
    forms.submit_join(workspace, people.chen, experience="new", team="Quality")
    assert [member["user_id"] for member in store.members(testing.id)] == [people.chen]
    texts = sorted(read(message) for message in workspace.dm_messages(people.chen))  # sent side by side
    assert len(texts) == 2
    assert texts[0].startswith("Welcome to Testing!")
    assert texts[1] == f"copbot couldn't add you to <#{channel_id}>: please join it yourself."


def test_a_channel_copbot_left_is_joined_before_inviting(driver, workspace, people, place, forms, sandbox):
    """copbot is no longer in the public channel: it joins it again, then invites the member."""
    channel_id = workspace.add_channel("testing", bot_is_member=False)
    place("Testing", channel_id=channel_id)
    driver.command(workspace, people.chen, text="join testing")
    forms.submit_join(workspace, people.chen, experience="new", team="Quality")
    assert set(workspace.channel_members(channel_id)) == {workspace.bot_user_id, people.chen}
    assert [call.args["channel"] for call in sandbox.calls("conversations.join")] == [channel_id]


def test_already_in_the_channel_is_fine(driver, workspace, people, place, forms, store, read):
    """Someone already in the channel joins the community: no error, the usual welcome."""
    testing = place("Testing", in_channel=(people.chen,))
    driver.command(workspace, people.chen, text="join testing")
    forms.submit_join(workspace, people.chen, experience="new", team="Quality")
    assert f"The community talks in <#{testing.channel_id}>." in read(workspace.dm_messages(people.chen)[0])
    assert workspace.channel_members(testing.channel_id).count(people.chen) == 1


def test_a_double_submission_makes_one_member(driver, workspace, people, place, forms, store):
    """Two submissions of the same form at once (a double click): the database keeps one membership."""
    testing = place("Testing")
    driver.command(workspace, people.chen, text="join testing")
    view = forms.last_view(workspace, people.chen)
    values = fill(view, {"experience": "new", "team": "Quality"})
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(lambda _: driver.submit(workspace, people.chen, view, values), range(2)))
    assert 200 in [response.status for response in responses]
    assert [member["user_id"] for member in store.members(testing.id)] == [people.chen]
    assert store.activity(testing.id)[0] == ("joined", people.chen)
