"""How changes to sessions reach people: notices in the channel, DMs to those going, reminders redrawn.

A cancelled date gets a notice in the thread of its last reminder. A date whose start moves has its
reminders redrawn with the new time, and those going are told by DM.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from copbot.domain.recurrence import Overrides, SeriesRule, occurrence
from copbot.services.outbox import deliver
from copbot.services.reminder_updates import refresh_reminders
from copbot.store import sessions as store
from copbot.store.models import Community, SessionChange
from copbot.store.models import Session as Series

CANCELLED = "sessions.cancelled"  # the notice in the channel
MOVED_DM = "sessions.moved"  # the note to each person going
NOTICE_WORTH = timedelta(hours=12)


def change_for(session: Session, series: Series, key: str, *, now: datetime) -> SessionChange:
    """The date's change row, made if it has none yet."""
    change = store.change_of(session, series_id=series.id, key=key)
    if change is None:
        change = SessionChange(
            team_id=series.team_id, session_id=series.id, occurrence_key=key, changed_at=now
        )
        session.add(change)
    change.changed_at = now
    return change


def notice_cancelled(
    session: Session, *, series: Series, community: Community, key: str, whole_series: bool, now: datetime
) -> None:
    """The notice of a cancelled date (or of the series from now on) in the channel."""
    deliver(
        session,
        team_id=series.team_id,
        kind=CANCELLED,
        key=f"{CANCELLED}:{series.id}:{'all' if whole_series else key}",
        payload={"series_id": series.id, "key": key, "whole_series": whole_series},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
        worth=NOTICE_WORTH,
    )


def tell_going_moved(
    session: Session, *, series: Series, community_id: int, key: str, starts_at: datetime, now: datetime
) -> None:
    """Redraw the date's posted reminders with its new start, and tell each person going by DM."""
    refresh_reminders(session, team_id=series.team_id, series_id=series.id, key=key, now=now)
    stamp = int(starts_at.timestamp())
    for user_id in store.going_ids(session, series_id=series.id, key=key):
        deliver(
            session,
            team_id=series.team_id,
            kind=MOVED_DM,
            key=f"{MOVED_DM}:{series.id}:{key}:{stamp}:{user_id}",
            payload={"series_id": series.id, "key": key, "user_id": user_id},
            now=now,
            community_id=community_id,
            worth=NOTICE_WORTH,
        )


def starts_moved(
    session: Session, *, series: Series, before: SeriesRule, after: SeriesRule, since: str, now: datetime
) -> None:
    """After the series' rule changed (its zone): each date people know of whose start moved is told."""
    overrides = store.overrides_of(session, [series.id]).get(series.id, Overrides())
    for key in sorted(store.keys_in_use(session, series_id=series.id)):
        if key < since or key in overrides.moved or key in overrides.cancelled:
            continue  # past, or moved to a start of its own that stays
        old, new = occurrence(before, key), occurrence(after, key)
        if old is not None and new is not None and old.starts_at != new.starts_at:
            tell_going_moved(
                session,
                series=series,
                community_id=series.community_id,
                key=key,
                starts_at=new.starts_at,
                now=now,
            )
