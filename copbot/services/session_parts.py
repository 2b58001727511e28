"""Cutting off a series' past before its rule changes, so that the sessions that took place stay as they were.

The series keeps its id for the dates to come: the buttons people have keep naming them. The past becomes a
part, a series of its own that names the series in `split_from_id`; the answers, changes and reminders of
its dates go with it. A button naming a past date finds it there (`copbot.services.sessions.find`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from copbot.domain.recurrence import split
from copbot.domain.wallclock import to_utc
from copbot.store import sessions as store
from copbot.store.models import Meetup, Rsvp, SessionChange, SessionPost

FOLLOWING_ROWS = (Rsvp, SessionChange, SessionPost)  # what belongs to one date of a series


def cut_past(session: Session, series: Meetup, key: str, *, now: datetime) -> None:
    """Keep the dates before `key` as a part of the series; the series then starts on `key`'s date.

    Nothing is cut when `key` is the series' first date. The caller changes the series' rule after.
    """
    before, after = split(store.rule_of(series), key)
    if before is None:
        return
    part = Meetup(
        team_id=series.team_id,
        community_id=series.community_id,
        title=series.title,
        description=series.description,
        location=series.location,
        starts_at=series.starts_at,
        duration_minutes=series.duration_minutes,
        repeat=series.repeat,
        timezone=series.timezone,
        repeat_until=before.until,
        created_by=series.created_by,
        created_at=now,
        split_from_id=store.ref_id(series),
    )
    session.add(part)
    session.flush()
    for model in FOLLOWING_ROWS:
        session.execute(
            update(model)
            .where(model.session_id == series.id, model.occurrence_key < key)
            .values(session_id=part.id)
            .execution_options(synchronize_session=False)
        )
    series.starts_at = to_utc(after.first_day, after.at, after.zone)
