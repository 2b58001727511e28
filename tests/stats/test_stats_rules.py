"""The statistics' arithmetic: periods, changes, shares, medians, week buckets and cohorts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from copbot.domain.errors import InvalidInput
from copbot.domain.stats import (
    Change,
    Cohort,
    Period,
    Window,
    cohort_months,
    first_actions,
    looks_like_period,
    median_days,
    members_by_week,
    parse_period,
    share,
    team_pairs,
    week_count,
    week_index,
    window_of,
)

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def test_periods_parse_and_default_to_thirty_days():
    """30d, 90d and 365d (any case) are periods; nothing given means 30 days."""
    assert [parse_period(word).days for word in ("30d", "90D", "365d")] == [30, 90, 365]
    assert parse_period(None) is Period.DAYS_30


@pytest.mark.parametrize("word", ["7d", "0d", "1000000d"])
def test_an_unknown_period_is_refused_with_the_choices(word):
    """A period copbot does not offer is refused, naming the ones it does."""
    with pytest.raises(InvalidInput) as refused:
        parse_period(word)
    assert refused.value.params == {"period": word}


def test_a_long_period_word_is_cut_in_the_refusal():
    """The refusal does not echo a long word whole."""
    with pytest.raises(InvalidInput) as refused:
        parse_period("9" * 50 + "d")
    assert refused.value.params["period"] == "9" * 20 + "…"


def test_only_digits_and_d_look_like_a_period():
    """A number and a d is meant as a period; "design" and "d" are not."""
    assert [looks_like_period(w) for w in ("7d", "365D", "design", "d", "7")] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_changes_and_shares_never_divide_by_zero():
    """A change from nothing and a share of nobody are None, not an error."""
    assert Change(5, 0).percent is None
    assert Change(15, 10).percent == 50
    assert Change(5, 10).delta == -5
    assert share(3, 0) is None
    assert share(1, 4) == 0.25


def test_the_previous_window_is_the_same_length_just_before():
    """30 days up to now, then the 30 days before."""
    window = window_of(Period.DAYS_30, NOW)
    assert window.previous() == Window(NOW - timedelta(days=60), NOW - timedelta(days=30))


def test_weeks_are_counted_back_from_the_end():
    """The last bucket ends at now, a moment exactly a week before now opens it, the first holds the start."""
    window = window_of(Period.DAYS_30, NOW)
    assert week_count(window) == 5
    assert window.weeks()[-1] == NOW - timedelta(days=7)
    assert week_index(window, NOW - timedelta(days=7)) == 4
    assert week_index(window, NOW - timedelta(seconds=1)) == 4
    assert week_index(window, window.start) == 0


def test_median_days_and_first_actions_within_thirty_days():
    """Only actions within 30 days count as activation; the median is of their delays."""
    joined = NOW - timedelta(days=60)
    pairs = [
        (joined, joined + timedelta(days=1)),
        (joined, joined + timedelta(days=3)),
        (joined, None),
        (joined, joined + timedelta(days=31)),
    ]
    activated, delays = first_actions(pairs)
    assert activated == 2
    assert median_days(delays) == 2.0
    assert median_days([]) is None


def test_cohorts_cover_at_least_four_months():
    """A 30-day view still shows cohorts old enough for 90-day retention; a year shows twelve."""
    assert [m.month for m in cohort_months(window_of(Period.DAYS_30, NOW))] == [6, 7, 8, 9]
    assert len(cohort_months(window_of(Period.DAYS_365, NOW))) == 12


def test_retention_of_a_cohort_nobody_can_be_counted_for_is_none():
    """A cohort too young for 90 days has no 90-day retention, rather than 0 %."""
    cohort = Cohort(NOW, 10, {30: 10, 60: 0}, {30: 7, 60: 0})
    assert cohort.retention(30) == 0.7
    assert cohort.retention(60) is None
    assert cohort.retention(90) is None


def test_members_by_week_walks_back_from_the_end():
    """Each earlier week's end count undoes the later week's joins and departures."""
    assert members_by_week(10, [1, 2, 3], [0, 1, 0]) == [6, 7, 10]


def test_team_pairs_are_unordered_and_distinct():
    """Three teams make three pairs; repeats and order do not matter."""
    assert team_pairs(["b", "a", "c", "a"]) == [("a", "b"), ("a", "c"), ("b", "c")]
