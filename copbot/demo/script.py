"""The story `copbot demo` tells, one step per scene; each step shows what the people in it see."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from copbot.demo.people import user_id
from copbot.demo.story import DemoError, Story
from copbot.domain.wallclock import local_day, to_utc
from copbot.slack import ids
from copbot.store.models import Community

SLUG = "testing-guild"
CHART_FILE = Path(tempfile.gettempdir()) / "copbot-demo-stats.png"  # kept after the demo, to open
# copbot invites people who may already be in the channel; the demo makes Slack fail once on purpose.
EXPECTED_REFUSALS = {"already_in_channel", "internal_error"}
JOINERS = (  # who joins through the modal: handle, experience, team, interests
    ("bruno", "new", "Quality", "exploratory testing, automation"),
    ("chen", "experienced", "Platform", "performance, observability"),
    ("dara", "practising", "Mobile", "accessibility"),
    ("farah", "new", "Data", "data quality"),
    ("kofi", "experienced", "Platform", "contract testing, automation"),
    ("maya", "practising", "Quality", "exploratory testing"),
)


def create_the_community(story: Story) -> None:
    story.transcript.step("Alice, an organiser, creates a community with /cop create")
    modal = story.command_opening_modal("alice", "create")
    story.show_modal("alice", modal)
    story.submit(
        "alice",
        modal,
        {
            "name": "Testing Guild",
            "purpose": "Get better at testing software, by trading what works and what didn't.",
            "audience": "Anyone who tests: testers, developers, product people. Beginners welcome.",
            "new_channel": SLUG,
            "prompt_cadence": "weekly",
            "pairing": "2",
        },
    )
    story.show_dm("alice")


def welcome_post(story: Story) -> None:
    story.transcript.step("copbot posts and pins a welcome in the new channel")
    story.show_channel_post(story.community(SLUG).channel_id)


def bruno_joins_in_french(story: Story) -> None:
    story.transcript.step("Bruno, whose Slack is in French, joins with /cop join; Slack fails once")
    modal = story.command_opening_modal("bruno", f"join {SLUG}")
    story.show_modal("bruno", modal)
    handle, experience, team, interests = JOINERS[0]
    story.sandbox.inject_fault("chat.postMessage", status=500)  # Slack has a bad moment
    story.submit(handle, modal, {"experience": experience, "team": team, "interests": interests})
    if story.workspace.dm_messages(user_id("bruno")):
        raise DemoError("the welcome DM arrived although Slack refused it")
    story.transcript.note(
        "Slack answered 500 to the welcome DM. Bruno's membership is saved; the DM waits in copbot's outbox."
    )
    story.pass_time(seconds=10)
    story.transcript.note("Ten seconds later the loop's next tick sends it:")
    story.show_dm("bruno")


def others_join(story: Story) -> None:
    story.transcript.step(f"{len(JOINERS) - 1} more people join the same way")
    for handle, experience, team, interests in JOINERS[1:]:
        modal = story.command_opening_modal(handle, f"join {SLUG}")
        story.submit(
            handle, modal, {"experience": experience, "team": team, "interests": interests}, show=False
        )
        story.transcript.note(f"✓ {handle} joined ({experience}, {team})")
    story.show_dm("chen")


def gael_walks_into_the_channel(story: Story) -> None:
    story.transcript.step("Gaël joins #testing-guild directly; copbot offers him the community")
    community = story.community(SLUG)
    story.join_channel_directly("gael", community.channel_id)
    offer = story.show_ephemeral("gael")
    modal = story.click_opening_modal("gael", ids.JOIN_BUTTON, value=str(community.id), message=offer)
    story.submit("gael", modal, {"experience": "practising", "team": "Mobile", "interests": "automation"})
    story.show_dm("gael")


def bruno_shares_a_story(story: Story) -> None:
    story.transcript.step("Bruno shares what he learned with /cop share")
    modal = story.command_opening_modal("bruno", f"share {SLUG}")
    story.submit(
        "bruno",
        modal,
        {
            "title": "Les tests exploratoires en binôme",
            "story": "On a testé la nouvelle appli à deux pendant une heure : trois bugs trouvés, et une "
            "vraie discussion sur ce que « fini » veut dire.",
            "tags": "exploratory, pairing",
        },
    )
    story.show_channel_post(story.community(SLUG).channel_id)


PROMPT_ANSWERS = (  # who answers the week's prompt, and what they tell
    (
        "chen",
        {
            "title": "We quarantined our flaky end-to-end tests",
            "story": "Our nightly end-to-end suite failed one night in three. We moved the flaky tests to a "
            "quarantine job and fixed one a day, pairing with whoever wrote it.",
            "lesson": "Quarantine flaky tests at once; fixing them in pairs spreads the knowledge.",
            "tags": "flaky-tests, ci",
        },
    ),
    (
        "maya",
        {
            "title": "Pairing on a flaky test taught me the system",
            "story": "I paired with a developer on one flaky end-to-end test. We found a race in the "
            "nightly data load, and I learned more about the system than in a month.",
            "tags": "flaky-tests, pairing",
        },
    ),
)


def a_story_prompt_and_two_answers(story: Story) -> None:
    story.transcript.step("On the community's day and time, copbot posts a story prompt; two people answer")
    community = story.community(SLUG)
    story.pass_time(seconds=_until_next_prompt(story, community))
    prompt = story.show_channel_post(community.channel_id)
    share = next(
        element
        for block in prompt["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ids.PROMPT_SHARE
    )
    for handle, answers in PROMPT_ANSWERS:
        modal = story.click_opening_modal(handle, ids.PROMPT_SHARE, value=share["value"], message=prompt)
        story.submit(handle, modal, answers, show=False)
        story.transcript.note(f"✓ {handle} pressed “Share your story” and shared “{answers['title']}”")
    story.show_channel_post(community.channel_id)
    story.transcript.note("Right after sharing, Maya alone sees the earlier stories like hers:")
    story.show_ephemeral("maya")


def bruno_searches_in_french(story: Story) -> None:
    story.transcript.step("Bruno searches the stories in French with /cop stories")
    story.command("bruno", f"stories {SLUG} binômes exploratoire")


def _until_next_prompt(story: Story, community: Community) -> float:
    """Seconds until a minute past the community's next prompt slot, in its time zone."""
    now = story.clock.now()
    today = local_day(now, community.timezone)
    for days in range(8):
        day = today + timedelta(days=days)
        slot = to_utc(day, community.prompt_time, community.timezone)
        if day.weekday() == community.prompt_weekday and slot > now:
            return (slot - now).total_seconds() + 60
    raise DemoError("the community has no prompt day")


