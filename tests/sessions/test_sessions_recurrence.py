"""Session series: the dates each rule gives, their UTC starts across DST, end dates and stored exceptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from copbot.domain.enums import Repeat
from copbot.domain.recurrence import (
    Occurrence,
    Overrides,
    SeriesRule,
    next_occurrence,
    next_occurrences,
    nth_occurrence,
    occurrence,
    occurrences_between,
    split,
)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _weekly(zone: str = "Europe/Paris", **changes) -> SeriesRule:
    """Every Tuesday at 10:00, from 6 January 2026."""
    fields = {"repeat": Repeat.WEEKLY, "first_day": date(2026, 1, 6), "at": time(10, 0), "zone": zone}
    return SeriesRule(**(fields | changes))


def _starts(occurrences: list[Occurrence]) -> list[str]:
    return [o.starts_at.strftime("%Y-%m-%dT%H:%M") for o in occurrences]


TWO_YEARS = (_utc("2026-01-01T00:00"), _utc("2028-01-01T00:00"))


@pytest.mark.parametrize(
    ("zone", "around_changes"),
    [
        (
            "Europe/Paris",  # last Sundays of March and October
            {
                "2026-03-24": "09:00",
                "2026-03-31": "08:00",
                "2026-10-20": "08:00",
                "2026-10-27": "09:00",
                "2027-03-23": "09:00",
                "2027-03-30": "08:00",
                "2027-10-26": "08:00",
                "2027-11-02": "09:00",
            },
        ),
        (
            "America/New_York",  # second Sunday of March, first Sunday of November
            {
                "2026-03-03": "15:00",
                "2026-03-10": "14:00",
                "2026-10-27": "14:00",
                "2026-11-03": "15:00",
                "2027-03-09": "15:00",
                "2027-03-16": "14:00",
                "2027-11-02": "14:00",
                "2027-11-09": "15:00",
            },
        ),
    ],
)
def test_weekly_keeps_local_wall_time_across_dst(zone, around_changes):
    """Tuesday 10:00 stays 10:00 local all through 2026 and 2027: the UTC hour moves at each change."""
    found = occurrences_between(_weekly(zone), *TWO_YEARS)
    assert len(found) == 104  # 52 Tuesdays in each year
    local = [o.starts_at.astimezone(ZoneInfo(zone)) for o in found]
    assert {(moment.weekday(), moment.time()) for moment in local} == {(1, time(10, 0))}
    assert [o.key for o in found] == [moment.date().isoformat() for moment in local]
    by_key = {o.key: o.starts_at.strftime("%H:%M") for o in found}
    assert {key: by_key[key] for key in around_changes} == around_changes


def test_second_thursday_for_a_whole_year():
    """Monthly on the 2nd Thursday (anchored on 8 January 2026) picks each month's 2nd Thursday of 2026."""
    rule = SeriesRule(Repeat.MONTHLY_NTH, date(2026, 1, 8), time(18, 30), "Europe/Paris")
    found = occurrences_between(rule, _utc("2026-01-01T00:00"), _utc("2027-01-01T00:00"))
    assert [o.key for o in found] == [
        "2026-01-08", "2026-02-12", "2026-03-12", "2026-04-09", "2026-05-14", "2026-06-11",
        "2026-07-09", "2026-08-13", "2026-09-10", "2026-10-08", "2026-11-12", "2026-12-10",
    ]  # fmt: skip


def test_last_friday_for_a_whole_year():
    """Monthly on the last Friday (anchored on 30 January 2026) picks each month's last Friday of 2026."""
    rule = SeriesRule(Repeat.MONTHLY_LAST, date(2026, 1, 30), time(12, 0), "America/New_York")
    found = occurrences_between(rule, _utc("2026-01-01T00:00"), _utc("2027-01-01T00:00"))
    assert [o.key for o in found] == [
        "2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24", "2026-05-29", "2026-06-26",
        "2026-07-31", "2026-08-28", "2026-09-25", "2026-10-30", "2026-11-27", "2026-12-25",
    ]  # fmt: skip
    assert {o.starts_at.astimezone(ZoneInfo("America/New_York")).hour for o in found} == {12}


