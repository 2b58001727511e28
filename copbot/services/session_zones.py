"""A community's new time zone moves its sessions still to come, never those that took place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from copbot.domain.recurrence import next_occurrence, split
from copbot.domain.wallclock import to_utc
from copbot.store import sessions as store
from copbot.store.models import Community, Rsvp, SessionChange, SessionPost
from copbot.store.models import Session as Series

FOLLOWING_ROWS = (Rsvp, SessionChange, SessionPost)  # what belongs to one date of a series


def rezone(session: Session, *, community: Community, zone: str, now: datetime) -> None:
    """Each live series keeps its dates and wall time from its next session on, now in `zone`.

    A series that already met is cut there: the past stays a series of its own (its instants unchanged),
    and a new series takes the dates to come with their answers, changes and reminders.
    """
    for series in store.live_series(session, community_ids=[community.id]):
        if series.timezone != zone:
            _rezone(session, series, zone, now)


def _rezone(session: Session, series: Series, zone: str, now: datetime) -> None:
    rule = store.rule_of(series)
    upcoming = next_occurrence(rule, now)
    if upcoming is None:
        return  # the series is over: its dates stay where they were
    before, after = split(rule, upcoming.key, zone=zone)
    starts_at = to_utc(after.first_day, after.at, zone)
    if before is None:
        series.timezone, series.starts_at = zone, starts_at
        return
    series.repeat_until = before.until
    rest = Series(
        team_id=series.team_id,
        community_id=series.community_id,
        title=series.title,
        description=series.description,
        location=series.location,
        starts_at=starts_at,
        duration_minutes=series.duration_minutes,
        repeat=series.repeat,
        timezone=zone,
        repeat_until=after.until,
        created_by=series.created_by,
        created_at=now,
    )
    session.add(rest)
    session.flush()
    for model in FOLLOWING_ROWS:
        session.execute(
            update(model)
            .where(model.session_id == series.id, model.occurrence_key >= upcoming.key)
            .values(session_id=rest.id)
            .execution_options(synchronize_session=False)
        )
