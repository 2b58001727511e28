"""A story post Slack refuses or holds up: kept, its author told, and posted exactly once when it can be."""

from __future__ import annotations

from sqlalchemy import select

from copbot.slack.ids import STORY_POST_AGAIN
from copbot.store.models import Delivery


def share(sharing, user_id, title, story="Kept whatever Slack says."):
    view = sharing.open(user_id, "testing")
    assert sharing.submit(user_id, view, title=title, story=story).text == ""


def dm_texts(workspace, user_id):
    return [message["text"] for message in workspace.dm_messages(user_id)]


def again_button(workspace, user_id):
    [button] = [
        element
        for message in workspace.dm_messages(user_id)
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == STORY_POST_AGAIN
    ][-1:]
    return button


def press_again(driver, workspace, user_id):
    button = again_button(workspace, user_id)
    message = {"ts": "1700000000.000200", "channel": workspace.open_dm(user_id)}
    response = driver.action(workspace, user_id, STORY_POST_AGAIN, value=button["value"], message=message)
    assert response.status == 200


def unarchived(driver, workspace, channel, copbot):
    assert driver.event(workspace, {"type": "channel_unarchive", "channel": channel, "user": "U0"}).ok
    copbot.sender.wait_idle()


def story_posts(sandbox, channel):
    """What Slack answered to each post copbot tried in the channel: "ok" or its error."""
    return [
        "ok" if call.response.get("ok") else call.response.get("error")
        for call in sandbox.calls("chat.postMessage")
        if call.args["channel"] == channel
    ]


def test_a_story_refused_by_an_archived_channel_is_posted_once_it_is_unarchived(
    sharing, driver, workspace, people, testing, sandbox, copbot
):
    """The channel is unarchived: the story is posted, once, even when Slack tells of it twice."""
    workspace.archive_channel(testing.channel)
    share(sharing, people.chen, "Archived")
    [refused] = dm_texts(workspace, people.chen)
    assert refused.endswith("I can post there again, or when you press “Post it again”.")
    assert again_button(workspace, people.chen)["text"]["text"] == "Post it again"

    workspace.unarchive_channel(testing.channel)
    unarchived(driver, workspace, testing.channel, copbot)
    unarchived(driver, workspace, testing.channel, copbot)  # a second event (another id) changes nothing

    [post] = workspace.messages(testing.channel)
    [story] = sharing.stories()
    assert story.message_ts == post["ts"]
    assert story_posts(sandbox, testing.channel) == ["is_archived", "ok"]
    assert dm_texts(workspace, people.chen)[1:] == [
        f"Your story “Archived” is now posted in <#{testing.channel}>: {story.permalink}"
    ]


def test_copbot_added_back_to_the_channel_posts_what_was_refused_in_french(
    sharing, driver, workspace, people, testing, copbot
):
    """copbot was removed (not_in_channel); added back, it posts bruno's story and tells him in French."""
    workspace.remove_from_channel(testing.channel, workspace.bot_user_id)
    share(sharing, people.bruno, "Retiré")
    assert dm_texts(workspace, people.bruno)[0].startswith("Votre histoire « Retiré » est enregistrée")
    assert again_button(workspace, people.bruno)["text"]["text"] == "Republier"

    workspace.join_channel(testing.channel, workspace.bot_user_id)
    event = {"type": "member_joined_channel", "user": workspace.bot_user_id, "channel": testing.channel}
    assert driver.event(workspace, event).ok
    copbot.sender.wait_idle()

    [post] = workspace.messages(testing.channel)
    [story] = sharing.stories()
    assert story.message_ts == post["ts"]
    assert dm_texts(workspace, people.bruno)[1:] == [
        f"Votre histoire « Retiré » est maintenant publiée dans <#{testing.channel}> : {story.permalink}"
    ]


