"""Session series: the local dates a rule gives, and each occurrence's UTC start, DST-correct.

A series is computed, never stored one row per date. Its rule is anchored at a first local date and a wall
time in an IANA zone: every occurrence keeps that wall time (Tuesday 10:00 stays 10:00 across DST changes;
`copbot.domain.wallclock` says what happens to a time DST skips or repeats). An occurrence is named by its
key, its local date in ISO form ("2026-03-31"), which stays the same when it is moved, so cancelled and moved
occurrences are stored as exceptions by key and passed back in as `Overrides`.

The zone is part of the rule, so changing a community's zone changes only the rules made after it: `split`
ends a rule before an occurrence and starts a new one there with new values (zone, wall time).
"""

from __future__ import annotations

import calendar
import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from itertools import count, islice, takewhile

from copbot.domain.enums import Repeat
from copbot.domain.wallclock import local_day, to_utc

NTH_MAX = 4  # "monthly on the nth weekday" goes up to the 4th: every month has one
_WEEKS = {Repeat.WEEKLY: 1, Repeat.FORTNIGHTLY: 2}


@dataclass(frozen=True)
class SeriesRule:
    """When a series' sessions happen: from `first_day` at `at` (wall time in `zone`) to `until`, inclusive.

    Monthly rules take the weekday of `first_day` and, for MONTHLY_NTH, its rank in the month (8 January 2026
    is the 2nd Thursday); for MONTHLY_LAST, `first_day` must be the last such weekday of its month.
    """

    repeat: Repeat
    first_day: date
    at: time
    zone: str
    until: date | None = None

    def __post_init__(self) -> None:
        if self.repeat is Repeat.MONTHLY_NTH and nth_of_month(self.first_day) > NTH_MAX:
            raise ValueError(f"{self.first_day} is a 5th weekday: not every month has one")
        if self.repeat is Repeat.MONTHLY_LAST and not is_last_of_month(self.first_day):
            raise ValueError(f"{self.first_day} is not the last of its weekday in its month")


@dataclass(frozen=True)
class Occurrence:
    """One session of a series: `key` names it for good; `starts_at` is UTC (the moved time when `moved`)."""

    key: str
    starts_at: datetime
    moved: bool = False


@dataclass(frozen=True)
class Overrides:
    """Stored exceptions to a rule: occurrence keys cancelled, and keys moved to a new UTC start."""

    cancelled: frozenset[str] = frozenset()
    moved: Mapping[str, datetime] = field(default_factory=dict)


NO_OVERRIDES = Overrides()


def occurrences_between(
    rule: SeriesRule, start_utc: datetime, end_utc: datetime, overrides: Overrides = NO_OVERRIDES
) -> list[Occurrence]:
    """The occurrences starting in [start_utc, end_utc), in time order, exceptions applied."""
    found = takewhile(lambda o: o.starts_at < end_utc, _upcoming(rule, start_utc, overrides))
    return list(found)


def next_occurrence(
    rule: SeriesRule, after_utc: datetime, overrides: Overrides = NO_OVERRIDES
) -> Occurrence | None:
    """The first occurrence starting strictly after `after_utc`, or None when the series is over."""
    return next(iter(next_occurrences(rule, after_utc, 1, overrides)), None)


def next_occurrences(
    rule: SeriesRule, after_utc: datetime, limit: int, overrides: Overrides = NO_OVERRIDES
) -> list[Occurrence]:
    """Up to `limit` occurrences starting strictly after `after_utc`, in time order."""
    later = (o for o in _upcoming(rule, after_utc, overrides) if o.starts_at > after_utc)
    return list(islice(later, limit))


def nth_occurrence(rule: SeriesRule, n: int, overrides: Overrides = NO_OVERRIDES) -> Occurrence | None:
    """The series' nth session as the rule numbers them (0 = the first); None past its end or cancelled."""
    day = next(islice(_days_from(rule, rule.first_day), n, None), None)
    return None if day is None else _apply(rule, day, overrides)


def occurrence(rule: SeriesRule, key: str, overrides: Overrides = NO_OVERRIDES) -> Occurrence | None:
    """The occurrence `key` names; None when the rule gives no such date (a forged key) or it is cancelled."""
    try:
        day = date.fromisoformat(key)
    except ValueError:
        return None
    return _apply(rule, day, overrides) if is_rule_day(rule, day) else None


