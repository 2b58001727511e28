"""The arithmetic of the organisers' statistics: periods, changes, shares, medians and cohorts.

Counting happens in SQL (copbot.store.stats); what is left here needs no database and never divides by zero:
a share or a change of nothing is None, which the views show as "—".
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from copbot.domain.errors import InvalidInput
from copbot.domain.text import N_

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
ACTIVATION_DAYS = 30  # a newcomer counts as activated when they do something within this many days
RETENTION_DAYS = (30, 60, 90)
DECEMBER = 12
COHORT_SPAN_MIN = timedelta(days=120)  # a 30-day view still shows cohorts old enough for 90-day retention
UNKNOWN_PERIOD = N_("“{period}” is not a period I know: use 30d, 90d or 365d.")


class Period(StrEnum):
    DAYS_30 = "30d"
    DAYS_90 = "90d"
    DAYS_365 = "365d"

    @property
    def days(self) -> int:
        return int(self.value.removesuffix("d"))


DEFAULT_PERIOD = Period.DAYS_30
EXPORT_PERIOD = Period.DAYS_365  # an export is for keeping: a whole year unless told
PERIOD_SHOWN_MAX = 20  # longer words are cut in the refusal


def looks_like_period(word: str) -> bool:
    """Whether a word such as 7d or 12D was meant as a period (known or not), not a community's name."""
    return len(word) > 1 and word[-1] in "dD" and word[:-1].isdigit()


def parse_period(word: str | None) -> Period:
    if not word:
        return DEFAULT_PERIOD
    try:
        return Period(word.lower())
    except ValueError:
        shown = word if len(word) <= PERIOD_SHOWN_MAX else word[:PERIOD_SHOWN_MAX] + "…"
        raise InvalidInput(UNKNOWN_PERIOD, period=shown) from None


@dataclass(frozen=True)
class Window:
    """From `start` (included) to `end` (excluded), in UTC."""

    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Window:
        """The window of the same length just before this one."""
        return Window(self.start - self.length, self.start)

    @property
    def origin(self) -> datetime:
        """Where the first 7-day bucket starts: weeks count back from `end`, so the last one is whole."""
        return self.end - WEEK * week_count(self)

    def weeks(self) -> list[datetime]:
        """The start of each 7-day bucket (the first one may begin before `start`)."""
        return [self.origin + WEEK * index for index in range(week_count(self))]


def window_of(period: Period, now: datetime) -> Window:
    return Window(now - DAY * period.days, now)


def week_count(window: Window) -> int:
    return -(-window.length.days // 7)


def week_index(window: Window, moment: datetime) -> int:
    """Which of `window.weeks()` holds `moment` (the same buckets as the SQL's)."""
    return int((moment - window.origin) / WEEK)


@dataclass(frozen=True)
class Change:
    """A figure now and in the previous period; `percent` is None when there was nothing before."""

    now: int
    before: int

    @property
    def delta(self) -> int:
        return self.now - self.before

    @property
    def percent(self) -> int | None:
        return None if self.before == 0 else round(100 * self.delta / self.before)


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is no whole to take a share of."""
    return None if whole <= 0 else part / whole


def percent(value: float | None) -> int | None:
    return None if value is None else round(100 * value)


def median_days(delays: Iterable[timedelta]) -> float | None:
    """The median delay in days (one decimal), or None when nobody is counted."""
    days = [delay / DAY for delay in delays]
    return round(statistics.median(days), 1) if days else None


def first_actions(
    pairs: Iterable[tuple[datetime, datetime | None]], *, within: timedelta = DAY * ACTIVATION_DAYS
) -> tuple[int, list[timedelta]]:
    """Of (joined at, first action at) pairs: how many acted within `within`, and each one's delay."""
    delays = [first - joined for joined, first in pairs if first is not None and first - joined <= within]
    return len(delays), delays


@dataclass(frozen=True)
class Cohort:
    """The people who joined in one month and, for each of RETENTION_DAYS, how many of them stayed.

    `eligible[n]` counts those who joined at least n days ago (only they can be counted for n days);
    `stayed[n]` those of them who had not left by then.
    """

    month: datetime
    joined: int
    eligible: dict[int, int]
    stayed: dict[int, int]

    def retention(self, days: int) -> float | None:
        return share(self.stayed.get(days, 0), self.eligible.get(days, 0))


def cohort_months(window: Window) -> list[datetime]:
    """First days (UTC) of the months whose join cohorts the view shows, oldest first."""
    since = window.end - max(window.length, COHORT_SPAN_MIN)
    month = datetime(since.year, since.month, 1, tzinfo=UTC)
    if month < since:
        month = _next_month(month)
    months = []
    while month < window.end:
        months.append(month)
        month = _next_month(month)
    return months


def _next_month(month: datetime) -> datetime:
    if month.month == DECEMBER:
        return month.replace(year=month.year + 1, month=1)
    return month.replace(month=month.month + 1)


def members_by_week(members_at_end: int, joined: Sequence[int], left: Sequence[int]) -> list[int]:
    """Members at each week's end, from the count at the window's end and each week's joins and leaves."""
    counts = [members_at_end]
    for week in range(len(joined) - 1, 0, -1):
        counts.append(counts[-1] - joined[week] + left[week])
    return counts[::-1]


def team_pairs(teams: Iterable[str]) -> list[tuple[str, str]]:
    """Every unordered pair of distinct team names, each pair sorted."""
    names = sorted(set(teams))
    return [(a, b) for index, a in enumerate(names) for b in names[index + 1 :]]
