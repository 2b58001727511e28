"""A community's new time zone moves its sessions still to come, never those that took place.

A series that already met has its past cut off as a part of it (`copbot.services.session_parts`); the series
keeps its id, so the buttons people have keep working. Each date to come keeps its local date and wall time,
now in the new zone: when that moves its start, its posted reminders are redrawn and those going are told.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from copbot.domain.recurrence import next_occurrence
from copbot.domain.wallclock import to_utc
from copbot.services.session_notices import starts_moved
from copbot.services.session_parts import cut_past
from copbot.store import sessions as store
from copbot.store.models import Community, Meetup


def rezone(session: Session, *, community: Community, zone: str, now: datetime) -> None:
    """Each live series keeps its dates and wall time from its next session on, now in `zone`."""
    for series in store.live_series(session, community_ids=[community.id]):
        if series.timezone != zone:
            _rezone(session, series, zone, now)


def _rezone(session: Session, series: Meetup, zone: str, now: datetime) -> None:
    rule = store.rule_of(series)
    upcoming = next_occurrence(rule, now)
    if upcoming is None:
        return  # the series is over: its dates stay where they were
    cut_past(session, series, upcoming.key, now=now)
    series.timezone = zone
    series.starts_at = to_utc(date.fromisoformat(upcoming.key), rule.at, zone)
    starts_moved(
        session, series=series, before=rule, after=store.rule_of(series), since=upcoming.key, now=now
    )
