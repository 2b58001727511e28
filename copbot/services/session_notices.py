"""How changes to sessions reach people: notices in the channel, DMs to those going, reminders redrawn.

A date that no longer takes place (cancelled, or dropped by an edit of its series' rule) gets a notice in
the thread of its last reminder, its posted reminders are redrawn as cancelled, and those going are told by
DM. A date whose start moves has its reminders redrawn with the new time, and those going are told.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from copbot.domain.recurrence import Occurrence, Overrides, SeriesRule, next_occurrences, occurrence
from copbot.services.outbox import deliver
from copbot.services.reminder_updates import refresh_reminders
from copbot.store import sessions as store
from copbot.store.models import Community, Meetup, SessionChange

CANCELLED = "sessions.cancelled"  # the notice in the channel
CANCELLED_DM = "sessions.cancelled_dm"  # the note to each person going to a date that no longer takes place
CHANGED = "sessions.changed"  # the notice of later dates an edit dropped, that nobody had answered
MOVED_DM = "sessions.moved"  # the note to each person going
NOTICE_WORTH = timedelta(hours=12)
HORIZON = 100  # dates ahead an edit looks at: as far as `/cop sessions` pages


def change_for(session: Session, series: Meetup, key: str, *, now: datetime) -> SessionChange:
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
    session: Session, *, series: Meetup, community: Community, key: str, whole_series: bool, now: datetime
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
    session: Session, *, series: Meetup, community_id: int, key: str, starts_at: datetime, now: datetime
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
    session: Session, *, series: Meetup, before: SeriesRule, after: SeriesRule, since: str, now: datetime
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


def drop_dates(
    session: Session,
    *,
    series: Meetup,
    community: Community,
    before: SeriesRule,
    overrides: Overrides,
    now: datetime,
) -> set[str]:
    """The dates to come that `before` gave and the series' rule no longer gives, cancelled; their keys.

    Those people know of (answered or reminded) are cancelled one by one; the others share one notice. A
    known date a later edit gives again stays cancelled, as one cancelled by hand does: those going were told.
    """
    after = store.rule_of(series)
    in_use = store.keys_in_use(session, series_id=series.id)
    ahead = {item.key: item for item in next_occurrences(before, now, HORIZON, overrides)}
    for key in in_use - ahead.keys():
        item = occurrence(before, key, overrides)
        if item is not None and item.starts_at > now:
            ahead[key] = item
    dropped = sorted(
        (item for item in ahead.values() if occurrence(after, item.key) is None),
        key=lambda item: (item.starts_at, item.key),
    )
    for item in dropped:
        if item.key in in_use:
            _cancel_dropped(session, series=series, community=community, item=item, now=now)
    unknown = [item for item in dropped if item.key not in in_use]
    if unknown:
        _notice_changed(session, series=series, community=community, first=unknown[0], now=now)
    return {item.key for item in dropped}


def _cancel_dropped(
    session: Session, *, series: Meetup, community: Community, item: Occurrence, now: datetime
) -> None:
    change = change_for(session, series, item.key, now=now)
    change.cancelled_at = now
    change.moved_to = item.starts_at  # the start it had, for the notices (the rule no longer gives it)
    notice_cancelled(session, series=series, community=community, key=item.key, whole_series=False, now=now)
    refresh_reminders(session, team_id=series.team_id, series_id=series.id, key=item.key, now=now)
    for user_id in store.going_ids(session, series_id=series.id, key=item.key):
        deliver(
            session,
            team_id=series.team_id,
            kind=CANCELLED_DM,
            key=f"{CANCELLED_DM}:{series.id}:{item.key}:{user_id}",
            payload={"series_id": series.id, "key": item.key, "user_id": user_id},
            now=now,
            community_id=community.id,
            worth=NOTICE_WORTH,
        )


def _notice_changed(
    session: Session, *, series: Meetup, community: Community, first: Occurrence, now: datetime
) -> None:
    deliver(
        session,
        team_id=series.team_id,
        kind=CHANGED,
        key=f"{CHANGED}:{series.id}:{first.key}:{int(now.timestamp())}",
        payload={"series_id": series.id, "key": first.key, "starts_at": int(first.starts_at.timestamp())},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
        worth=NOTICE_WORTH,
    )
