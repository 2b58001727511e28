"""The "This helped me" button on a story's channel post, and a post Slack refuses for a while."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from copbot.slack.ids import STORY_HELPED
from copbot.store.models import StoryHelped


def shared(sharing, workspace, people, testing):
    view = sharing.open(people.chen, "testing")
    assert sharing.submit(people.chen, view, title="Flaky", story="We paired on flaky tests.").text == ""
    [post] = workspace.messages(testing.channel)
    return post


def press(driver, workspace, user_id, post, channel):
    [button] = [
        element
        for block in post["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == STORY_HELPED
    ]
    response = driver.action(workspace, user_id, STORY_HELPED, value=button["value"], message=post)
    assert response.status == 200


def count_shown(workspace, channel) -> str | None:
    [post] = workspace.messages(channel)
    shown = [block["elements"][0]["text"] for block in post["blocks"] if block["type"] == "context"]
    return next((text for text in shown if text.startswith(("This helped", "Cette histoire"))), None)


def settle(copbot):
    """Send every update that is due, follow-ups included."""
    for _ in range(5):
        copbot.sender.wait_idle()
        if not copbot.loop.tick():
            return


def test_pressing_counts_and_pressing_again_takes_it_back(
    sharing, driver, workspace, people, testing, copbot, sandbox
):
    """alice and bruno press: 2 shown; alice presses again: 1 shown; each change is a chat.update."""
    post = shared(sharing, workspace, people, testing)
    assert count_shown(workspace, testing.channel) is None
    press(driver, workspace, people.alice, post, testing.channel)
    press(driver, workspace, people.bruno, post, testing.channel)
    settle(copbot)
    assert count_shown(workspace, testing.channel) == "This helped 2 people"
    press(driver, workspace, people.alice, post, testing.channel)
    settle(copbot)
    assert count_shown(workspace, testing.channel) == "This helped 1 person"
    assert {call.args["ts"] for call in sandbox.calls("chat.update")} == {post["ts"]}


def test_thirty_parallel_presses_keep_the_count_exact(
    sharing, driver, workspace, people, testing, copbot, session_factory
):
    """30 people press at once over HTTP: 30 rows, and the post says 30; 10 take it back: 20."""
    post = shared(sharing, workspace, people, testing)
    crowd = [workspace.add_user(f"fan{number}") for number in range(30)]
    with ThreadPoolExecutor(max_workers=30) as pool:
        list(pool.map(lambda user: press(driver, workspace, user, post, testing.channel), crowd))
    settle(copbot)
    assert count_shown(workspace, testing.channel) == "This helped 30 people"
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(lambda user: press(driver, workspace, user, post, testing.channel), crowd[:10]))
    settle(copbot)
    assert count_shown(workspace, testing.channel) == "This helped 20 people"
    with session_factory() as session:
        assert session.scalar(select(func.count(StoryHelped.id))) == 20


def test_the_count_is_french_in_a_french_community(sharing, driver, workspace, people, design, copbot):
    """Design's post counts in French."""
    view = sharing.open(people.chen, "design")
    sharing.submit(people.chen, view, title="Grilles", story="Huit colonnes.")
    [post] = workspace.messages(design.channel)
    assert post["blocks"][-1]["elements"][0]["text"]["text"] == "Ça m'a aidé"
    press(driver, workspace, people.bruno, post, design.channel)
    settle(copbot)
    assert count_shown(workspace, design.channel) == "Cette histoire a aidé 1 personne"


def test_a_forged_story_id_changes_nothing(sharing, driver, workspace, people, testing, session_factory):
    """A button value naming no story, or garbage, is answered with a note and counts nothing."""
    post = shared(sharing, workspace, people, testing)
    for value in ("999999", "1; DROP", "-1"):
        driver.action(workspace, people.alice, STORY_HELPED, value=value, message=post)
    with session_factory() as session:
        assert session.scalar(select(func.count(StoryHelped.id))) == 0
    assert all(r["text"] == "That story is no longer shared." for r in workspace.responses(people.alice))


def test_a_story_survives_slack_trouble_and_is_posted_once(
    sharing, workspace, people, testing, sandbox, copbot, clock
):
    """chat.postMessage fails with 500s: the story is kept; once Slack is well it is posted, once."""
    sandbox.inject_fault("chat.postMessage", status=500, times=2)
    view = sharing.open(people.chen, "testing")
    assert sharing.submit(people.chen, view, title="Outage", story="Slack was down.").text == ""
    [story] = sharing.stories()
    assert story.message_ts is None
    assert workspace.messages(testing.channel) == []
    for _ in range(6):
        clock.advance(minutes=1)
        copbot.loop.tick()
    [post] = workspace.messages(testing.channel)
    [story] = sharing.stories()
    assert story.message_ts == post["ts"]
    assert story.permalink.endswith(f"/archives/{testing.channel}/p{post['ts'].replace('.', '')}")
    posts = [call for call in sandbox.calls("chat.postMessage") if call.args["channel"] == testing.channel]
    assert [call.status for call in posts] == [500, 500, 200]
