"""`/cop edit`: the create modal pre-filled, for organisers; saving refreshes or moves the pinned welcome."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from communities_support import ephemeral_text, inline_errors, replace_metadata, snapshot, stored_communities
from fixtures_app import SIGNING_SECRET
from slack_sdk import WebClient
from sqlalchemy import update

from copbot.sandbox import payloads
from copbot.sandbox.forms import fill
from copbot.slack.ids import EDIT_VIEW
from copbot.slack.metadata import MetadataSeal
from copbot.store.models import Community


@pytest.fixture
def created(forms, people, session_factory):
    """A community Chen created over HTTP, so it has a real channel and a pinned welcome."""
    assert forms.create(people.chen).text == ""
    [community] = stored_communities(session_factory)
    return community


def _block(view, block_id):
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def test_edit_modal_is_prefilled(forms, people, created):
    """The organiser gets the create modal with the community's current values and sealed metadata."""
    view = forms.open_edit(people.chen, "testing")
    assert view["callback_id"] == EDIT_VIEW
    assert view["title"]["text"] == "Edit community"
    assert _block(view, "name")["element"]["initial_value"] == "Testing"
    assert _block(view, "slug")["element"]["initial_value"] == "testing"
    assert _block(view, "channel")["element"]["initial_conversation"] == created.channel_id
    assert _block(view, "timezone")["element"]["initial_value"] == "America/New_York"
    assert view["private_metadata"]
    assert "testing" not in view["private_metadata"]


def test_saving_refreshes_the_pinned_welcome(forms, workspace, people, created, session_factory, sandbox):
    """A saved edit updates the store and the welcome message in place, and DMs the organiser."""
    view = forms.open_edit(people.chen, "testing")
    response = forms.submit(people.chen, view, purpose="Learn testing by sharing stories", group_size="3")
    assert response.text == ""
    [community] = stored_communities(session_factory)
    assert (community.purpose, community.pairing_group_size) == ("Learn testing by sharing stories", 3)
    assert community.welcome_message_ts == created.welcome_message_ts
    [welcome] = workspace.messages(created.channel_id)
    assert "Learn testing by sharing stories" in str(welcome["blocks"])
    assert workspace.pins(created.channel_id) == [created.welcome_message_ts]
    assert len(sandbox.calls("chat.update")) == 1
    assert workspace.dm_messages(people.chen)[-1]["text"].startswith("Your changes to *Testing* are saved.")


def test_without_argument_edits_the_one_you_organise(forms, people, created, place):
    """With no community named, the only one the person organises is edited."""
    place("Design", organisers=(people.alice,))
    view = forms.open_edit(people.chen)
    assert _block(view, "name")["element"]["initial_value"] == "Testing"


def test_without_argument_and_several_asks_which(driver, workspace, people, place, session_factory):
    """An organiser of several communities is asked which one, with their short names."""
    place("Testing", organisers=(people.chen,))
    place("Design", organisers=(people.chen,))
    response = driver.command(workspace, people.chen, "edit")
    assert ephemeral_text(response) == "Which community do you mean? Add its short name: `design`, `testing`"
    assert workspace.views(people.chen) == []


def test_unknown_community_suggests_close_names(driver, workspace, people, place):
    """A mistyped community name gets close suggestions."""
    place("Testing", organisers=(people.chen,))
    response = driver.command(workspace, people.chen, "edit tesitng")
    assert ephemeral_text(response) == "There is no community called “tesitng” here. Did you mean `testing`?"


def test_over_long_community_argument_is_not_echoed_in_full(driver, workspace, people, place):
    """An argument longer than any community name is answered with its first 80 characters only."""
    place("Testing", organisers=(people.chen,))
    response = driver.command(workspace, people.bruno, "edit " + "x" * 3000)
    assert ephemeral_text(response) == (
        "Il n'y a pas de communauté appelée « " + "x" * 80 + "… » ici. `/cop list` les affiche toutes."
    )
    assert workspace.views(people.bruno) == []


