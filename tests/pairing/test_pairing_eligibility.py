"""The pure rules around a round: who is eligible, when a rhythm's round starts, how long a pause lasts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from copbot.domain.errors import InvalidInput
from copbot.domain.pairing.controls import pause_end
from copbot.domain.pairing.eligibility import (
    Candidate,
    Ineligible,
    Presence,
    is_away,
    slack_verdict,
    store_verdict,
)
from copbot.domain.pairing.rhythm import current_slot, follow_up_at, next_slot

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Paris


def candidate(**changes: object) -> Candidate:
    fields: dict[str, object] = {
        "member_id": 1,
        "user_id": "U1",
        "opted_in": True,
        "left": False,
        "paused_at": None,
        "paused_until": None,
        "every_other_round": False,
        "in_last_round": False,
    } | changes
    return Candidate(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, None),
        ({"opted_in": False}, Ineligible.OPTED_OUT),
        ({"left": True}, Ineligible.LEFT),
        ({"user_id": None}, Ineligible.LEFT),
        ({"paused_at": NOW - timedelta(days=1)}, Ineligible.PAUSED),
        ({"paused_at": NOW - timedelta(days=1), "paused_until": NOW + timedelta(days=1)}, Ineligible.PAUSED),
        ({"paused_at": NOW - timedelta(days=9), "paused_until": NOW - timedelta(days=1)}, None),
        ({"every_other_round": True, "in_last_round": True}, Ineligible.SKIPS_THIS_ROUND),
        ({"every_other_round": True}, None),
    ],
)
def test_store_rules(changes, expected):
    """Opted in, not left, not paused (a pause that ended counts as over), and their frequency."""
    assert store_verdict(candidate(**changes), NOW) == expected


@pytest.mark.parametrize(
    ("emoji", "text"),
    [
        (":palm_tree:", ""),
        ("", "On vacation"),
        ("", "Holidays!"),
        ("", "OOO until Monday"),
        ("", "En congés"),
        ("", "EN CONGES"),
        ("", "vacances au soleil"),
        ("", "🌴"),
    ],
)
def test_away_statuses(emoji, text):
    """The holiday emoji and the words vacation, holiday, OOO, congés, vacances mean away."""
    assert is_away(emoji, text)


@pytest.mark.parametrize(("emoji", "text"), [("", ""), (":coffee:", "In a meeting"), ("", "Zoom room 3")])
def test_present_statuses(emoji, text):
    """Other statuses, including words that merely contain the letters, do not."""
    assert not is_away(emoji, text)


def test_slack_rules():
    """Unknown, deactivated and bot accounts are inactive; an away status is away."""
    assert slack_verdict(Presence(known=False)) is Ineligible.INACTIVE
    assert slack_verdict(Presence(known=True, deleted=True)) is Ineligible.INACTIVE
    assert slack_verdict(Presence(known=True, is_bot=True)) is Ineligible.INACTIVE
    assert slack_verdict(Presence(known=True, status_text="OOO")) is Ineligible.AWAY
    assert slack_verdict(Presence(known=True, status_emoji=":wave:")) is None


def test_weekly_slot_is_the_weekday_at_half_past_nine_local():
    """Weekly on Mondays in Paris: 08:30 UTC in winter, until twelve hours later; nothing on Tuesday."""
    slot = current_slot(NOW, every_weeks=1, weekday=0, timezone="Europe/Paris")
    assert slot == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert current_slot(NOW - timedelta(hours=1), every_weeks=1, weekday=0, timezone="Europe/Paris") is None
    assert current_slot(NOW + timedelta(days=1), every_weeks=1, weekday=0, timezone="Europe/Paris") is None
    assert current_slot(NOW, every_weeks=0, weekday=0, timezone="Europe/Paris") is None


def test_the_next_slot_is_the_coming_one_of_the_rhythm():
    """Just after Monday's slot the next is a week on (two, fortnightly); just before it, that slot."""
    monday = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert next_slot(NOW, every_weeks=1, weekday=0, timezone="Europe/Paris") == monday + timedelta(weeks=1)
    just_before = monday - timedelta(minutes=1)
    assert next_slot(just_before, every_weeks=1, weekday=0, timezone="Europe/Paris") == monday
    fortnightly = next_slot(NOW, every_weeks=2, weekday=0, timezone="Europe/Paris")
    assert fortnightly in (monday + timedelta(weeks=1), monday + timedelta(weeks=2))
    assert current_slot(fortnightly, every_weeks=2, weekday=0, timezone="Europe/Paris") == fortnightly
    assert next_slot(NOW, every_weeks=0, weekday=0, timezone="Europe/Paris") is None


def test_fortnightly_slots_fall_every_other_week():
    """Every two weeks: of two consecutive Mondays, exactly one has a slot."""
    slots = [
        current_slot(NOW + timedelta(weeks=week), every_weeks=2, weekday=0, timezone="Europe/Paris")
        for week in range(4)
    ]
    assert [slot is not None for slot in slots] in ([True, False, True, False], [False, True, False, True])


def test_follow_up_comes_two_days_before_the_end():
    """Two days before a week's round ends; half-way through a shorter one."""
    assert follow_up_at(NOW, NOW + timedelta(weeks=1)) == NOW + timedelta(days=5)
    assert follow_up_at(NOW, NOW + timedelta(days=2)) == NOW + timedelta(days=1)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["2w"], NOW + timedelta(weeks=2)),
        (["3d"], NOW + timedelta(days=3)),
        (["1m"], NOW + timedelta(days=30)),
        (["2s"], NOW + timedelta(weeks=2)),
        (["5j"], NOW + timedelta(days=5)),
        ([], None),
        (["until", "2026-03-10"], datetime(2026, 3, 9, 23, 0, tzinfo=UTC)),
    ],
)
def test_pause_lengths(words, expected):
    """Days, weeks (w, or s in French), months, a date (midnight local), or until resumed."""
    assert pause_end(words, now=NOW, timezone="Europe/Paris") == expected


@pytest.mark.parametrize(
    "words",
    [["0w"], ["2y"], ["soon"], ["until", "2026-03-02"], ["until", "2026-13-01"], ["until", "2027-06-01"]],
)
def test_pause_refusals(words):
    """Unknown units, zero, today or a past date, an impossible date, more than a year: refused."""
    with pytest.raises(InvalidInput):
        pause_end(words, now=NOW, timezone="Europe/Paris")
