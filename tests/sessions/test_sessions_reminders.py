"""When reminders and the takeaway question are due, and which offsets a community may choose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from copbot.domain.errors import InvalidInput
from copbot.domain.recurrence import Occurrence
from copbot.domain.reminders import (
    DEFAULT_REMINDERS,
    Reminder,
    Takeaway,
    parse_reminder_offsets,
    reminder_due,
    reminders_for,
    takeaway,
)
from copbot.i18n import translator

SESSION = Occurrence("2026-03-31", datetime(2026, 3, 31, 8, 0, tzinfo=UTC))  # 10:00 in Paris


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_reminders_of_an_occurrence():
    """Default offsets: reminders 24 h and 1 h before, earliest first, each worth sending until the start."""
    assert reminders_for(SESSION, DEFAULT_REMINDERS) == [
        Reminder("2026-03-31", 1440, _at("2026-03-30T08:00"), SESSION.starts_at),
        Reminder("2026-03-31", 60, _at("2026-03-31T07:00"), SESSION.starts_at),
    ]


@pytest.mark.parametrize(
    ("now", "offset"),
    [
        ("2026-03-30T07:59", None),  # nothing due yet
        ("2026-03-30T08:00", 1440),
        ("2026-03-31T06:59", 1440),
        ("2026-03-31T07:00", 60),
        ("2026-03-31T07:59", 60),
        ("2026-03-31T08:00", None),  # the session has started
        ("2026-03-31T11:00", None),
    ],
)
def test_the_one_reminder_due(now, offset):
    """At any moment at most one reminder is due: the latest whose time has come, until the session starts."""
    due = reminder_due(SESSION, DEFAULT_REMINDERS, now=_at(now))
    assert (due.offset_minutes if due else None) == offset


def test_a_loop_stopped_for_three_hours():
    """Stopped from 06:30 to 09:30 over the 1 h reminder: one reminder if the session is ahead, none after."""
    later = Occurrence("2026-03-31", _at("2026-03-31T10:00"))
    due = reminder_due(later, (60,), now=_at("2026-03-31T09:30"))
    assert due == Reminder("2026-03-31", 60, _at("2026-03-31T09:00"), _at("2026-03-31T10:00"))
    assert reminder_due(SESSION, (60,), now=_at("2026-03-31T09:30")) is None


def test_a_loop_stopped_across_all_reminders_posts_one():
    """Stopped across both the 24 h and the 1 h reminders: only the 1 h one is due, not a burst of two."""
    due = reminder_due(SESSION, DEFAULT_REMINDERS, now=_at("2026-03-31T07:30"))
    assert due is not None
    assert due.offset_minutes == 60


def test_a_moved_occurrence_is_reminded_at_its_new_time():
    """Reminders follow the moved start."""
    moved = Occurrence("2026-03-31", _at("2026-04-01T15:00"), moved=True)
    assert [r.due_at for r in reminders_for(moved, (60,))] == [_at("2026-04-01T14:00")]


def test_takeaway_comes_after_the_end():
    """The takeaway question is due 15 minutes after the session's end, and worth asking for two days."""
    assert takeaway(SESSION, 90) == Takeaway("2026-03-31", _at("2026-03-31T09:45"), _at("2026-04-02T09:45"))


@pytest.mark.parametrize(
    ("ticked", "offsets"),
    [
        (None, ()),
        ([], ()),
        (["60", "1440"], (1440, 60)),
        (["15", "10080", "60"], (10080, 60, 15)),
        (["60", "60"], (60,)),
    ],
)
def test_offsets_from_the_form(ticked, offsets):
    """Ticked offsets come back as minutes, largest first, once each; none at all turns reminders off."""
    assert parse_reminder_offsets(ticked) == offsets


@pytest.mark.parametrize(
    ("ticked", "english", "french"),
    [
        (["61"], "Choose one of the options offered.", "Choisissez l'une des options proposées."),
        (["1e3"], "Choose one of the options offered.", "Choisissez l'une des options proposées."),
        (
            ["15", "60", "120", "1440"],
            "Choose at most 3 reminders.",
            "Choisissez 3 rappels au maximum.",
        ),
    ],
)
def test_bad_offsets(ticked, english, french):
    """An offset not offered, or more than three, is refused in the reader's language."""
    with pytest.raises(InvalidInput) as raised:
        parse_reminder_offsets(ticked)
    said = [translator(lang).gettext(raised.value.message, **raised.value.params) for lang in ("en", "fr")]
    assert said == [english, french]


def test_offsets_shift_due_times_exactly():
    """A one-week reminder is due exactly seven days before the start."""
    (reminder,) = reminders_for(SESSION, (10080,))
    assert SESSION.starts_at - reminder.due_at == timedelta(days=7)
