"""Scheduled story prompts: the loop posts them on the community's rhythm, in its zone and language."""

from __future__ import annotations

from collections import Counter
from datetime import time, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from copbot.domain.enums import PromptCadence
from copbot.domain.stories import StoryDraft
from copbot.domain.wallclock import to_utc
from copbot.prompts.library import builtin_library
from copbot.services.prompts import plan_prompts
from copbot.services.stories import share_story
from copbot.slack.ids import PROMPT_SHARE, PROMPT_SLOWER
from copbot.store.models import Community, Delivery, PromptPost, Story

PARIS = "Europe/Paris"


def rhythm(session_factory, place, cadence=PromptCadence.WEEKLY, weekday=1, at=time(10, 0)):
    with session_factory() as session, session.begin():
        community = session.get(Community, place.id)
        community.prompt_cadence, community.prompt_weekday, community.prompt_time = cadence, weekday, at


def next_tuesday(clock, copbot):
    """Move copbot's clock to one minute past the next Tuesday 10:00 in Paris, and tick the loop."""
    today = clock.now().astimezone(ZoneInfo(PARIS)).date()
    day = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    target = to_utc(day, time(10, 1), PARIS)
    clock.advance(seconds=(target - clock.now()).total_seconds())
    copbot.loop.tick()
    copbot.sender.wait_idle()


def posts(session_factory, place) -> list[PromptPost]:
    with session_factory() as session:
        query = select(PromptPost).where(PromptPost.community_id == place.id).order_by(PromptPost.slot_at)
        return list(session.scalars(query))


def prompt_messages(workspace, place):
    return [
        m for m in workspace.messages(place.channel) if m["text"].startswith(("Story prompt", "Invitation"))
    ]


def answer(session_factory, clock, place, user_id, post):
    with session_factory() as session, session.begin():
        share_story(
            session,
            team_id=session.get(Community, place.id).team_id,
            user_id=user_id,
            community_id=place.id,
            draft=StoryDraft(title="An answer", body="What happened.", tags=()),
            origin=f"answer-{post.id}",
            now=clock.now(),
            prompt_post_id=post.id,
        )


def test_sixty_prompts_never_repeat_before_the_pool_is_used_and_answered_themes_come_back_sooner(
    copbot, workspace, people, testing, session_factory, clock
):
    """60 weekly prompts: each on Tuesday 10:00 in Paris (across DST), none repeated within the pool."""
    rhythm(session_factory, testing)
    pool = len(builtin_library().prompts)
    for _ in range(60):
        next_tuesday(clock, copbot)
        [latest] = posts(session_factory, testing)[-1:]
        if latest.theme == "mistake":  # this community answers the prompts about mistakes
            answer(session_factory, clock, testing, people.chen, latest)

    planned = posts(session_factory, testing)
    assert len(planned) == 60
    assert len(prompt_messages(workspace, testing)) == 60
    keys = [post.prompt_key for post in planned]
    assert len(set(keys[:pool])) == pool
    assert all(
        (local.weekday(), local.time()) == (1, time(10, 0))
        for local in (post.slot_at.astimezone(ZoneInfo(PARIS)) for post in planned)
    )
    # Once a prompt about mistakes drew a story, the others of its theme come sooner in the round.
    first_round = [post.theme for post in planned[:pool]]
    answered = [index for index, theme in enumerate(first_round) if theme == "mistake"]
    assert mean(answered[1:]) < 0.75 * mean(range(pool))
    assert Counter(post.theme for post in planned[pool:])["mistake"] >= 1


