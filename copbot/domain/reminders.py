"""When a session's messages are due: reminders at the community's offsets, the takeaway question after it.

A reminder is worth posting until its session starts. A loop that was stopped across several due reminders
posts only the latest one (the nearest the start): one reminder, not a burst, and none once it has begun.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from copbot.domain.communities import NOT_AN_OPTION
from copbot.domain.errors import InvalidInput
from copbot.domain.recurrence import Occurrence
from copbot.domain.text import N_

REMINDERS = "reminders"  # the community form's block id for its reminder offsets
REMINDER_CHOICES = (15, 60, 120, 24 * 60, 48 * 60, 7 * 24 * 60)  # minutes before a session
DEFAULT_REMINDERS = (24 * 60, 60)
REMINDERS_MAX = 3
TAKEAWAY_DELAY = timedelta(minutes=15)  # after the session's end: people are back at their desks
TAKEAWAY_WORTH = timedelta(days=2)  # later, the question comes too late to be answered

TOO_MANY_REMINDERS = N_("Choose at most {max} reminders.")


@dataclass(frozen=True)
class Reminder:
    """A reminder of one occurrence: due `offset_minutes` before its start, worth posting until the start."""

    occurrence_key: str
    offset_minutes: int
    due_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Takeaway:
    """The "what did you take away?" question for one occurrence: due after its end, and for how long."""

    occurrence_key: str
    due_at: datetime
    expires_at: datetime


def parse_reminder_offsets(values: Sequence[str] | None) -> tuple[int, ...]:
    """The offsets ticked in the community form (option values, minutes), largest first; none is allowed."""
    choices = {str(minutes): minutes for minutes in REMINDER_CHOICES}
    if any(value not in choices for value in values or ()):
        raise InvalidInput(NOT_AN_OPTION)
    offsets = {choices[value] for value in values or ()}
    if len(offsets) > REMINDERS_MAX:
        raise InvalidInput(TOO_MANY_REMINDERS, max=REMINDERS_MAX)
    return tuple(sorted(offsets, reverse=True))


def reminders_for(occurrence: Occurrence, offsets: Sequence[int]) -> list[Reminder]:
    """Every reminder of `occurrence`, the earliest due first."""
    reminders = [
        Reminder(
            occurrence_key=occurrence.key,
            offset_minutes=offset,
            due_at=occurrence.starts_at - timedelta(minutes=offset),
            expires_at=occurrence.starts_at,
        )
        for offset in set(offsets)
    ]
    return sorted(reminders, key=lambda reminder: reminder.due_at)


def reminder_due(occurrence: Occurrence, offsets: Sequence[int], *, now: datetime) -> Reminder | None:
    """The one reminder to post at `now`: the latest already due, if the session has not started yet."""
    if now >= occurrence.starts_at:
        return None
    due = [reminder for reminder in reminders_for(occurrence, offsets) if reminder.due_at <= now]
    return due[-1] if due else None


def takeaway(occurrence: Occurrence, duration_minutes: int) -> Takeaway:
    """When to ask what people took away: a little after the session's end."""
    due_at = occurrence.starts_at + timedelta(minutes=duration_minutes) + TAKEAWAY_DELAY
    return Takeaway(occurrence_key=occurrence.key, due_at=due_at, expires_at=due_at + TAKEAWAY_WORTH)
