"""`/cop stories mine`: authors edit or delete their own stories and the post follows; erasure too."""

from __future__ import annotations

from datetime import timedelta

from factories import WHEN, make_story
from stories.conftest import fill

from copbot.slack.ids import MINE_NEXT, MINE_PREVIOUS, STORY_DELETE, STORY_EDIT, STORY_EDIT_VIEW
from copbot.store.models import Community


def share(sharing, user_id, community, title, story, **answers):
    view = sharing.open(user_id, community)
    assert sharing.submit(user_id, view, title=title, story=story, **answers).text == ""


def mine(driver, workspace, user_id):
    response = driver.command(workspace, user_id, text="stories mine")
    assert response.status == 200
    return response.json


def button(answer, action_id, index=0):
    found = [
        element
        for block in answer.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == action_id
    ]
    return found[index]


def click(driver, workspace, user_id, action_id, value):
    ephemeral = {"message_ts": "1700000000.000100", "channel": workspace.open_dm(user_id)}
    return driver.action(workspace, user_id, action_id, value=value, message=ephemeral)


def test_an_author_edits_a_story_and_its_post_changes(
    sharing, driver, workspace, people, testing, blocks_text, copbot
):
    """chen opens the edit form from `/cop stories mine`, filled in; saving redraws the channel post."""
    share(sharing, people.chen, "testing", "Flaky", "We paired.", tags="ci")
    answer = mine(driver, workspace, people.chen)
    assert answer["blocks"][1]["text"]["text"].startswith("*<https://")
    click(driver, workspace, people.chen, STORY_EDIT, button(answer, STORY_EDIT)["value"])
    [view] = [v for v in workspace.views(people.chen) if v.get("callback_id") == STORY_EDIT_VIEW]
    initial = {
        b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if b["type"] == "input"
    }
    assert initial["title"] == "Flaky"
    assert initial["tags"] == "ci"

    values = fill(view, {"title": "Flaky, fixed", "story": "We paired, then we fixed it.", "lesson": "Pair."})
    assert driver.submit(workspace, people.chen, view, values).text == ""
    copbot.sender.wait_idle()

    [post] = workspace.messages(testing.channel)
    shown = blocks_text(post["blocks"])
    assert "*Flaky, fixed*" in shown
    assert "We paired, then we fixed it." in shown
    assert "*What I learned*\nPair." in shown
    [story] = sharing.stories()
    assert (story.title, story.tags, story.lesson) == ("Flaky, fixed", [], "Pair.")


def test_an_edit_with_an_empty_title_is_refused_inline(sharing, driver, workspace, people, testing):
    """Emptying the title keeps the modal open with the error on the title, and the story unchanged."""
    share(sharing, people.chen, "testing", "Flaky", "We paired.")
    click(
        driver,
        workspace,
        people.chen,
        STORY_EDIT,
        button(mine(driver, workspace, people.chen), STORY_EDIT)["value"],
    )
    [view] = [v for v in workspace.views(people.chen) if v.get("callback_id") == STORY_EDIT_VIEW]
    response = driver.submit(workspace, people.chen, view, fill(view, {"title": " ", "story": "x"}))
    assert response.json["response_action"] == "errors"
    assert list(response.json["errors"]) == ["title"]
    assert [story.title for story in sharing.stories()] == ["Flaky"]


def test_an_author_deletes_a_story_and_its_post(sharing, driver, workspace, people, testing, session_factory):
    """Delete removes the channel post; a tombstone stays, with the words emptied."""
    share(sharing, people.chen, "testing", "Oops", "Never mind.")
    answer = mine(driver, workspace, people.chen)
    assert button(answer, STORY_DELETE)["confirm"]["title"]["text"] == "Delete this story?"
    click(driver, workspace, people.chen, STORY_DELETE, button(answer, STORY_DELETE)["value"])
    assert workspace.messages(testing.channel) == []
    [story] = sharing.stories()
    assert (story.title, story.body, story.deleted_at is not None) == ("", "", True)
    assert workspace.responses(people.chen)[-1]["text"] == "Your story “Oops” is deleted, and so is its post."
    assert mine(driver, workspace, people.chen)["text"].startswith("You have not shared a story yet.")


