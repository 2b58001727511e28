"""Wall-clock times in an IANA zone as UTC instants, with one answer for the times DST makes odd.

Twice a year a zone's clocks jump. A wall time in the spring-forward gap (02:30 on 29 March 2026 in
Europe/Paris) never happens: copbot takes the first instant after the gap, when the clocks show 03:00. So a
session "at 02:30" starts as the clocks go forward, not an hour later at 03:30, which is what Python's
`fold=0` arithmetic (adding the gap's length) would give. A wall time the fall-back repeats (02:30 on
25 October 2026 in Europe/Paris) happens twice: copbot takes the first, earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class LocalDay:
    """A day in an IANA zone (a pause's or a round's last day): the Slack layer writes it for each reader."""

    day: date
    zone: str

    def noon(self) -> datetime:
        """Noon that day in the zone: the one instant every reader's zone shows as the same day."""
        return to_utc(self.day, time(12), self.zone)


def to_utc(day: date, at: time, zone: str) -> datetime:
    """The UTC instant when the clocks of `zone` show `at` on `day` (a gap: its end; twice: the first)."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    if _exists(local):
        return local.astimezone(UTC)  # fold=0: of two instants showing this time, the earlier
    return _gap_end(local)


def next_valid(day: date, at: time, zone: str) -> datetime | None:
    """None when `at` happens on `day` in `zone`; otherwise the local time the clocks jump to over the gap."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    if _exists(local):
        return None
    return _gap_end(local).astimezone(local.tzinfo)


def local_day(moment: datetime, zone: str) -> date:
    """The date the clocks of `zone` show at `moment`."""
    return moment.astimezone(ZoneInfo(zone)).date()


def _exists(local: datetime) -> bool:
    """A wall time exists when going to UTC and back gives it again (a gap time comes back shifted)."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def _gap_end(local: datetime) -> datetime:
    """The instant the clocks jumped over `local`, to the second.

    Read with the offset after the jump (fold=1), a gap time names an instant before the jump; read with
    the offset before it (fold=0), one after. Between the two the offset changes once: bisect for it.
    """
    zone = local.tzinfo
    low = int(local.replace(fold=1).astimezone(UTC).timestamp())
    high = int(local.replace(fold=0).astimezone(UTC).timestamp())
    offset_before = datetime.fromtimestamp(low, UTC).astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)
