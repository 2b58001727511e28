"""Member controls over HTTP: pause, resume, status, avoid, unavoid, frequency; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_community, make_member
from sqlalchemy import select

from copbot.slack.ids import PAIR_EVERY_OTHER, PAIR_EVERY_ROUND, PAIR_PAUSE, PAIR_RESUME
from copbot.store.models import Community, Member, PairingAvoid


def _member(session_factory, user_id):
    with session_factory() as session:
        return session.scalar(select(Member).where(Member.user_id == user_id))


def _avoids(session_factory):
    with session_factory() as session:
        return [(a.user_id, a.avoided_user_id) for a in session.scalars(select(PairingAvoid))]


def test_pause_for_two_weeks_then_resume(rounds, people, testing, session_factory, clock):
    """`pause 2w` pauses for fourteen days; `resume` ends it."""
    assert rounds.say(people.chen, "pause 2w") == (
        "Introductions paused until <!date^1773658800^{date_long_pretty}|March 16, 2026>."
    )
    assert _member(session_factory, people.chen).paused_until == clock.now() + timedelta(weeks=2)
    assert "Introductions are back on" in rounds.say(people.chen, "resume")
    assert _member(session_factory, people.chen).pairing_paused_at is None


def test_pause_until_a_date_and_indefinitely(rounds, people, testing, session_factory):
    """`pause until DATE` ends that day in the community's zone; a bare `pause` lasts until resumed."""
    assert "March 16, 2026" in rounds.say(people.chen, "pause until 2026-03-16")
    assert rounds.say(people.dana, "pause").startswith("Introductions paused until you")
    dana = _member(session_factory, people.dana)
    assert dana.pairing_paused_at is not None
    assert dana.paused_until is None


def test_a_paused_member_is_left_out_of_the_round(rounds, people, testing):
    """Paused members are not introduced; the others are."""
    rounds.pair(people.dana, "pause 1w")
    rounds.pair(people.chen, "pause 1w")
    rounds.now(people.alice)
    assert rounds.groups() == [sorted([people.alice, people.bruno])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pause 2x", "I don't understand “2x”."),
        ("pause forever and ever", "I don't understand “forever and ever”."),
        ("pause until 2026-02-01", "has already passed: pick a date in the future."),
        ("pause until tomorrow", "“tomorrow” is not a date I can read"),
        ("pause until 2028-01-01", "A pause can last a year at most."),
        ("dance", "Try `/cop pair now [community]`"),
        ("every sometimes", "Say `/cop pair every round` or `/cop pair every other`."),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(rounds, people, testing, session_factory, text, expected):
    """Each unclear request gets a clear answer and the member's row stays as it was."""
    before = _member(session_factory, people.chen)
    assert expected in rounds.say(people.chen, text)
    after = _member(session_factory, people.chen)
    assert (after.pairing_paused_at, after.paused_until, after.pairing_every_other) == (
        before.pairing_paused_at,
        before.paused_until,
        before.pairing_every_other,
    )


def test_pause_answers_with_a_date_token_in_french(rounds, people, testing):
    """Bruno's Slack is in French: the day is Slack's token at noon in Paris, the French day as fallback."""
    assert rounds.say(people.bruno, "pause until 2026-03-16") == (
        "Présentations en pause jusqu'au <!date^1773658800^{date_long_pretty}|16 mars 2026>."
    )


def test_bad_input_is_explained_in_french(rounds, people, testing):
    """Bruno's Slack is in French: so is the explanation."""
    answer = rounds.say(people.bruno, "pause until 2026-02-01")
    assert answer == "Le 1 février 2026 est déjà passé : choisissez une date à venir."


def test_avoid_someone_privately_and_they_are_never_grouped(
    rounds, workspace, people, testing, session_factory
):
    """Alice avoids bruno: only she is told, and a round of those two stores no group."""
    answer = rounds.say(people.alice, f"avoid <@{people.bruno}|bruno>")
    assert answer == f"Done: you won't be introduced to <@{people.bruno}>. Nobody is told."
    assert _avoids(session_factory) == [(people.alice, people.bruno)]
    assert workspace.dm_messages(people.bruno) == []
    rounds.pair(people.chen, "pause")
    rounds.pair(people.dana, "pause")
    rounds.now(people.alice)
    assert rounds.rounds() == []
    assert "no partner they don't avoid: 2" in str(workspace.dm_messages(people.alice)[-1])


def test_unavoid_takes_them_off_the_list(rounds, people, testing, session_factory):
    """`unavoid` removes the person; a second time says they were not on it."""
    rounds.pair(people.alice, f"avoid <@{people.bruno}>")
    assert "is off your avoid list" in rounds.say(people.alice, f"unavoid <@{people.bruno}>")
    assert _avoids(session_factory) == []
    assert "was not on your avoid list" in rounds.say(people.alice, f"unavoid <@{people.bruno}>")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("self", "You can't avoid yourself."),
        ("bot", "That's a bot: bots are never introduced."),
        ("deleted", "I can't find that person in this workspace."),
        ("stranger", "I can't find that person in this workspace."),
        ("external", "That person is in another workspace: only people of this one are introduced."),
        ("words", "Name one person, as a mention"),
    ],
)
def test_avoiding_oneself_a_bot_or_a_stranger_is_refused(
    rounds, workspace, people, testing, other_workspace, session_factory, who, expected
):
    """Only a live person of this workspace can be avoided (not one of a shared channel's other workspace)."""
    stranger = next(iter(other_workspace.state.users))
    external = other_workspace.add_user(name="olga", real_name="Olga Berg")
    workspace.add_external_user(other_workspace, external)  # in a channel shared with her workspace
    target = {
        "self": f"<@{people.chen}>",
        "bot": f"<@{people.bot_user}>",
        "deleted": f"<@{people.deleted}>",
        "stranger": f"<@{stranger}>",
        "external": f"<@{external}>",
        "words": "bruno please",
    }[who]
    assert expected in rounds.say(people.chen, f"avoid {target}")
    assert _avoids(session_factory) == []


