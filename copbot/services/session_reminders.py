"""What the loop plans for sessions: reminders at the community's offsets, and the takeaway question after.

Only what is due is planned, under a work key per occurrence, offset and start time: a second loop adds
nothing, a cancelled occurrence is no longer planned, and a moved one gets the reminders it has not had yet
at its new time (one already posted was redrawn with that time; one posted more than its offset before the
new due time, as the session moved later by days, is due again at its new start). A reminder is
worth sending until its session starts (copbot.domain.reminders), never after.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from copbot.domain.recurrence import NO_OVERRIDES, Occurrence, occurrences_between
from copbot.domain.reminders import TAKEAWAY_DELAY, TAKEAWAY_WORTH, reminder_due, takeaway
from copbot.domain.sessions import DURATION_MAX
from copbot.services.outbox import deliver
from copbot.services.reminder_updates import refresh_reminders
from copbot.store import deliveries
from copbot.store import sessions as store
from copbot.store.community_life import too_early
from copbot.store.models import Community, Meetup, SessionPost

REMINDER = "sessions.reminder"
TAKEAWAY = "sessions.takeaway"
EVERY = timedelta(seconds=30)
# The takeaway question of a session that ended this long ago may still be due.
LOOKBACK = timedelta(minutes=DURATION_MAX) + TAKEAWAY_DELAY + TAKEAWAY_WORTH
ZONES_APART = timedelta(days=1)  # a date's key is local: it may be a day before its UTC date


class SessionPlanner:
    """The loop's planner for sessions, at most every EVERY in each process.

    Reading every live series costs more than a tick of sending: planning each tick would slow the sender
    down. A reminder may so go out up to EVERY after its time, which its offsets (an hour, a day) allow.
    """

    def __init__(self) -> None:
        self._last_run: datetime | None = None

    def __call__(self, session: Session, now: datetime) -> None:
        if self._last_run is not None and timedelta(0) <= now - self._last_run < EVERY:
            return
        plan_sessions(session, now)
        self._last_run = now


def plan_sessions(session: Session, now: datetime) -> None:
    """Every reminder and takeaway question due by `now`.

    Work already planned is left out before inserting: every tick sees the same due work, and an insert
    that the unique work key turns into nothing still takes the database's write lock.
    """
    due = [work for work in _due_work(session, now) if work is not None]
    planned = deliveries.existing_keys(session, [work["key"] for work in due])
    for work in due:
        if work["key"] not in planned:
            deliver(session, now=now, **work)


def _due_work(session: Session, now: datetime) -> Iterator[dict[str, Any] | None]:
    everything = store.all_live_series(session, cancelled_since=now - LOOKBACK)
    overrides = store.overrides_of(session, [series.id for series, _ in everything])
    ids = [series.id for series, _ in everything]
    posted = store.posted_reminders(session, series_ids=ids, since=(now - LOOKBACK - ZONES_APART).date())
    for series, community in everything:
        ahead = timedelta(minutes=max(community.reminder_offsets or [0]), seconds=1)
        exceptions = overrides.get(series.id, NO_OVERRIDES)
        for item in occurrences_between(store.rule_of(series), now - LOOKBACK, now + ahead, exceptions):
            if series.cancelled_at is not None and item.starts_at >= series.cancelled_at:
                break  # the series was cancelled before this one
            yield _reminder(series, community, item, now=now, posted=posted)
            yield _takeaway(series, community, item, now=now)


def _reminder(
    series: Meetup,
    community: Community,
    item: Occurrence,
    *,
    now: datetime,
    posted: Mapping[tuple[int, str, int], datetime],
) -> dict[str, Any] | None:
    """The reminder due now, unless one at this offset went out for this start, or close enough before it.

    One posted more than its offset before this due time was for an earlier start (the session moved
    later by days since): it is due again. One posted within that (a start a few hours later, a new zone)
    was redrawn with the new time and still reminds in time: not posted twice. The work key holds the
    start, so one start never gets the same reminder twice.
    """
    reminder = reminder_due(item, community.reminder_offsets or (), now=now)
    if reminder is None or too_early(community, reminder.due_at):
        return None
    last = posted.get((series.id, item.key, reminder.offset_minutes))
    if last is not None and last >= reminder.due_at - timedelta(minutes=reminder.offset_minutes):
        return None
    stamp = int(item.starts_at.timestamp())
    return {
        "team_id": series.team_id,
        "kind": REMINDER,
        "key": f"reminder:{store.ref_id(series)}:{item.key}:{reminder.offset_minutes}:{stamp}",
        "payload": {
            "series_id": series.id,
            "key": item.key,
            "offset": reminder.offset_minutes,
            "starts_at": stamp,
        },
        "community_id": community.id,
        "channel_id": community.channel_id,
        "due_at": reminder.due_at,
        "worth": reminder.expires_at - reminder.due_at,
    }


def _takeaway(
    series: Meetup, community: Community, item: Occurrence, *, now: datetime
) -> dict[str, Any] | None:
    ask = takeaway(item, series.duration_minutes)
    if not ask.due_at <= now < ask.expires_at or too_early(community, ask.due_at):
        return None
    return {
        "team_id": series.team_id,
        "kind": TAKEAWAY,
        "key": f"takeaway:{store.ref_id(series)}:{item.key}",
        "payload": {"series_id": series.id, "key": item.key},
        "community_id": community.id,
        "channel_id": community.channel_id,
        "due_at": ask.due_at,
        "worth": ask.expires_at - ask.due_at,
    }


def reminder_posted(
    session: Session,
    *,
    series_id: int,
    key: str,
    offset: int,
    channel_id: str,
    ts: str,
    shown: list[object],
    now: datetime,
) -> None:
    """Keep the reminder posted, so that answers update it; if answers changed while it was posted, update it.

    The series row is locked first, as each answer does: an answer either came before (and the comparison
    sees it) or comes after (and finds this reminder to update).
    """
    series = store.lock_series(session, series_id=series_id)
    if series is None:
        return
    post = SessionPost(
        team_id=series.team_id,
        session_id=series.id,
        occurrence_key=key,
        offset_minutes=offset,
        channel_id=channel_id,
        message_ts=ts,
        posted_at=now,
        version=0,
        update_batch=0,
    )
    session.add(post)
    session.flush()
    answers = store.answers(session, series_id=series.id, key=key)
    if [list(answers.going), answers.maybe, answers.cant] != shown:
        refresh_reminders(session, team_id=series.team_id, series_id=series.id, key=key, now=now)
