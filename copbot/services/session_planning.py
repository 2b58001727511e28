"""Organisers plan, edit, move and cancel sessions; the changes reach the channel and those going.

The occurrence a form names is checked by `copbot.services.sessions.find` (workspace, community, the dates
the rule gives, not started yet). Every message about a change is an outbox delivery in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from copbot.domain import sessions as fields
from copbot.domain.enums import ActivityKind, Repeat
from copbot.domain.errors import CopbotError, FieldErrors
from copbot.domain.sessions import OccurrenceRef, SessionDraft, validate_series_change, validate_session
from copbot.services.communities import Actor, check_organiser, choose_community
from copbot.services.lookup import get_community
from copbot.services.outbox import deliver
from copbot.services.reminder_updates import refresh_reminders
from copbot.services.sessions import Found, find
from copbot.services.sessions_view import SessionFormValues
from copbot.store import sessions as store
from copbot.store.activity import record_activity
from copbot.store.models import Session as Series
from copbot.store.models import SessionChange

CANCELLED = "sessions.cancelled"  # the notice in the channel
MOVED_DM = "sessions.moved"  # the note to each person going
NOTICE_WORTH = timedelta(hours=12)


@dataclass(frozen=True)
class SessionForm:
    """What the plan or edit modal needs: whose it is, in which zone, pre-filled with what."""

    community_id: int
    zone: str
    values: SessionFormValues
    ref: str | None = None  # the occurrence being edited


def new_session_form(session: Session, *, team_id: str, actor: Actor, name: str | None) -> SessionForm:
    community = choose_community(session, team_id=team_id, actor=actor, name=name, organised_only=True)
    check_organiser(session, community, actor)
    return SessionForm(community.id, community.timezone, SessionFormValues())


def plan_session(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    community_id: int,
    values: Mapping[str, str | None],
    now: datetime,
) -> int:
    """Keep a new series (checked by the domain's form rules); its id. Its reminders come with the loop."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    check_organiser(session, community, actor)
    draft = validate_session(values, zone=community.timezone, now=now)
    series = Series(
        team_id=team_id,
        community_id=community.id,
        title=draft.title,
        description=draft.agenda,
        location=draft.place,
        starts_at=draft.starts_at,
        duration_minutes=draft.duration_minutes,
        repeat=draft.rule.repeat,
        timezone=community.timezone,
        repeat_until=draft.rule.until,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(series)
    session.flush()
    record_activity(
        session, community, actor.user_id, ActivityKind.SESSION_SCHEDULED, now, session_id=series.id
    )
    return series.id


def edit_form(session: Session, *, team_id: str, actor: Actor, ref: str | None, now: datetime) -> SessionForm:
    """The edit modal of one occurrence, pre-filled: its date and time, the series' other values."""
    found = find(session, team_id=team_id, ref=ref, now=now)
    check_organiser(session, found.community, actor)
    series, zone = found.series, found.community.timezone
    local = found.occurrence.starts_at.astimezone(ZoneInfo(zone))
    values = SessionFormValues(
        title=series.title,
        agenda=series.description,
        day=local.date(),
        at=local.time(),
        duration_minutes=series.duration_minutes,
        place=series.location,
        repeat=series.repeat,
        until=series.repeat_until,
    )
    return SessionForm(
        found.community.id, zone, values, ref=str(OccurrenceRef(series.id, found.occurrence.key))
    )


def edit_session(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    community_id: int,
    ref: str | None,
    values: Mapping[str, str | None],
    now: datetime,
) -> None:
    """Title, agenda, place and duration change for the whole series; a new date or time moves this one.

    Those going to a moved session are told by DM; the reminders already posted show its new time, and
    those still to come follow it (the planner).
    """
    found = find(session, team_id=team_id, ref=ref, community_id=community_id, now=now)
    check_organiser(session, found.community, actor)
    series = found.series
    draft, (repeat, until) = _checked_edit(values, series, zone=found.community.timezone, now=now)
    series.title, series.description = draft.title, draft.agenda
    series.location, series.duration_minutes = draft.place, draft.duration_minutes
    series.repeat, series.repeat_until = repeat, until
    if draft.starts_at != found.occurrence.starts_at:
        _move(session, found, draft.starts_at, now=now)


def _checked_edit(
    values: Mapping[str, str | None], series: Series, *, zone: str, now: datetime
) -> tuple[SessionDraft, tuple[Repeat, date | None]]:
    """The edit's values, every problem at once: the date is this session's, the repeat the series'."""
    problems: dict[str, CopbotError] = {}
    one_date = {**values, fields.REPEAT: Repeat.NONE.value, fields.UNTIL: None}
    try:
        draft = validate_session(one_date, zone=zone, now=now)
    except FieldErrors as error:
        problems |= error.errors
    try:
        change = validate_series_change(values, first_day=store.rule_of(series).first_day)
    except FieldErrors as error:
        problems |= error.errors
    if problems:
        raise FieldErrors(problems)
    return draft, change


def cancel_session(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    community_id: int | None,
    ref: str | None,
    whole_series: bool,
    now: datetime,
) -> None:
    """Cancel one occurrence, or the series from now on; a notice goes to the channel, reminders stop."""
    found = find(session, team_id=team_id, ref=ref, community_id=community_id, now=now)
    check_organiser(session, found.community, actor)
    key = found.occurrence.key
    if whole_series:
        found.series.cancelled_at = now
    else:
        change = _change(session, found.series, key, now=now)
        change.cancelled_at = now
    deliver(
        session,
        team_id=team_id,
        kind=CANCELLED,
        key=f"{CANCELLED}:{found.series.id}:{'all' if whole_series else key}",
        payload={"series_id": found.series.id, "key": key, "whole_series": whole_series},
        now=now,
        community_id=found.community.id,
        channel_id=found.community.channel_id,
        worth=NOTICE_WORTH,
    )


def _move(session: Session, found: Found, starts_at: datetime, *, now: datetime) -> None:
    change = _change(session, found.series, found.occurrence.key, now=now)
    change.moved_to = starts_at
    # The reminders already in the channel show the new time at once, not at the next answer.
    refresh_reminders(
        session, team_id=found.series.team_id, series_id=found.series.id, key=found.occurrence.key, now=now
    )
    stamp = int(starts_at.timestamp())
    for user_id in store.going_ids(session, series_id=found.series.id, key=found.occurrence.key):
        deliver(
            session,
            team_id=found.series.team_id,
            kind=MOVED_DM,
            key=f"{MOVED_DM}:{found.series.id}:{found.occurrence.key}:{stamp}:{user_id}",
            payload={"series_id": found.series.id, "key": found.occurrence.key, "user_id": user_id},
            now=now,
            community_id=found.community.id,
            worth=NOTICE_WORTH,
        )


def _change(session: Session, series: Series, key: str, *, now: datetime) -> SessionChange:
    change = store.change_of(session, series_id=series.id, key=key)
    if change is None:
        change = SessionChange(
            team_id=series.team_id, session_id=series.id, occurrence_key=key, changed_at=now
        )
        session.add(change)
    change.changed_at = now
    return change