def test_every_other_round_skips_the_round_after_one_they_were_in(rounds, people, testing, clock):
    """A member who asked for every other round sits out the round after one they were in."""
    assert "every other round" in rounds.say(people.dana, "every other")
    rounds.now(people.alice)
    assert any(people.dana in group for group in rounds.groups())
    clock.advance(weeks=1, minutes=5)
    rounds.now(people.alice)
    assert not any(people.dana in group for group in rounds.groups())


def test_status_shows_each_community_and_the_avoid_count(rounds, people, testing):
    """Status says paused or not, the frequency, and how many people are avoided."""
    rounds.pair(people.chen, f"avoid <@{people.dana}>")
    rounds.pair(people.chen, "pause until 2026-03-16")
    rounds.pair(people.bruno, "pause until 2026-03-16")
    french = rounds.say(people.bruno, "status")
    assert "*Testing*: en pause jusqu'au <!date^1773658800^{date_long_pretty}|16 mars 2026>" in french
    shown = rounds.say(people.chen, "status")
    assert "*Testing*: paused until <!date^1773658800^{date_long_pretty}|March 16, 2026>" in shown
    assert "You avoid 1 person (only you know)." in shown
    assert shown.endswith("untick *Introductions* in your profile with `/cop join <community>`.")


def test_controls_need_a_membership(rounds, workspace, people, testing):
    """Someone in no community is told how to join; nothing is stored."""
    outsider = workspace.add_user(name="eve", real_name="Eve Noor")
    assert "You are not in any community here yet" in rounds.say(outsider, "pause 2w")


def _home(driver, workspace, user_id):
    event = {"type": "app_home_opened", "user": user_id, "channel": workspace.open_dm(user_id), "tab": "home"}
    assert driver.event(workspace, event).status == 200
    return workspace.home_view(user_id)


def _home_button(view, action_id):
    return next(
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )


def test_pause_and_resume_from_the_app_home(driver, workspace, people, testing, session_factory):
    """The Home's Pause button pauses introductions in that community; the redrawn Home offers Resume."""
    home = _home(driver, workspace, people.chen)
    assert _home_button(home, PAIR_PAUSE)["value"] == str(testing.id)
    driver.action(workspace, people.chen, PAIR_PAUSE, value=str(testing.id), view=home)
    chen = _member(session_factory, people.chen)
    assert (chen.pairing_paused_at is not None, chen.paused_until) == (True, None)
    home = workspace.home_view(people.chen)
    assert _home_button(home, PAIR_RESUME)["value"] == str(testing.id)
    driver.action(workspace, people.chen, PAIR_RESUME, value=str(testing.id), view=home)
    assert _member(session_factory, people.chen).pairing_paused_at is None
    assert _home_button(workspace.home_view(people.chen), PAIR_PAUSE)


def test_pause_button_for_a_community_one_is_not_in_changes_nothing(
    driver, workspace, people, testing, session_factory
):
    """A forged Pause for another community id is refused; the member's row is untouched."""
    home = _home(driver, workspace, people.chen)
    driver.action(workspace, people.chen, PAIR_PAUSE, value="999", view=home)
    assert _member(session_factory, people.chen).pairing_paused_at is None
    assert "That community no longer exists." in str(workspace.views(people.chen)[-1]["blocks"])
    assert workspace.dm_messages(people.chen) == []


