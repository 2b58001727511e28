"""The Join and Leave buttons, wherever they are shown: in messages, in the App Home, in the joiner offer."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from copbot.sandbox import payloads
from copbot.slack.ids import JOIN_BUTTON, JOIN_VIEW, LEAVE_BUTTON, LEAVE_VIEW


def _message(channel_id: str, action_id: str, value: str) -> dict:
    """A channel message carrying one button, as /cop list or the welcome post would show it."""
    button = {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": "Go"},
    }
    return {
        "channel": channel_id,
        "ts": "1772442000.000100",
        "blocks": [{"type": "actions", "elements": [button]}],
    }


def _home(action_id: str, value: str) -> dict:
    """An App Home view carrying one button."""
    button = {
        "type": "button",
        "action_id": action_id,
        "value": value,
        "text": {"type": "plain_text", "text": "Go"},
    }
    return {"id": "V0HOME0001", "type": "home", "blocks": [{"type": "actions", "elements": [button]}]}


def test_a_join_button_in_a_message_opens_the_join_modal(driver, workspace, people, place, forms, store):
    """Clicking Join under a community's post opens its join modal; submitting it makes a member."""
    testing = place("Testing")
    response = driver.action(
        workspace,
        people.chen,
        JOIN_BUTTON,
        message=_message(testing.channel_id, JOIN_BUTTON, str(testing.id)),
    )
    assert response.status == 200
    view = forms.last_view(workspace, people.chen)
    assert view["callback_id"] == JOIN_VIEW
    forms.submit_join(workspace, people.chen, experience="practising", team="Quality")
    assert [member["user_id"] for member in store.members(testing.id)] == [people.chen]


def test_a_join_button_in_the_app_home_opens_the_modal_in_french(driver, workspace, people, place, forms):
    """From the App Home, Bruno's join modal opens in French."""
    testing = place("Testing")
    driver.action(workspace, people.bruno, JOIN_BUTTON, view=_home(JOIN_BUTTON, str(testing.id)))
    assert forms.last_view(workspace, people.bruno)["submit"]["text"] == "Rejoindre"


def test_a_join_button_for_a_member_opens_the_update_modal(driver, workspace, people, place, forms):
    """A member clicking Join again gets their profile to update."""
    testing = place("Testing", members=(people.chen,))
    driver.action(workspace, people.chen, JOIN_BUTTON, view=_home(JOIN_BUTTON, str(testing.id)))
    assert forms.last_view(workspace, people.chen)["title"]["text"] == "Update your profile"


@pytest.mark.parametrize("value", ["other workspace", "abc", "", "-3", "99999"])
def test_a_join_button_naming_no_community_here(
    value, driver, workspace, other_workspace, people, place, store
):
    """Another workspace's community id, a malformed or unknown value: "no longer exists", nothing stored."""
    testing = place("Testing")
    beta = place("Testing", ws=other_workspace)
    value = str(beta.id) if value == "other workspace" else value
    before = store.snapshot()
    response = driver.action(
        workspace, people.chen, JOIN_BUTTON, message=_message(testing.channel_id, JOIN_BUTTON, value)
    )
    assert response.status == 200
    assert workspace.views(people.chen) == []
    [answer] = workspace.responses(people.chen)
    assert (answer["text"], answer["response_type"], answer["replace_original"]) == (
        "That community no longer exists.",
        "ephemeral",
        False,
    )
    assert store.snapshot() == before


def test_a_stale_join_button_in_the_app_home_is_answered_in_a_modal(driver, workspace, people, store):
    """The App Home has no message to answer beside: Bruno is told in a modal, in French, not by DM."""
    before = store.snapshot()
    driver.action(workspace, people.bruno, JOIN_BUTTON, view=_home(JOIN_BUTTON, "4242"))
    [notice] = workspace.views(people.bruno)
    assert notice["title"]["text"] == "Action impossible"
    assert notice["blocks"][0]["text"]["text"] == "Cette communauté n'existe plus."
    assert workspace.dm_messages(people.bruno) == []
    assert store.snapshot() == before


def test_the_leave_button_opens_the_leave_confirmation(driver, workspace, people, place, forms, store):
    """The App Home's Leave button asks first; confirming marks the member as left."""
    testing = place("Testing", members=(people.chen,))
    driver.action(workspace, people.chen, LEAVE_BUTTON, view=_home(LEAVE_BUTTON, str(testing.id)))
    view = forms.last_view(workspace, people.chen)
    assert view["callback_id"] == LEAVE_VIEW
    assert "Your profile will be removed" not in str(view["blocks"])
    forms.confirm(workspace, people.chen)
    [member] = store.members(testing.id)
    assert member["left_at"] is not None
    assert member["user_id"] == people.chen


def test_the_leave_button_for_a_non_member(driver, workspace, people, place, store):
    """Someone who is not a member is told so in a small modal (not by DM); nothing changes."""
    testing = place("Testing")
    before = store.snapshot()
    driver.action(workspace, people.dana, LEAVE_BUTTON, view=_home(LEAVE_BUTTON, str(testing.id)))
    [notice] = workspace.views(people.dana)
    assert notice["blocks"][0]["text"]["text"] == "You are not a member of “Testing”."
    assert workspace.dm_messages(people.dana) == []
    assert store.snapshot() == before


@pytest.mark.parametrize("action_id", [JOIN_BUTTON, LEAVE_BUTTON])
@pytest.mark.parametrize(
    "forgery",
    [{"signature": "v0=" + "0" * 64}, {"sign": False}, {"age": 6 * 60}],
)
def test_forged_or_stale_clicks_are_refused(
    forgery, action_id, driver, sandbox, workspace, people, place, store
):
    """A Join or Leave click with a forged, missing or stale signature gets 401: no modal, no message."""
    testing = place("Testing", members=(people.chen,))
    click = payloads.click(
        workspace,
        people.chen,
        action_id,
        view=_home(action_id, str(testing.id)),
        message=None,
        channel_id=None,
        chosen={"value": str(testing.id)},
    )
    body = urllib.parse.urlencode({"payload": json.dumps(click)}).encode()
    before, calls = store.snapshot(), len(sandbox.calls())
    response = driver.post(body, "application/x-www-form-urlencoded", **forgery)
    assert response.status == 401
    assert len(sandbox.calls()) == calls
    assert workspace.views(people.chen) == workspace.dm_messages(people.chen) == []
    assert store.snapshot() == before