def test_a_silent_prompt_is_mentioned_and_three_in_a_row_offer_a_slower_rhythm(
    copbot, driver, workspace, people, testing, session_factory, clock, blocks_text
):
    """Unanswered prompts: the next post says so lightly; the third in a row earns alice one DM."""
    rhythm(session_factory, testing)
    for _ in range(5):
        next_tuesday(clock, copbot)
    first, second = prompt_messages(workspace, testing)[:2]
    assert "No story last time" not in blocks_text(first["blocks"])
    assert blocks_text(second["blocks"]).startswith("No story last time, and that's fine")
    [offer] = workspace.dm_messages(people.alice)
    assert offer["text"].startswith("The last three story prompts in Testing drew no story.")
    assert workspace.dm_messages(people.bruno) == []  # not an organiser

    [button] = offer["blocks"][1]["elements"]
    driver.action(workspace, people.bruno, PROMPT_SLOWER, value=button["value"], message=offer)
    with session_factory() as session:
        assert session.get(Community, testing.id).prompt_cadence == PromptCadence.WEEKLY
    driver.action(workspace, people.alice, PROMPT_SLOWER, value=button["value"], message=offer)
    with session_factory() as session:
        assert session.get(Community, testing.id).prompt_cadence == PromptCadence.FORTNIGHTLY
    assert workspace.responses(people.alice)[-1]["text"] == (
        "Done: Testing now gets a story prompt every two weeks."
    )
    assert workspace.responses(people.bruno)[-1]["text"] == (
        "Seuls les organisateurs de Testing peuvent changer son rythme."
    )

    next_tuesday(clock, copbot)
    assert len(posts(session_factory, testing)) == 5  # a week after the last: too soon now
    next_tuesday(clock, copbot)
    assert len(posts(session_factory, testing)) == 6


def test_share_your_story_links_the_story_to_its_prompt_in_french(
    copbot, driver, sharing, workspace, people, design, session_factory, clock
):
    """Design's prompt is in French; its button opens the share modal, and the story records the prompt."""
    rhythm(session_factory, design)
    next_tuesday(clock, copbot)
    [message] = prompt_messages(workspace, design)
    assert message["blocks"][0]["elements"][0]["text"].startswith("Invitation à raconter : ")
    [post] = posts(session_factory, design)
    assert builtin_library().get(post.prompt_key).text("fr") in message["text"]
    share_button = message["blocks"][-1]["elements"][0]
    assert share_button["text"]["text"] == "Racontez votre histoire"

    driver.action(workspace, people.chen, PROMPT_SHARE, value=share_button["value"], message=message)
    view = sharing.modal(people.chen)
    assert sharing.submit(people.chen, view, title="Réponse", story="Voici.").text == ""
    [story] = sharing.stories()
    assert story.prompt_post_id == post.id


def test_a_prompt_button_of_another_community_is_refused(
    copbot, driver, sharing, workspace, people, design, session_factory, clock
):
    """alice is not in Design: its prompt's button offers to join, and no modal opens."""
    rhythm(session_factory, design)
    next_tuesday(clock, copbot)
    [message] = prompt_messages(workspace, design)
    value = message["blocks"][-1]["elements"][0]["value"]
    driver.action(workspace, people.alice, PROMPT_SHARE, value=value, message=message)
    driver.action(workspace, people.alice, PROMPT_SHARE, value="12345", message=message)
    assert [r["text"] for r in workspace.responses(people.alice)] == [
        "Join Design first: `/cop join design`",
        "That prompt is no longer open.",
    ]
    assert workspace.views(people.alice) == []


def test_two_loops_plan_a_prompt_once(testing, session_factory, clock):
    """Two planners at the same moment: one prompt post, one delivery."""
    rhythm(session_factory, testing, weekday=clock.now().astimezone(ZoneInfo(PARIS)).weekday())
    clock.advance(hours=3)  # 10:03 in Paris: inside the slot's window
    for _ in range(2):
        with session_factory() as session, session.begin():
            plan_prompts(session, clock.now())
    with session_factory() as session:
        assert session.scalar(select(func.count(PromptPost.id))) == 1
        assert session.scalar(select(func.count(Delivery.id)).where(Delivery.kind == "prompts.post")) == 1
        assert session.scalar(select(func.count(Story.id))) == 0


def test_rhythm_off_plans_nothing(testing, session_factory, clock):
    """A community without a rhythm gets no prompt."""
    rhythm(session_factory, testing, cadence=PromptCadence.OFF)
    for day in range(8):
        with session_factory() as session, session.begin():
            plan_prompts(session, clock.now() + timedelta(days=day))
    with session_factory() as session:
        assert session.scalar(select(func.count(PromptPost.id))) == 0