def test_resume_lifts_pauses_and_never_opts_anyone_in(rounds, workspace, people, testing, session_factory):
    """Chen said no to introductions in Testing and paused them in Design: resume only lifts the pause."""
    channel = workspace.add_channel("design", members=[people.chen], bot_is_member=True)
    with session_factory() as session, session.begin():
        design = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.chen, name="Design"
        )
        make_member(session, design, people.chen)
        session.scalar(
            select(Member).where(Member.user_id == people.chen, Member.community_id == testing.id)
        ).pairing_opt_in = False
    rounds.say(people.chen, "pause")
    assert "Introductions are back on" in rounds.say(people.chen, "resume")
    with session_factory() as session:
        rows = {
            m.community_id == testing.id: (m.pairing_opt_in, m.pairing_paused_at)
            for m in session.scalars(select(Member).where(Member.user_id == people.chen))
        }
    assert rows == {True: (False, None), False: (True, None)}


def test_resume_tells_someone_who_takes_part_nowhere_how_to(rounds, people, testing, session_factory):
    """Dana said no to introductions: resume does not say they are back on, it says how to take part."""
    with session_factory() as session, session.begin():
        session.scalar(select(Member).where(Member.user_id == people.dana)).pairing_opt_in = False
    assert rounds.say(people.dana, "resume") == (
        "You are not taking part in introductions: tick *Introductions* in your profile with "
        "`/cop join <community>`."
    )
    assert _member(session_factory, people.dana).pairing_opt_in is False


def _home_note(view, community: str = "Testing") -> str:
    """The context line under the community's section: where the member's introductions stand."""
    blocks = view["blocks"]
    at = next(
        i for i, b in enumerate(blocks) if b["type"] == "section" and f"*{community}*" in b["text"]["text"]
    )
    return blocks[at + 1]["elements"][0]["text"]


def test_the_app_home_says_how_introductions_stand(
    driver, workspace, rounds, people, testing, session_factory
):
    """Weekly on Mondays: the next round's date, the frequency; after a pause, until when."""
    with session_factory() as session, session.begin():
        session.get(Community, testing.id).pairing_every_weeks = 1
    note = _home_note(_home(driver, workspace, people.chen))
    assert note.startswith("Introductions: every round · next round <!date^")
    assert "|Monday, March 9, 2026 at" in note  # the token's fallback, in his time
    rounds.pair(people.chen, "every other")
    rounds.pair(people.chen, "pause until 2026-03-16")
    assert _home_note(_home(driver, workspace, people.chen)) == (
        "Introductions: paused until <!date^1773658800^{date_long_pretty}|March 16, 2026>"
    )
    rounds.pair(people.chen, "resume")
    assert _home_note(_home(driver, workspace, people.chen)).startswith("Introductions: every other round ·")
    french = _home_note(_home(driver, workspace, people.bruno))
    assert french.startswith("Présentations : à chaque tour · prochain tour <!date^")
    assert "|lundi 9 mars 2026 à" in french


def test_frequency_from_the_app_home(driver, workspace, people, testing, session_factory):
    """A click on "Every other round only" sets it in that community; the Home then offers every round."""
    home = _home(driver, workspace, people.chen)
    assert _home_button(home, PAIR_EVERY_OTHER)["value"] == str(testing.id)
    driver.action(workspace, people.chen, PAIR_EVERY_OTHER, value=str(testing.id), view=home)
    assert _member(session_factory, people.chen).pairing_every_other is True
    home = workspace.home_view(people.chen)
    assert _home_note(home).startswith("Introductions: every other round")
    driver.action(workspace, people.chen, PAIR_EVERY_ROUND, value=str(testing.id), view=home)
    assert _member(session_factory, people.chen).pairing_every_other is False
    assert _home_button(workspace.home_view(people.chen), PAIR_EVERY_OTHER)


def test_frequency_button_for_a_community_one_is_not_in_changes_nothing(
    driver, workspace, people, testing, session_factory
):
    """A forged frequency click for another community id is refused; the member's row is untouched."""
    home = _home(driver, workspace, people.chen)
    driver.action(workspace, people.chen, PAIR_EVERY_OTHER, value="999", view=home)
    assert _member(session_factory, people.chen).pairing_every_other is False
    assert "That community no longer exists." in str(workspace.views(people.chen)[-1]["blocks"])
    assert workspace.dm_messages(people.chen) == []