def test_post_it_again_tries_again_and_never_posts_twice(
    sharing, driver, workspace, people, testing, sandbox, copbot
):
    """Pressed while still archived: refused and told again; pressed after: posted; pressed once more: no."""
    workspace.archive_channel(testing.channel)
    share(sharing, people.chen, "Stubborn")
    press_again(driver, workspace, people.chen)
    copbot.sender.wait_idle()
    assert len(dm_texts(workspace, people.chen)) == 2  # refused a second time, said a second time
    assert workspace.responses(people.chen)[-1]["text"] == (
        "I'm trying to post “Stubborn” again; I'll tell you if Slack refuses it once more."
    )

    workspace.unarchive_channel(testing.channel)
    press_again(driver, workspace, people.chen)
    copbot.sender.wait_idle()
    [post] = workspace.messages(testing.channel)
    unarchived(driver, workspace, testing.channel, copbot)  # Slack's event comes late: nothing more
    press_again(driver, workspace, people.chen)
    copbot.sender.wait_idle()

    assert workspace.messages(testing.channel) == [post]
    assert story_posts(sandbox, testing.channel) == ["is_archived", "is_archived", "ok"]
    [story] = sharing.stories()
    assert workspace.responses(people.chen)[-1]["text"] == f"“Stubborn” is posted already: {story.permalink}"
    with sharing.session_factory() as session:
        keys = session.scalars(select(Delivery.work_key).where(Delivery.kind == "stories.post")).all()
    base = f"stories.post:{story.id}"
    assert sorted(keys) == [base, f"{base}:1", f"{base}:2"]


def test_only_the_author_may_post_a_story_again(sharing, driver, workspace, people, testing, sandbox, copbot):
    """alice presses chen's button value: she is told why and nothing is queued."""
    workspace.archive_channel(testing.channel)
    share(sharing, people.chen, "Mine")
    value = again_button(workspace, people.chen)["value"]
    workspace.unarchive_channel(testing.channel)
    message = {"ts": "1700000000.000300", "channel": workspace.open_dm(people.alice)}
    driver.action(workspace, people.alice, STORY_POST_AGAIN, value=value, message=message)
    copbot.sender.wait_idle()
    assert workspace.responses(people.alice)[-1]["text"] == "Only its author can post this story again."
    assert workspace.messages(testing.channel) == []


def test_the_author_hears_once_while_slack_fails_and_once_when_posted(
    sharing, workspace, people, testing, sandbox, copbot, clock
):
    """Two 500s: after the second, one DM says the story waits; when it posts, one DM gives its link."""
    sandbox.inject_fault("chat.postMessage", status=500, times=2)
    share(sharing, people.chen, "Patience")
    assert dm_texts(workspace, people.chen) == []  # one failed try is not news
    for _ in range(3):
        clock.advance(minutes=1)
        copbot.loop.tick()
        copbot.sender.wait_idle()
    [story] = sharing.stories()
    assert story.message_ts is not None
    assert dm_texts(workspace, people.chen) == [
        (
            "Slack is having trouble right now: your story “Patience” is saved in Testing "
            f"and will be posted in <#{testing.channel}> as soon as Slack recovers."
        ),
        f"Your story “Patience” is now posted in <#{testing.channel}>: {story.permalink}",
    ]
    assert len(workspace.messages(testing.channel)) == 1


def test_a_single_blip_tells_the_author_nothing(sharing, workspace, people, testing, sandbox, copbot, clock):
    """One 500 then success: the story is posted and its author hears nothing of it."""
    sandbox.inject_fault("chat.postMessage", status=500)
    share(sharing, people.chen, "Blip")
    clock.advance(minutes=1)
    copbot.loop.tick()
    copbot.sender.wait_idle()
    assert len(workspace.messages(testing.channel)) == 1
    assert dm_texts(workspace, people.chen) == []


def test_a_long_rate_limit_tells_the_author_in_french(
    sharing, workspace, people, testing, sandbox, copbot, clock
):
    """Slack asks to wait two minutes: bruno hears at once, in French, that his story waits."""
    sandbox.inject_fault("chat.postMessage", status=429, retry_after=120)
    share(sharing, people.bruno, "Attente")
    assert dm_texts(workspace, people.bruno) == [
        (
            "Slack a des difficultés en ce moment : votre histoire « Attente » est enregistrée dans Testing "
            f"et sera publiée dans <#{testing.channel}> dès que Slack ira mieux."
        )
    ]
    clock.advance(minutes=3)
    copbot.loop.tick()
    copbot.sender.wait_idle()
    assert len(workspace.messages(testing.channel)) == 1
    assert len(dm_texts(workspace, people.bruno)) == 2  # and once more when posted