def list_and_organisers(story: Story) -> None:
    story.transcript.step("Emma looks around with /cop list; Alice makes Chen an organiser")
    story.command("emma", "list")
    story.command("alice", f"organisers add <@{user_id('chen')}> {SLUG}")
    story.command("emma", f"organisers {SLUG}")


def app_home(story: Story) -> None:
    story.transcript.step("Bruno and Alice open copbot's App Home")
    story.show_home("bruno", story.open_home("bruno"))
    story.show_home("alice", story.open_home("alice"))


def dara_leaves(story: Story) -> None:
    story.transcript.step("Dara leaves with /cop leave (her history stays for the stats)")
    modal = story.command_opening_modal("dara", f"leave {SLUG}")
    story.show_modal("dara", modal)
    story.submit("dara", modal, {})
    story.show_dm("dara")


def _group_dm(story: Story, handle: str) -> tuple[str, list[dict[str, Any]]]:
    """The group conversation copbot opened with `handle` (none: no messages), and its messages."""
    for channel_id, channel in story.workspace.state.channels.items():
        if channel.kind == "mpim" and user_id(handle) in channel.members:
            return channel_id, story.workspace.messages(channel_id)
    return "", []


def a_round_of_introductions(story: Story) -> None:
    story.transcript.step("Alice starts a round of introductions with /cop pair now")
    story.command("alice", f"pair now {SLUG}")
    story.pass_time(seconds=5)
    story.show_channel_post(story.community(SLUG).channel_id)
    _, messages = _group_dm(story, "bruno")
    if not messages:
        raise DemoError("Bruno got no introduction")
    story.show_message("bruno", "a group DM from copbot", messages[0])


def chen_met_and_says_what_he_learned(story: Story) -> None:
    story.transcript.step("Chen's group met: he clicks “We met” and answers the one optional question")
    channel_id, messages = _group_dm(story, "chen")
    if not messages:
        raise DemoError("Chen got no introduction")
    modal = story.click_opening_modal(
        "chen", ids.PAIR_MET, value="", message=messages[0], channel_id=channel_id
    )
    story.show_modal("chen", modal)
    learned = "Contract tests would have caught last week's outage; Kofi will show us how."
    story.submit("chen", modal, {"learned": learned, "learned_share": ["share"]})


def follow_up_and_result(story: Story) -> None:
    story.transcript.step(
        "Two days before the round ends, the groups that haven't answered get one follow-up"
    )
    story.pass_time(days=12, minutes=1)
    silent = next(handle for handle, *_ in JOINERS if len(_group_dm(story, handle)[1]) > 1)
    story.show_message(silent, "a group DM from copbot", _group_dm(story, silent)[1][-1])
    story.pass_time(days=2)
    story.transcript.note("At the round's end, the channel hears how many groups met, and no names:")
    # The demo runs on the real date: the next planned round may start in the same tick, so find the line.
    posts = story.workspace.messages(story.community(SLUG).channel_id)
    result = next((post for post in reversed(posts) if post["text"].startswith("Last round")), None)
    if result is None:
        raise DemoError("the round's result was not posted")
    story.show_message("alice", f"in #{SLUG}", result)


SESSION_TIME = time(17, 0)
SESSION_TITLE = "Bug bash"