def is_rule_day(rule: SeriesRule, day: date) -> bool:
    return next(_days_from(rule, day), None) == day


def split(
    rule: SeriesRule, key: str, *, zone: str | None = None, at: time | None = None
) -> tuple[SeriesRule | None, SeriesRule]:
    """The rule cut before occurrence `key`: what stays as it was (None if nothing), and the rest re-anchored.

    The rest starts on `key`'s date, in `zone` and at `at` when given. A community's zone change passes the
    key of its first occurrence still to come: past sessions keep their instants, later ones keep their local
    date and wall time, now in the new zone.
    """
    day = date.fromisoformat(key)
    if not is_rule_day(rule, day):
        raise ValueError(f"{key} is not an occurrence of the series")
    before = replace(rule, until=day - timedelta(days=1)) if day > rule.first_day else None
    after = replace(rule, first_day=day, zone=zone or rule.zone, at=rule.at if at is None else at)
    return before, after


def nth_of_month(day: date) -> int:
    """Which of its month's Mondays (Tuesdays…) `day` is: 1 for the 1st to the 7th, 5 from the 29th."""
    return (day.day - 1) // 7 + 1


def is_last_of_month(day: date) -> bool:
    return day.day + 7 > calendar.monthrange(day.year, day.month)[1]


def last_of_month(year: int, month: int, weekday: int) -> date:
    """The month's last Monday (Tuesday…), `weekday` as `date.weekday()` counts."""
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _upcoming(rule: SeriesRule, start_utc: datetime, overrides: Overrides) -> Iterator[Occurrence]:
    """Occurrences starting at or after `start_utc`, in time order: the rule's, merged with the moved ones."""
    regular = (
        _at(rule, day)
        for day in _days_from(rule, local_day(start_utc, rule.zone) - timedelta(days=1))
        if day.isoformat() not in overrides.cancelled and day.isoformat() not in overrides.moved
    )
    moved = sorted(
        (Occurrence(key, when, moved=True) for key, when in overrides.moved.items() if when >= start_utc),
        key=_order,
    )
    live_moved = (o for o in moved if o.key not in overrides.cancelled and _is_rule_key(rule, o.key))
    merged = heapq.merge((o for o in regular if o.starts_at >= start_utc), live_moved, key=_order)
    return iter(merged)


def _order(occurrence: Occurrence) -> tuple[datetime, str]:
    return occurrence.starts_at, occurrence.key


def _is_rule_key(rule: SeriesRule, key: str) -> bool:
    try:
        return is_rule_day(rule, date.fromisoformat(key))
    except ValueError:
        return False


def _apply(rule: SeriesRule, day: date, overrides: Overrides) -> Occurrence | None:
    key = day.isoformat()
    if key in overrides.cancelled:
        return None
    if key in overrides.moved:
        return Occurrence(key, overrides.moved[key], moved=True)
    return _at(rule, day)


def _at(rule: SeriesRule, day: date) -> Occurrence:
    return Occurrence(day.isoformat(), to_utc(day, rule.at, rule.zone))


def _days_from(rule: SeriesRule, earliest: date) -> Iterator[date]:
    """The rule's local dates from `earliest` on, in order, up to its end date."""
    earliest = max(earliest, rule.first_day)
    if rule.repeat is Repeat.NONE:
        days: Iterator[date] = iter((rule.first_day,) if earliest == rule.first_day else ())
    elif rule.repeat in _WEEKS:
        days = _every_weeks(rule.first_day, _WEEKS[rule.repeat], earliest)
    else:
        days = (day for day in _monthly(rule, earliest) if day >= earliest)
    return takewhile(lambda day: rule.until is None or day <= rule.until, days)


def _every_weeks(first_day: date, weeks: int, earliest: date) -> Iterator[date]:
    step = 7 * weeks
    skipped = -(-(earliest - first_day).days // step)  # whole steps to reach `earliest`, rounded up
    return (first_day + timedelta(days=step * n) for n in count(skipped))


def _monthly(rule: SeriesRule, earliest: date) -> Iterator[date]:
    weekday, nth = rule.first_day.weekday(), nth_of_month(rule.first_day)
    for months in count(earliest.year * 12 + earliest.month - 1):
        year, month = divmod(months, 12)
        if rule.repeat is Repeat.MONTHLY_LAST:
            yield last_of_month(year, month + 1, weekday)
        else:
            yield _nth_weekday(year, month + 1, weekday, nth)


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
