"""The App Home's Introductions… modal: pause for a while, the frequency, the avoid list; refusals inline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from copbot.sandbox.forms import fill
from copbot.slack.ids import PAIR_PREFERENCES
from copbot.store.models import Member, PairingAvoid


def _state(session_factory, user_id):
    """What the modal may change: the member's pause and frequency, and their avoid list."""
    with session_factory() as session:
        member = session.scalar(select(Member).where(Member.user_id == user_id))
        avoided = sorted(
            a.avoided_user_id
            for a in session.scalars(select(PairingAvoid).where(PairingAvoid.user_id == user_id))
        )
        return member.pairing_paused_at, member.paused_until, member.pairing_every_other, avoided


def _open(driver, workspace, user_id, community_id):
    """Open the Home, click the community's Introductions… button, return the modal."""
    event = {"type": "app_home_opened", "user": user_id, "channel": workspace.open_dm(user_id), "tab": "home"}
    assert driver.event(workspace, event).status == 200
    home = workspace.home_view(user_id)
    button = next(
        e
        for b in home["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == PAIR_PREFERENCES
    )
    assert button["value"] == str(community_id)
    driver.action(workspace, user_id, PAIR_PREFERENCES, value=button["value"], view=home)
    return workspace.views(user_id)[-1]


def _inputs(view):
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def test_the_modal_opens_filled_in_as_things_stand(driver, workspace, rounds, people, testing):
    """Chen paused until a day, every other round, avoiding dana: the modal shows exactly that."""
    rounds.pair(people.chen, "pause until 2026-03-16")
    rounds.pair(people.chen, "every other")
    rounds.pair(people.chen, f"avoid <@{people.dana}>")
    inputs = _inputs(_open(driver, workspace, people.chen, testing.id))
    assert inputs["pair_pause"]["initial_option"]["value"] == "until"
    assert inputs["pair_pause_until"]["initial_date"] == "2026-03-16"
    assert inputs["pair_frequency"]["initial_option"]["value"] == "other"
    assert inputs["pair_avoid"]["initial_users"] == [people.dana]


def test_a_fresh_member_sees_no_pause_and_every_round(driver, workspace, people, testing):
    view = _open(driver, workspace, people.chen, testing.id)
    inputs = _inputs(view)
    assert view["title"]["text"] == "Introductions"
    assert inputs["pair_pause"]["initial_option"]["value"] == "none"
    assert "initial_date" not in inputs["pair_pause_until"]
    assert inputs["pair_frequency"]["initial_option"]["value"] == "round"
    assert "initial_users" not in inputs["pair_avoid"]


def test_pause_two_weeks_every_other_and_avoid_from_the_modal(
    driver, workspace, people, testing, session_factory, clock
):
    """A submission pauses for two weeks, sets the frequency, avoids bruno; the Home is drawn again."""
    view = _open(driver, workspace, people.chen, testing.id)
    answers = {"pair_pause": "2w", "pair_frequency": "other", "pair_avoid": [people.bruno]}
    assert driver.submit(workspace, people.chen, view, fill(view, answers)).text == ""
    assert _state(session_factory, people.chen) == (
        clock.now(),
        clock.now() + timedelta(weeks=2),
        True,
        [people.bruno],
    )
    note = str(workspace.home_view(people.chen)["blocks"])
    # the day as Slack's token at noon in the community's zone (Paris), the day written out as fallback
    assert "Introductions: paused until <!date^1773658800^{date_long_pretty}|March 16, 2026>" in note
    assert workspace.dm_messages(people.bruno) == []


def test_until_a_date_then_unpaused_and_unavoided(
    driver, workspace, rounds, people, testing, session_factory
):
    """Until a day pauses to midnight Paris time; then "Not paused" and an emptied list undo it all."""
    rounds.pair(people.chen, f"avoid <@{people.dana}>")
    view = _open(driver, workspace, people.chen, testing.id)
    driver.submit(
        workspace, people.chen, view, fill(view, {"pair_pause": "until", "pair_pause_until": "2026-04-01"})
    )
    paused_at, until, _, avoided = _state(session_factory, people.chen)
    assert (paused_at is not None, until, avoided) == (
        True,
        datetime(2026, 3, 31, 22, tzinfo=UTC),
        [people.dana],
    )
    view = _open(driver, workspace, people.chen, testing.id)
    assert _inputs(view)["pair_pause_until"]["initial_date"] == "2026-04-01"
    driver.submit(workspace, people.chen, view, fill(view, {"pair_pause": "none", "pair_avoid": []}))
    assert _state(session_factory, people.chen) == (None, None, False, [])
    assert "Introductions: every round" in str(workspace.home_view(people.chen)["blocks"])


def test_until_i_resume(driver, workspace, people, testing, session_factory):
    view = _open(driver, workspace, people.chen, testing.id)
    driver.submit(workspace, people.chen, view, fill(view, {"pair_pause": "resumed"}))
    paused_at, until, _, _ = _state(session_factory, people.chen)
    assert (paused_at is not None, until) == (True, None)


REFUSALS = [
    (
        "no_date",
        "pair_pause_until",
        "Pick the day the pause ends.",
        "Choisissez le jour où la pause se termine.",
    ),
    (
        "past",
        "pair_pause_until",
        "March 1, 2026 has already passed: pick a date in the future.",
        "Le 1 mars 2026 est déjà passé : choisissez une date à venir.",
    ),
    ("self", "pair_avoid", "You can't avoid yourself.", "Vous ne pouvez pas vous éviter vous-même."),
    (
        "bot",
        "pair_avoid",
        "That's a bot: bots are never introduced.",
        "C'est un bot : les bots ne sont jamais présentés.",
    ),
    (
        "external",
        "pair_avoid",
        "That person is in another workspace: only people of this one are introduced.",
        (
            "Cette personne est dans un autre espace de travail : "
            "seules les personnes de celui-ci sont présentées."
        ),
    ),
    (
        "stranger",
        "pair_avoid",
        "I can't find that person in this workspace.",
        "Je ne trouve pas cette personne dans cet espace de travail.",
    ),
]


@pytest.mark.parametrize(("case", "block", "english", "french"), REFUSALS, ids=[r[0] for r in REFUSALS])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_refusals_are_inline_and_change_nothing(
    driver,
    workspace,
    other_workspace,
    people,
    testing,
    session_factory,
    case,
    block,
    english,
    french,
    language,
):
    """Each refusal is an inline error on its input, in the person's language; the store is as it was."""
    user_id = people.chen if language == "en" else people.bruno
    external = other_workspace.add_user(name="olga", real_name="Olga Berg")
    workspace.add_external_user(other_workspace, external)
    answers = {
        "no_date": {"pair_pause": "until"},
        "past": {"pair_pause": "until", "pair_pause_until": "2026-03-01"},
        "self": {"pair_avoid": [user_id]},
        "bot": {"pair_avoid": [people.bot_user]},
        "external": {"pair_avoid": [external]},
        "stranger": {"pair_avoid": [next(iter(other_workspace.state.users))]},
    }[case]
    before = _state(session_factory, user_id)
    view = _open(driver, workspace, user_id, testing.id)
    response = driver.submit(workspace, user_id, view, fill(view, {"pair_frequency": "other", **answers}))
    assert response.json == {
        "response_action": "errors",
        "errors": {block: english if language == "en" else french},
    }
    assert _state(session_factory, user_id) == before


def test_a_forged_community_opens_nothing(driver, workspace, people, testing):
    """An Introductions… click for a community the person is not in is refused, in a small modal."""
    event = {
        "type": "app_home_opened",
        "user": people.chen,
        "channel": workspace.open_dm(people.chen),
        "tab": "home",
    }
    driver.event(workspace, event)
    driver.action(
        workspace, people.chen, PAIR_PREFERENCES, value="999", view=workspace.home_view(people.chen)
    )
    [notice] = workspace.views(people.chen)
    assert notice["blocks"][0]["text"]["text"] == "That community no longer exists."
    assert workspace.dm_messages(people.chen) == []