def a_weekly_session(story: Story) -> None:
    story.transcript.step("Alice plans a weekly session with /cop session new; Chen lists what is coming")
    community = story.community(SLUG)
    day = local_day(story.clock.now(), community.timezone) + timedelta(days=2)
    modal = story.command_opening_modal("alice", f"session new {SLUG}")
    story.show_modal("alice", modal)
    what = {"title": SESSION_TITLE, "agenda": "Bring the bug that puzzled you most.", "date": day.isoformat()}
    when = {
        "time": SESSION_TIME.strftime("%H:%M"),
        "repeat": "weekly",
        "place": "https://meet.example.com/guild",
    }
    story.submit("alice", modal, what | when)
    story.command("chen", f"sessions {SLUG}")


def a_reminder_with_answers(story: Story) -> None:
    story.transcript.step("A day before, copbot reminds the channel; Bruno and Chen answer in place")
    community, [first, _] = story.community(SLUG), _next_two(story)
    starts_at = to_utc(date.fromisoformat(first.split(":")[1]), SESSION_TIME, community.timezone)
    story.pass_time(seconds=(starts_at - timedelta(hours=24) - story.clock.now()).total_seconds() + 60)
    reminder = story.show_channel_post(community.channel_id, about=SESSION_TITLE)
    for handle, answer in (("bruno", ids.RSVP_GOING), ("chen", ids.RSVP_MAYBE)):
        story.click(handle, answer, value=first, message={**reminder, "channel": community.channel_id})
    story.show_channel_post(community.channel_id, about=SESSION_TITLE)


def a_cancellation(story: Story) -> None:
    story.transcript.step("Alice cancels the week after from her list; a notice tells the channel")
    _, second = _next_two(story)
    surface = story.ephemeral_surface("alice")
    modal = story.click_opening_modal("alice", ids.SESSION_CANCEL_BUTTON, value=second, message=surface)
    story.submit("alice", modal, {"which": "one"})
    story.show_channel_post(story.community(SLUG).channel_id, about=SESSION_TITLE)


def the_takeaway_question(story: Story) -> None:
    story.transcript.step("After the session, copbot asks what people took away, in the reminder's thread")
    community, [first, _] = story.community(SLUG), _next_two(story)
    starts_at = to_utc(date.fromisoformat(first.split(":")[1]), SESSION_TIME, community.timezone)
    story.pass_time(seconds=(starts_at + timedelta(minutes=80) - story.clock.now()).total_seconds())
    story.show_channel_post(community.channel_id, about=SESSION_TITLE)


def _next_two(story: Story) -> list[str]:
    """The references of the next two sessions, as Alice's list gives them (her view is not shown)."""
    listing = story.command("alice", f"sessions {SLUG}", show=False).json or {}
    return [value for action, value in _buttons(listing) if action == ids.RSVP_GOING][:2]


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    blocks = message.get("blocks") or []
    actions = (element for block in blocks if block["type"] == "actions" for element in block["elements"])
    return [(element["action_id"], element.get("value", "")) for element in actions]


def alice_reads_the_stats(story: Story) -> None:
    story.transcript.step("Alice checks how the community is doing with /cop stats; the chart comes by DM")
    story.command("alice", f"stats {SLUG}")
    story.show_later_reply("alice")
    message = story.show_dm("alice")
    files = message.get("files") or []
    if not files:
        raise DemoError("the stats chart did not reach Alice's DM")
    CHART_FILE.write_bytes(story.uploaded_file(files[0]["id"]))
    story.transcript.note(f"The chart copbot uploaded ({files[0]['name']}) is saved at {CHART_FILE}")


def the_homes_after_all_that(story: Story) -> None:
    story.transcript.step("After all that, Chen (a member) and Alice (an organiser) open their App Home")
    story.show_home("chen", story.open_home("chen"))
    story.transcript.note("Chen presses “Search stories” on his Home and searches without a word: the latest")
    community = story.community(SLUG)
    modal = story.press_on_home("chen", ids.HOME_SEARCH, str(community.id))
    story.submit("chen", modal, {}, show=False)
    story.show_modal("chen", story.workspace.views(user_id("chen"))[-1])
    story.show_home("alice", story.open_home("alice"))


def a_typo(story: Story) -> None:
    story.transcript.step("Sam mistypes a command")
    story.command("sam", "jion")


STEPS: tuple[Callable[[Story], None], ...] = (
    create_the_community,
    welcome_post,
    bruno_joins_in_french,
    others_join,
    gael_walks_into_the_channel,
    bruno_shares_a_story,
    a_story_prompt_and_two_answers,
    bruno_searches_in_french,
    list_and_organisers,
    app_home,
    dara_leaves,
    a_round_of_introductions,
    chen_met_and_says_what_he_learned,
    follow_up_and_result,
    a_weekly_session,
    a_reminder_with_answers,
    a_cancellation,
    the_takeaway_question,
    alice_reads_the_stats,
    the_homes_after_all_that,
    a_typo,
)


def play(story: Story) -> None:
    for step in STEPS:
        step(story)
    failed = [
        f"{call.method}: {call.response.get('error')}"
        for call in story.sandbox.calls()
        if not call.response.get("ok") and call.response.get("error") not in EXPECTED_REFUSALS
    ]
    if failed:
        raise DemoError("Slack refused some of copbot's calls: " + "; ".join(failed))
