"""What the loop plans for sessions: reminders at the community's offsets, and the takeaway question after.

Only what is due is planned, under a work key per occurrence, offset and start time: a second loop adds
nothing, a cancelled occurrence is no longer planned, and a moved one gets its reminders again at its new
time. A reminder is worth sending until its session starts (copbot.domain.reminders), never after.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from copbot.domain.recurrence import NO_OVERRIDES, Occurrence, occurrences_between
from copbot.domain.reminders import TAKEAWAY_DELAY, TAKEAWAY_WORTH, reminder_due, takeaway
from copbot.domain.sessions import DURATION_MAX
from copbot.services.outbox import deliver
from copbot.services.rsvps import refresh_reminders
from copbot.store import sessions as store
from copbot.store.models import Community, SessionPost
from copbot.store.models import Session as Series

REMINDER = "sessions.reminder"
TAKEAWAY = "sessions.takeaway"
# The takeaway question of a session that ended this long ago may still be due.
LOOKBACK = timedelta(minutes=DURATION_MAX) + TAKEAWAY_DELAY + TAKEAWAY_WORTH


def plan_sessions(session: Session, now: datetime) -> None:
    """The loop's planner: every reminder and takeaway question due by `now`."""
    everything = store.all_live_series(session)
    overrides = store.overrides_of(session, [series.id for series, _ in everything])
    for series, community in everything:
        ahead = timedelta(minutes=max(community.reminder_offsets or [0]), seconds=1)
        rule = store.rule_of(series)
        for item in occurrences_between(
            rule, now - LOOKBACK, now + ahead, overrides.get(series.id, NO_OVERRIDES)
        ):
            _plan_reminder(session, series, community, item, now=now)
            _plan_takeaway(session, series, community, item, now=now)


def _plan_reminder(
    session: Session, series: Series, community: Community, item: Occurrence, *, now: datetime
) -> None:
    reminder = reminder_due(item, community.reminder_offsets or (), now=now)
    if reminder is None:
        return
    stamp = int(item.starts_at.timestamp())
    deliver(
        session,
        team_id=series.team_id,
        kind=REMINDER,
        key=f"reminder:{series.id}:{item.key}:{reminder.offset_minutes}:{stamp}",
        payload={
            "series_id": series.id,
            "key": item.key,
            "offset": reminder.offset_minutes,
            "starts_at": stamp,
        },
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
        due_at=reminder.due_at,
        worth=reminder.expires_at - reminder.due_at,
    )


def _plan_takeaway(
    session: Session, series: Series, community: Community, item: Occurrence, *, now: datetime
) -> None:
    ask = takeaway(item, series.duration_minutes)
    if not ask.due_at <= now < ask.expires_at:
        return
    deliver(
        session,
        team_id=series.team_id,
        kind=TAKEAWAY,
        key=f"takeaway:{series.id}:{item.key}",
        payload={"series_id": series.id, "key": item.key},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
        due_at=ask.due_at,
        worth=ask.expires_at - ask.due_at,
    )


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