def test_first_weekday_in_a_month_starting_on_that_weekday():
    """The 1st Wednesday of a month that begins on a Wednesday is the 1st (April 2026), not the 8th."""
    rule = SeriesRule(Repeat.MONTHLY_NTH, date(2026, 3, 4), time(9, 0), "UTC")
    found = occurrences_between(rule, _utc("2026-03-01T00:00"), _utc("2026-06-01T00:00"))
    assert [o.key for o in found] == ["2026-03-04", "2026-04-01", "2026-05-06"]


def test_every_two_weeks_keeps_its_parity_in_any_window():
    """A fortnightly series seen from a window in March still falls on its own Tuesdays (3, 17, 31 March)."""
    rule = _weekly(repeat=Repeat.FORTNIGHTLY)
    found = occurrences_between(rule, _utc("2026-03-01T00:00"), _utc("2026-04-01T00:00"))
    assert _starts(found) == ["2026-03-03T09:00", "2026-03-17T09:00", "2026-03-31T08:00"]


def test_end_date_is_inclusive():
    """An end date on a session's day keeps that session; the day before drops it."""
    window = (_utc("2026-01-01T00:00"), _utc("2026-12-31T00:00"))
    assert len(occurrences_between(_weekly(until=date(2026, 1, 27)), *window)) == 4
    assert len(occurrences_between(_weekly(until=date(2026, 1, 26)), *window)) == 3


def test_a_single_session_happens_once():
    """A series that does not repeat has its first date only."""
    rule = _weekly(repeat=Repeat.NONE)
    assert _starts(occurrences_between(rule, *TWO_YEARS)) == ["2026-01-06T09:00"]
    assert nth_occurrence(rule, 1) is None


def test_window_is_half_open():
    """A session starting exactly at the window's start is in it; one starting at its end is not."""
    found = occurrences_between(_weekly(), _utc("2026-01-13T09:00"), _utc("2026-01-20T09:00"))
    assert [o.key for o in found] == ["2026-01-13"]


def test_far_windows_are_reached_without_walking_there():
    """A window in 2100 finds its sessions directly: weekly from 2026, still Tuesdays at 10:00 Paris time."""
    found = occurrences_between(_weekly(), _utc("2100-06-01T00:00"), _utc("2100-06-15T00:00"))
    assert _starts(found) == ["2100-06-01T08:00", "2100-06-08T08:00"]


def test_skipped_and_repeated_wall_times():
    """Sunday 02:30 in Paris moves to 03:00 on the spring-forward day and is the earlier 02:30 in October."""
    rule = SeriesRule(Repeat.WEEKLY, date(2026, 3, 22), time(2, 30), "Europe/Paris")
    march = occurrences_between(rule, _utc("2026-03-20T00:00"), _utc("2026-04-06T00:00"))
    assert _starts(march) == ["2026-03-22T01:30", "2026-03-29T01:00", "2026-04-05T00:30"]
    october = occurrence(rule, "2026-10-25")
    assert october is not None
    assert october.starts_at == _utc("2026-10-25T00:30")


def test_next_occurrence_is_strictly_after():
    """At the very start of a session, the next one is a week later; after the end date there is none."""
    rule = _weekly(until=date(2026, 1, 13))
    first, second = (
        Occurrence("2026-01-06", _utc("2026-01-06T09:00")),
        Occurrence("2026-01-13", _utc("2026-01-13T09:00")),
    )
    assert next_occurrence(rule, _utc("2026-01-06T08:59")) == first
    assert next_occurrence(rule, _utc("2026-01-06T09:00")) == second
    assert next_occurrence(rule, _utc("2026-01-13T09:00")) is None
    assert next_occurrence(rule, _utc("2025-01-01T00:00")) == first


def test_nth_occurrence_counts_from_the_first():
    """The 0th session is the first date; the 12th of a weekly series is 12 weeks later."""
    rule = _weekly()
    assert nth_occurrence(rule, 0) == Occurrence("2026-01-06", _utc("2026-01-06T09:00"))
    assert nth_occurrence(rule, 12) == Occurrence("2026-03-31", _utc("2026-03-31T08:00"))