def test_non_organiser_is_refused(driver, workspace, people, place, session_factory):
    """Someone who doesn't organise the community is refused, in their language, and no modal opens."""
    place("Testing", organisers=(people.chen,), members=(people.bruno,))
    before = snapshot(session_factory)
    response = driver.command(workspace, people.bruno, "edit testing")
    assert ephemeral_text(response) == "Seuls les organisateurs de « Testing » peuvent faire cela."
    assert workspace.views(people.bruno) == []
    assert snapshot(session_factory) == before


def test_workspace_admin_counts_as_organiser(forms, people, created):
    """A workspace admin may edit any community."""
    view = forms.open_edit(people.alice, "testing")
    assert forms.submit(people.alice, view, audience="Testers and developers").text == ""


def test_non_organiser_submission_is_refused(forms, people, created, session_factory, sandbox):
    """A non-organiser who submits an organiser's modal (crafted) gets an inline error; nothing changes."""
    view = forms.open_edit(people.chen, "testing")
    before = snapshot(session_factory)
    response = forms.submit(people.dana, view, name="Hijacked")
    assert inline_errors(response) == {"name": "Only the organisers of “Testing” can do that."}
    assert snapshot(session_factory) == before
    assert sandbox.calls("chat.update") == []


@pytest.mark.parametrize("how", ["edited", "emptied", "garbage", "unsigned"])
def test_tampered_metadata(how, forms, workspace, people, created, session_factory):
    """An edited, emptied or made-up private_metadata is refused inline, and nothing changes."""
    view = forms.open_edit(people.chen, "testing")
    payload, _, signature = view["private_metadata"].rpartition(".")
    forged = {
        "edited": payload[:-2] + "xx." + signature,
        "emptied": "",
        "garbage": "not.sealed.at.all",
        "unsigned": json.dumps({"community_id": created.id, "team_id": workspace.team_id}),
    }[how]
    replace_metadata(workspace, view["id"], forged)
    before = snapshot(session_factory)
    response = forms.submit(people.chen, view, name="Changed")
    assert inline_errors(response) == {
        "name": "This form was changed after copbot opened it. Please start again."
    }
    assert snapshot(session_factory) == before


def test_metadata_of_another_workspace(forms, workspace, people, created, session_factory):
    """Metadata sealed for another workspace's community is refused like tampering."""
    view = forms.open_edit(people.chen, "testing")
    foreign = MetadataSeal(SIGNING_SECRET).seal({"community_id": created.id, "team_id": "T0BETA001"})
    replace_metadata(workspace, view["id"], foreign)
    before = snapshot(session_factory)
    response = forms.submit(people.chen, view)
    assert inline_errors(response) == {
        "name": "This form was changed after copbot opened it. Please start again."
    }
    assert snapshot(session_factory) == before


def test_community_gone_before_saving(forms, people, created, session_factory):
    """A community archived while the modal was open can't be saved, and says so."""
    view = forms.open_edit(people.chen, "testing")
    with session_factory() as session:
        session.execute(update(Community).values(archived_at=created.created_at))
        session.commit()
    before = snapshot(session_factory)
    response = forms.submit(people.chen, view, name="Renamed")
    assert inline_errors(response) == {"name": "That community no longer exists."}
    assert snapshot(session_factory) == before


def test_rename_to_an_existing_name(forms, people, created, place, session_factory):
    """Renaming to another community's name is refused on the name input."""
    place("Design", organisers=(people.alice,))
    view = forms.open_edit(people.chen, "testing")
    before = snapshot(session_factory)
    response = forms.submit(people.chen, view, name="design")
    assert inline_errors(response) == {"name": "There is already a community called “design” here."}
    assert snapshot(session_factory) == before


def test_keeping_its_own_name_and_short_name_is_fine(forms, people, created, session_factory):
    """Saving without renaming does not clash with the community itself; a new short name is kept."""
    view = forms.open_edit(people.chen, "testing")
    assert forms.submit(people.chen, view, slug="qa").text == ""
    assert [c.slug for c in stored_communities(session_factory)] == ["qa"]


