"""People who join a community's channel directly are offered, privately, to join the community."""

from __future__ import annotations

import json

from factories import WHEN
from sqlalchemy import update

from copbot.sandbox import payloads
from copbot.slack.ids import JOIN_BUTTON, JOIN_VIEW, JOINER_DISMISS
from copbot.store.models import Community, Member


def _joined(ws, user_id: str, channel_id: str) -> dict:
    return {
        "type": "member_joined_channel",
        "user": user_id,
        "channel": channel_id,
        "channel_type": "C",
        "team": ws.team_id,
    }


def test_a_joiner_is_offered_the_community(driver, workspace, people, place, read):
    """Chen joins #testing: only he sees a welcome naming the community, with Join and Not now buttons."""
    testing = place("Testing", in_channel=(people.chen,))
    response = driver.event(workspace, _joined(workspace, people.chen, testing.channel_id))
    assert response.status == 200
    [offer] = workspace.ephemerals()
    assert (offer["user"], offer["channel"]) == (people.chen, testing.channel_id)
    assert (
        f"Welcome to <#{testing.channel_id}>, the channel of *Testing*.\n"
        "*What we practise:* Get better at testing together\n"
        "Join the community to get introductions and session reminders."
    ) in read(offer)
    buttons = [offer["blocks"][0]["accessory"], *offer["blocks"][-1]["elements"]]
    assert [(button["action_id"], button["value"]) for button in buttons] == [
        (JOIN_BUTTON, str(testing.id)),
        (JOINER_DISMISS, "dismiss"),
    ]


def test_the_offer_is_in_the_joiners_language(driver, workspace, people, place, read):
    """Bruno gets the offer in French."""
    testing = place("Testing", in_channel=(people.bruno,))
    driver.event(workspace, _joined(workspace, people.bruno, testing.channel_id))
    [offer] = workspace.ephemerals(people.bruno)
    assert "le canal de *Testing*.\n*Ce que nous pratiquons :* Get better at testing together" in read(offer)
    assert "Pas maintenant" in read(offer)


def test_a_redelivered_event_acts_once(driver, workspace, people, place):
    """Slack retries the same event (same event_id, X-Slack-Retry-Num: 1): still one offer."""
    testing = place("Testing", in_channel=(people.chen,))
    event = _joined(workspace, people.chen, testing.channel_id)
    assert driver.event(workspace, event, event_id="Ev0JOIN0001").status == 200
    assert driver.event(workspace, event, event_id="Ev0JOIN0001", retry_num=1).status == 200
    assert len(workspace.ephemerals(people.chen)) == 1


def test_nobody_is_offered_what_they_cannot_or_need_not_join(driver, sandbox, workspace, people, place):
    """Members, bots, deactivated accounts, copbot itself and non-community channels get no offer."""
    testing = place(
        "Testing", members=(people.dana,), in_channel=(people.dana, people.bot_user, people.deleted)
    )
    plain = workspace.add_channel("random", bot_is_member=True, members=[people.chen])
    for user_id, channel_id in [
        (people.dana, testing.channel_id),
        (people.bot_user, testing.channel_id),
        (people.deleted, testing.channel_id),
        (workspace.bot_user_id, testing.channel_id),
        (people.chen, plain),
    ]:
        assert driver.event(workspace, _joined(workspace, user_id, channel_id)).status == 200
    assert workspace.ephemerals() == []
    assert sandbox.calls("chat.postEphemeral") == []


def test_people_copbot_invites_itself_get_no_offer(driver, sandbox, workspace, people, place):
    """Whom copbot invited itself (on a join, to organise) gets no offer; whom a colleague invited does."""
    testing = place("Testing", in_channel=(people.chen, people.dana))
    by_copbot = {**_joined(workspace, people.chen, testing.channel_id), "inviter": workspace.bot_user_id}
    by_alice = {**_joined(workspace, people.dana, testing.channel_id), "inviter": people.alice}
    assert driver.event(workspace, by_copbot).status == 200
    assert driver.event(workspace, by_alice).status == 200
    assert [offer["user"] for offer in workspace.ephemerals()] == [people.dana]


def test_a_former_member_is_offered_again(driver, workspace, people, place, session_factory):
    """Someone who left the community and comes back to its channel gets the offer."""
    testing = place("Testing", members=(people.chen,), in_channel=(people.chen,))
    with session_factory() as session, session.begin():
        session.execute(update(Member).values(left_at=WHEN))
    driver.event(workspace, _joined(workspace, people.chen, testing.channel_id))
    assert len(workspace.ephemerals(people.chen)) == 1


def test_an_archived_community_of_the_channel_is_not_offered(
    driver, workspace, people, place, session_factory
):
    """The channel's live community is offered; one archived that lived there before is left out."""
    old = place("Old", in_channel=(people.chen,))
    with session_factory() as session, session.begin():
        session.execute(update(Community).where(Community.id == old.id).values(archived_at=WHEN))
    testing = place("Testing", channel_id=old.channel_id)
    driver.event(workspace, _joined(workspace, people.chen, testing.channel_id))
    [offer] = workspace.ephemerals(people.chen)
    values = [block["accessory"]["value"] for block in offer["blocks"] if "accessory" in block]
    assert values == [str(testing.id)]


def test_join_from_the_offer_then_not_now(driver, workspace, people, place, forms, store):
    """The offer's Join opens the join modal (the offer then says "Joined ✓"); "Not now" deletes the offer."""
    testing = place("Testing", in_channel=(people.chen,))
    driver.event(workspace, _joined(workspace, people.chen, testing.channel_id))
    [offer] = workspace.ephemerals(people.chen)
    driver.action(workspace, people.chen, JOIN_BUTTON, message=offer)
    assert forms.last_view(workspace, people.chen)["callback_id"] == JOIN_VIEW
    forms.submit_join(workspace, people.chen, experience="new", team="Quality")
    assert [member["user_id"] for member in store.members(testing.id)] == [people.chen]

    driver.action(workspace, people.chen, JOINER_DISMISS, message=offer)
    joined, deleted = workspace.responses(people.chen)
    assert joined["replace_original"] is True
    assert "Joined ✓" in joined["text"]
    assert deleted["delete_original"] is True


def test_another_workspaces_event_offers_nothing_here(
    multi_driver, workspace, other_workspace, people, place, store
):
    """An event from Beta naming Acme's channel id finds no community: Beta has none there."""
    testing = place("Testing")
    olga = next(user for user in other_workspace.state.users if other_workspace.user(user)["name"] == "olga")
    other_channel = other_workspace.add_channel("testing", bot_is_member=True, members=[olga])
    multi_driver.event(other_workspace, _joined(other_workspace, olga, testing.channel_id))
    multi_driver.event(other_workspace, _joined(other_workspace, olga, other_channel))
    assert other_workspace.ephemerals() == workspace.ephemerals() == []


def test_a_forged_event_is_refused(driver, workspace, people, place):
    """An event with a forged signature gets 401 and no offer is made."""
    testing = place("Testing", in_channel=(people.chen,))
    body = json.dumps(
        payloads.event_callback(workspace, _joined(workspace, people.chen, testing.channel_id), None)
    )
    response = driver.post(body.encode(), "application/json", signature="v0=" + "1" * 64)
    assert response.status == 401
    assert workspace.ephemerals() == []