def test_someone_elses_story_is_refused(sharing, driver, workspace, people, testing):
    """bruno cannot edit or delete chen's story, even with its id; he is told so in French."""
    share(sharing, people.chen, "testing", "Mine", "Not yours.")
    [story] = sharing.stories()
    click(driver, workspace, people.bruno, STORY_EDIT, str(story.id))
    click(driver, workspace, people.bruno, STORY_DELETE, str(story.id))
    assert [r["text"] for r in workspace.responses(people.bruno)] == [
        "Seule la personne qui l'a écrite peut modifier ou supprimer cette histoire."
    ] * 2
    assert len(workspace.messages(testing.channel)) == 1
    assert [s.title for s in sharing.stories()] == ["Mine"]
    assert [v for v in workspace.views(people.bruno) if v.get("callback_id") == STORY_EDIT_VIEW] == []


def test_leaving_with_erase_turns_the_posts_into_a_former_members(
    sharing, driver, workspace, people, testing, blocks_text, copbot
):
    """`/cop leave --erase`: chen's posts now say "A former member shared a story"."""
    share(sharing, people.chen, "testing", "Flaky", "We paired.")
    driver.command(workspace, people.chen, text="leave testing --erase")
    view = workspace.view(workspace.views(people.chen)[-1]["id"])
    driver.submit(workspace, people.chen, view, {})
    copbot.sender.wait_idle()
    [post] = workspace.messages(testing.channel)
    assert blocks_text(post["blocks"]).startswith("A former member shared a story")
    assert people.chen not in str(post["blocks"])


def test_a_story_deleted_before_slack_took_its_post_is_never_posted(
    sharing, driver, workspace, people, testing, sandbox, copbot, clock
):
    """Slack fails the post; chen deletes the story meanwhile; when Slack recovers nothing is posted."""
    sandbox.inject_fault("chat.postMessage", status=500)
    share(sharing, people.chen, "testing", "Second thoughts", "Better not.")
    click(
        driver,
        workspace,
        people.chen,
        STORY_DELETE,
        button(mine(driver, workspace, people.chen), STORY_DELETE)["value"],
    )
    for _ in range(4):
        clock.advance(minutes=1)
        copbot.loop.tick()
    assert workspace.messages(testing.channel) == []
    posts = [call for call in sandbox.calls("chat.postMessage") if call.args["channel"] == testing.channel]
    assert [call.status for call in posts] == [500]  # not tried again once the story was gone


def test_my_stories_page_through_with_next_and_previous(
    driver, workspace, people, testing, session_factory, copbot
):
    """23 stories: three pages of ten, newest first; Next and Previous replace the page clicked."""
    with session_factory() as session, session.begin():
        community = session.get(Community, testing.id)
        for n in range(23):
            make_story(
                session, community, people.bruno, title=f"Story {n}", created_at=WHEN + timedelta(days=n)
            )
    first = mine(driver, workspace, people.bruno)
    assert titles(first) == [f"Story {n}" for n in range(22, 12, -1)]
    assert "Page 1 sur 3" in str(first["blocks"])  # bruno reads French
    assert [b["text"]["text"] for b in paging(first)] == ["Suivantes"]

    second = turn(driver, workspace, people.bruno, paging(first)[0])
    assert titles(second) == [f"Story {n}" for n in range(12, 2, -1)]
    assert [b["text"]["text"] for b in paging(second)] == ["Précédentes", "Suivantes"]
    third = turn(driver, workspace, people.bruno, paging(second)[1])
    assert titles(third) == ["Story 2", "Story 1", "Story 0"]
    assert titles(turn(driver, workspace, people.bruno, paging(third)[0])) == titles(second)


def test_a_page_past_the_last_shows_the_last(driver, workspace, people, testing, session_factory, copbot):
    """A Next button from before deletions asks for page 9: the last page there is comes instead."""
    with session_factory() as session, session.begin():
        community = session.get(Community, testing.id)
        for n in range(12):
            make_story(
                session, community, people.chen, title=f"Story {n}", created_at=WHEN + timedelta(days=n)
            )
    answer = turn(driver, workspace, people.chen, {"action_id": MINE_NEXT, "value": "9"})
    assert titles(answer) == ["Story 1", "Story 0"]
    assert "Page 2 of 2" in str(answer["blocks"])


def titles(answer):
    return [
        block["text"]["text"].split("\n")[0].strip("*")
        for block in answer["blocks"]
        if block["type"] == "section" and "\n" in block["text"]["text"]
    ]


def paging(answer):
    return [
        element
        for block in answer["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] in {MINE_PREVIOUS, MINE_NEXT}
    ]


def turn(driver, workspace, user_id, element):
    """Click a paging button; the page that replaces the list, as the response_url received it."""
    before = len(workspace.responses(user_id))
    click(driver, workspace, user_id, element["action_id"], element["value"])
    [answer] = workspace.responses(user_id)[before:]
    assert answer["replace_original"] is True
    return answer
