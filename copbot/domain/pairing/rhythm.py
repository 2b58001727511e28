"""When a community's rounds start, and how long a round lasts, from its pairing rhythm.

A rhythm is every 1, 2 or 4 weeks on a weekday, at ROUND_HOUR in the community's time zone. Periods are
counted from a fixed Monday, so a community every 2 weeks always starts on the same weeks whatever the day
copbot was installed or restarted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ROUND_HOUR = time(9, 30)
EPOCH = date(2024, 1, 1)  # a Monday
RHYTHMS = (1, 2, 4)
LATE_START = timedelta(hours=12)  # a round not started within this of its slot waits for the next slot
FOLLOW_UP_BEFORE_END = timedelta(days=2)
ON_DEMAND_WEEKS = 1  # a round asked for with `pair now` in a community with no rhythm


def current_slot(now: datetime, *, every_weeks: int, weekday: int, timezone: str) -> datetime | None:
    """The slot of this period when it has come and is not older than LATE_START; None otherwise."""
    if every_weeks not in RHYTHMS:
        return None
    start = _slot(now, 0, every_weeks=every_weeks, weekday=weekday, timezone=timezone)
    return start if start <= now < start + LATE_START else None


def next_slot(now: datetime, *, every_weeks: int, weekday: int, timezone: str) -> datetime | None:
    """When the next planned round starts (after `now`); None for a community without a rhythm."""
    if every_weeks not in RHYTHMS:
        return None
    start = _slot(now, 0, every_weeks=every_weeks, weekday=weekday, timezone=timezone)
    return (
        start if start > now else _slot(now, 1, every_weeks=every_weeks, weekday=weekday, timezone=timezone)
    )


def _slot(now: datetime, periods_on: int, *, every_weeks: int, weekday: int, timezone: str) -> datetime:
    """The slot of the period `periods_on` after the one `now` falls in."""
    zone = ZoneInfo(timezone)
    period = (now.astimezone(zone).date() - EPOCH).days // (7 * every_weeks) + periods_on
    day = EPOCH + timedelta(weeks=period * every_weeks, days=weekday)
    return datetime.combine(day, ROUND_HOUR, tzinfo=zone).astimezone(UTC)


def round_length(every_weeks: int) -> timedelta:
    return timedelta(weeks=every_weeks if every_weeks in RHYTHMS else ON_DEMAND_WEEKS)


def follow_up_at(start: datetime, end: datetime) -> datetime:
    """Near the end: two days before it, or half-way through a round shorter than four days."""
    return max(end - FOLLOW_UP_BEFORE_END, start + (end - start) / 2)