def test_moving_to_another_channel(forms, workspace, people, created, session_factory, sandbox):
    """A new channel is checked, joined, and gets a freshly pinned welcome; the old one is left alone."""
    channel_id = workspace.add_channel("testers-new", members=[people.dana])
    view = forms.open_edit(people.chen, "testing")
    assert forms.submit(people.chen, view, channel=channel_id).text == ""
    [community] = stored_communities(session_factory)
    [welcome] = workspace.messages(channel_id)
    assert (community.channel_id, community.welcome_message_ts) == (channel_id, welcome["ts"])
    assert workspace.pins(channel_id) == [welcome["ts"]]
    assert workspace.bot_user_id in workspace.channel_members(channel_id)
    assert len(workspace.messages(created.channel_id)) == 1


def test_moving_to_a_channel_copbot_cannot_see(forms, workspace, people, created, session_factory):
    """Moving to a private channel copbot is not in is refused inline, and nothing changes."""
    channel_id = workspace.add_channel("hidden", is_private=True, members=[people.chen])
    view = forms.open_edit(people.chen, "testing")
    before = snapshot(session_factory)
    errors = inline_errors(forms.submit(people.chen, view, channel=channel_id))
    assert errors["channel"].startswith("copbot can't see that channel.")
    assert snapshot(session_factory) == before


def test_deleted_welcome_is_posted_again(forms, workspace, people, created, session_factory, sandbox):
    """If someone deleted the welcome message, saving posts and pins a new one."""
    client = WebClient(token=workspace.bot_token, base_url=sandbox.api_url)
    client.chat_delete(channel=created.channel_id, ts=created.welcome_message_ts)
    view = forms.open_edit(people.chen, "testing")
    assert forms.submit(people.chen, view).text == ""
    [community] = stored_communities(session_factory)
    [welcome] = workspace.messages(created.channel_id)
    assert community.welcome_message_ts == welcome["ts"] != created.welcome_message_ts
    assert welcome["ts"] in workspace.pins(created.channel_id)


def test_edit_in_french(forms, workspace, people, place, session_factory):
    """A French organiser gets the modal and the confirmation in French; the welcome follows the language."""
    placed = place("Qualité", organisers=(people.bruno,), slug="qualite")
    view = forms.open_edit(people.bruno, "qualite")
    assert view["title"]["text"] == "Modifier la communauté"
    assert forms.submit(people.bruno, view, language="fr").text == ""
    assert workspace.dm_messages(people.bruno)[-1]["text"].startswith("Les modifications de *Qualité*")
    [community] = stored_communities(session_factory)
    [welcome] = workspace.messages(placed.channel_id)
    assert (community.language, community.welcome_message_ts) == ("fr", welcome["ts"])
    assert welcome["text"].startswith("Bienvenue dans Qualité")
    assert "tapez `/cop join qualite`" in json.dumps(welcome["blocks"], ensure_ascii=False)


@pytest.mark.parametrize(
    "forgery",
    [{"signature": "v0=" + "0" * 64}, {"sign": False}, {"age": 6 * 60}],
)
def test_forged_or_stale_submission(
    forgery, driver, forms, workspace, people, created, session_factory, sandbox
):
    """An edit submission with a forged, missing or stale signature gets 401; nothing is stored or sent."""
    view = forms.open_edit(people.chen, "testing")
    view = {**view, "state": {"values": fill(view, {"name": "Hijacked", "purpose": "Something else"})}}
    body = urllib.parse.urlencode(
        {"payload": json.dumps(payloads.view_submission(workspace, people.chen, view))}
    )
    before, calls = snapshot(session_factory), len(sandbox.calls())
    response = driver.post(body.encode(), "application/x-www-form-urlencoded", **forgery)
    assert response.status == 401
    assert snapshot(session_factory) == before
    assert len(sandbox.calls()) == calls
