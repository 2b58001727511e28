"""Wall times DST makes odd: skipped ones start at the gap's end, doubled ones at the first."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from copbot.domain.wallclock import local_day, next_valid, to_utc


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("Europe/Paris", date(2026, 3, 29), time(2, 30), "2026-03-29T01:00"),  # skipped: clocks show 03:00
        ("Europe/Paris", date(2026, 3, 29), time(2, 0), "2026-03-29T01:00"),  # the gap starts at 02:00
        ("Europe/Paris", date(2026, 3, 29), time(3, 0), "2026-03-29T01:00"),
        ("Europe/Paris", date(2026, 3, 29), time(1, 59), "2026-03-29T00:59"),
        ("Europe/Paris", date(2026, 10, 25), time(2, 30), "2026-10-25T00:30"),  # twice: the summer one
        ("America/New_York", date(2026, 3, 8), time(2, 30), "2026-03-08T07:00"),
        ("America/New_York", date(2026, 11, 1), time(1, 30), "2026-11-01T05:30"),  # twice: EDT, not EST
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), "2026-10-03T15:30"),  # a 30-minute gap
    ],
)
def test_to_utc(zone, day, at, expected):
    """Times map as the zone says; skipped ones to the instant the clocks jump; repeated ones to the first."""
    assert to_utc(day, at, zone) == _utc(expected)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("Europe/Paris", date(2026, 3, 29), time(2, 30), time(3, 0)),
        ("Europe/Paris", date(2026, 3, 29), time(2, 0), time(3, 0)),
        ("America/New_York", date(2026, 3, 8), time(2, 59), time(3, 0)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), time(2, 30)),
    ],
)
def test_next_valid_names_the_end_of_the_gap(zone, day, at, expected):
    """A skipped wall time gets the local time the clocks jump to, on the same day."""
    valid = next_valid(day, at, zone)
    assert valid is not None
    assert (valid.date(), valid.time()) == (day, expected)


@pytest.mark.parametrize(
    ("zone", "day", "at"),
    [
        ("Europe/Paris", date(2026, 3, 29), time(3, 0)),
        ("Europe/Paris", date(2026, 3, 29), time(1, 59)),
        ("Europe/Paris", date(2026, 10, 25), time(2, 30)),
        ("Europe/Paris", date(2026, 3, 30), time(2, 30)),
        ("UTC", date(2026, 3, 29), time(2, 30)),
    ],
)
def test_next_valid_is_none_for_times_that_happen(zone, day, at):
    """Times that happen, once or twice, need no correction."""
    assert next_valid(day, at, zone) is None


def test_local_day_is_the_zones_date():
    """The same instant is still Monday in New York when it is already Tuesday in Paris."""
    moment = _utc("2026-03-31T02:00")
    assert local_day(moment, "Europe/Paris") == date(2026, 3, 31)
    assert local_day(moment, "America/New_York") == date(2026, 3, 30)
