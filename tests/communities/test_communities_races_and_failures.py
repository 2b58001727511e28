"""Creating communities when people race each other or Slack fails: one community, no half-made one."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from communities_support import ANSWERS, activity_kinds, inline_errors, stored_communities, stored_members
from sqlalchemy import select

from copbot.domain.enums import Role
from copbot.sandbox.forms import fill
from copbot.store.models import Delivery

RACERS = 50


def _deliveries(session_factory) -> dict[str, tuple[str, str | None]]:
    with session_factory() as session:
        return {d.kind: (d.status.value, d.last_error) for d in session.scalars(select(Delivery))}


def _open_forms(forms, workspace, count):
    """`count` people each open the create form (Slack would show each their own modal)."""
    users = [workspace.add_user(f"racer{n}", real_name=f"Racer {n}") for n in range(count)]
    return [(user, forms.open_create(user)) for user in users]


def _submit_all(driver, workspace, opened, answers_for):
    def submit(entry):
        user, view = entry
        return driver.submit(workspace, user, view, fill(view, answers_for(user)))

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(submit, opened))


def test_fifty_creates_of_one_short_name_make_one_community_and_one_channel(
    forms, raw_driver, copbot, workspace, sandbox, session_factory
):
    """50 people create "testing" at once, each in a new channel: one wins, and no extra channel exists."""
    opened = _open_forms(forms, workspace, RACERS)
    sandbox.reset_calls()
    responses = _submit_all(
        raw_driver,
        workspace,
        opened,
        lambda user: {**ANSWERS, "slug": "testing", "new_channel": f"cop-{user.lower()}"},
    )
    assert sum(response.text == "" for response in responses) == 1
    refusals = {
        error for response in responses if response.text for error in inline_errors(response).values()
    }
    assert refusals <= {
        "The short name “testing” is taken here. Choose another.",
        "There is already a community called “Testing” here.",
        "Someone is saving a community with this short name or name right now. Try again in a moment.",
    }
    [community] = stored_communities(session_factory)
    created = [call for call in sandbox.calls("conversations.create") if call.response.get("ok")]
    assert [call.response["channel"]["id"] for call in created] == [community.channel_id]


def test_fifty_creates_in_one_existing_channel_make_one_community(
    forms, raw_driver, copbot, workspace, sandbox, session_factory
):
    """50 communities ask for one channel at once: the database lets one in, and one welcome is posted."""
    channel = workspace.add_channel("shared-channel")
    opened = _open_forms(forms, workspace, RACERS)
    responses = _submit_all(
        raw_driver, workspace, opened, lambda user: {**ANSWERS, "name": f"Guild {user}", "channel": channel}
    )
    assert sum(response.text == "" for response in responses) == 1
    assert copbot.sender.wait_idle(timeout=30)
    [community] = stored_communities(session_factory)
    assert community.channel_id == channel
    assert len(workspace.messages(channel)) == 1
    assert workspace.pins(channel) == [community.welcome_message_ts]


def test_names_differing_only_in_case_make_one_community(
    forms, raw_driver, copbot, workspace, session_factory
):
    """Testing Guild, testing guild, TESTING GUILD… created at once: one community of that name."""
    opened = _open_forms(forms, workspace, 16)
    spellings = iter(["Testing Guild", "testing guild", "TESTING GUILD", "Testing guild"] * 4)
    names = {user: next(spellings) for user, _ in opened}
    slugs = {user: f"guild-{n}" for n, (user, _) in enumerate(opened)}
    _submit_all(
        raw_driver,
        workspace,
        opened,
        lambda user: {**ANSWERS, "name": names[user], "slug": slugs[user], "new_channel": f"g-{slugs[user]}"},
    )
    assert len(stored_communities(session_factory)) == 1


@pytest.mark.parametrize(
    ("method", "fault"),
    [
        ("pins.add", {"status": 500}),
        ("conversations.join", {"status": 500}),
        ("chat.postMessage", {"status": 429}),
    ],
)
def test_slack_failing_after_the_create_leaves_nothing_half_made(
    forms, copbot, workspace, people, sandbox, session_factory, clock, method, fault
):
    """The create stands whole (community, organiser, log); Slack's failed step is done on a later tick."""
    sandbox.inject_fault(method, **fault)
    assert forms.create(people.chen).text == ""
    [community] = stored_communities(session_factory)
    assert stored_members(session_factory, community.id)[people.chen].role == Role.ORGANISER
    assert activity_kinds(session_factory) == [("community_created", people.chen)]
    clock.advance(seconds=30)
    copbot.loop.tick()
    copbot.sender.wait_idle()
    copbot.loop.tick()
    copbot.sender.wait_idle()
    [welcome] = workspace.messages(community.channel_id)
    assert workspace.pins(community.channel_id) == [welcome["ts"]]
    assert all(status == "sent" for status, _ in _deliveries(session_factory).values())


def test_a_channel_copbot_cannot_join_fails_the_welcome_and_tells_the_organiser(
    forms, copbot, workspace, people, sandbox, session_factory
):
    """Joining refused for good: the community stands, the welcome fails, the organiser is told once."""
    sandbox.inject_fault("conversations.join", error="is_archived")
    assert forms.create(people.chen).text == ""
    [community] = stored_communities(session_factory)
    assert _deliveries(session_factory)["community.welcome"] == ("failed", "is_archived")
    texts = [message["text"] for message in workspace.dm_messages(people.chen)]
    assert sum(text.startswith("copbot couldn't post in") for text in texts) == 1
    assert community.welcome_message_ts is None


def test_slack_refusing_the_new_channel_stores_nothing(
    forms, raw_driver, workspace, people, sandbox, session_factory
):
    """conversations.create answers 500: Slack is busy, says the form; nothing stored, no hold left behind."""
    view = forms.open_create(people.chen)
    sandbox.inject_fault("conversations.create", status=500)
    response = raw_driver.submit(
        workspace, people.chen, view, fill(view, {**ANSWERS, "new_channel": "cop-x"})
    )
    assert inline_errors(response) == {
        "name": "Slack is busy right now, so that didn't go through. Please try again in a minute."
    }
    assert stored_communities(session_factory) == []
    again = raw_driver.submit(workspace, people.chen, view, fill(view, {**ANSWERS, "new_channel": "cop-x"}))
    assert again.text == ""  # the names held for the failed attempt were given back at once