def test_cancelled_and_moved_occurrences():
    """Cancelled keys vanish; a moved one shows at its new time, in order, keeping its key."""
    overrides = Overrides(
        cancelled=frozenset({"2026-01-13"}),
        moved={"2026-01-20": _utc("2026-01-28T17:00"), "2026-03-03": _utc("2026-01-22T09:00")},
    )
    found = occurrences_between(_weekly(), _utc("2026-01-06T00:00"), _utc("2026-02-01T00:00"), overrides)
    assert [(o.key, o.moved) for o in found] == [
        ("2026-01-06", False),
        ("2026-03-03", True),
        ("2026-01-27", False),
        ("2026-01-20", True),
    ]
    assert found[1].starts_at == _utc("2026-01-22T09:00")


def test_overrides_on_keys_the_rule_does_not_give_are_ignored():
    """A moved or looked-up key that is not one of the series' dates (a forged one) shows nothing."""
    overrides = Overrides(moved={"2026-01-07": _utc("2026-01-08T09:00"), "junk": _utc("2026-01-08T09:00")})
    found = occurrences_between(_weekly(), _utc("2026-01-06T00:00"), _utc("2026-01-12T00:00"), overrides)
    assert [o.key for o in found] == ["2026-01-06"]
    assert occurrence(_weekly(), "2026-01-07") is None
    assert occurrence(_weekly(), "not-a-date") is None
    assert occurrence(_weekly(until=date(2026, 1, 6)), "2026-01-13") is None


def test_next_occurrences_skip_cancellations_and_page():
    """The next three after a cancelled one are the three that still happen; a cancelled key finds nothing."""
    overrides = Overrides(cancelled=frozenset({"2026-01-13"}))
    found = next_occurrences(_weekly(), _utc("2026-01-07T00:00"), 3, overrides)
    assert [o.key for o in found] == ["2026-01-20", "2026-01-27", "2026-02-03"]
    assert occurrence(_weekly(), "2026-01-13", overrides) is None
    assert nth_occurrence(_weekly(), 1, overrides) is None


def test_changing_the_zone_moves_future_sessions_only():
    """Split at the next session: earlier ones keep their Paris instants, later ones are 10:00 in New York."""
    rule = _weekly()
    before, after = split(rule, "2026-06-02", zone="America/New_York")
    assert before is not None
    assert (before.until, after.first_day, after.zone, after.at) == (
        date(2026, 6, 1),
        date(2026, 6, 2),
        "America/New_York",
        time(10, 0),
    )
    window = (_utc("2026-05-18T00:00"), _utc("2026-06-16T00:00"))
    starts = _starts(occurrences_between(before, *window) + occurrences_between(after, *window))
    assert starts == ["2026-05-19T08:00", "2026-05-26T08:00", "2026-06-02T14:00", "2026-06-09T14:00"]


def test_split_at_the_first_session_leaves_nothing_before():
    """Re-anchoring at the first date replaces the whole rule."""
    before, after = split(_weekly(), "2026-01-06", at=time(11, 0))
    assert before is None
    assert after == _weekly(at=time(11, 0))


def test_split_refuses_a_date_that_is_not_a_session():
    """A series cannot be cut at a day it has no session on."""
    with pytest.raises(ValueError, match="not an occurrence"):
        split(_weekly(), "2026-01-07")


@pytest.mark.parametrize(
    ("repeat", "first_day"),
    [(Repeat.MONTHLY_NTH, date(2026, 1, 29)), (Repeat.MONTHLY_LAST, date(2026, 1, 23))],
)
def test_impossible_monthly_rules_are_refused(repeat, first_day):
    """A 5th weekday (not every month has one) or a 'last' weekday that is not the last makes no rule."""
    with pytest.raises(ValueError, match="weekday"):
        SeriesRule(repeat, first_day, time(10, 0), "UTC")


def test_months_roll_over_the_year():
    """A last-Monday series started in November 2026 continues into 2027."""
    rule = SeriesRule(Repeat.MONTHLY_LAST, date(2026, 11, 30), time(10, 0), "UTC")
    found = next_occurrences(rule, _utc("2026-11-01T00:00"), 3)
    assert [o.key for o in found] == ["2026-11-30", "2026-12-28", "2027-01-25"]
    assert found[-1].starts_at - found[0].starts_at == timedelta(days=56)
