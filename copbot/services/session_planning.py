"""Organisers plan, edit, move and cancel sessions; the changes reach the channel and those going.

The occurrence a form names is checked by `copbot.services.sessions.find` (workspace, community, the dates
the rule gives, not started yet). Every message about a change is an outbox delivery in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from copbot.domain import sessions as fields
from copbot.domain.enums import ActivityKind, Repeat
from copbot.domain.errors import CopbotError, FieldErrors
from copbot.domain.recurrence import NO_OVERRIDES, Overrides, SeriesRule, next_occurrence, occurrence
from copbot.domain.sessions import OccurrenceRef, SessionDraft, validate_series_change, validate_session
from copbot.services.communities import Actor, check_organiser, choose_community
from copbot.services.lookup import get_community
from copbot.services.reminder_updates import refresh_reminders
from copbot.services.session_notices import change_for, drop_dates, notice_cancelled, tell_going_moved
from copbot.services.session_parts import cut_past
from copbot.services.sessions import Found, find
from copbot.services.sessions_view import SessionFormValues
from copbot.store import sessions as store
from copbot.store.activity import record_activity
from copbot.store.models import Meetup


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
    series = Meetup(
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
        found.community.id, zone, values, ref=str(OccurrenceRef(store.ref_id(series), found.occurrence.key))
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

    A new way of repeating or end date applies from the next session on: the sessions that took place stay
    as they were (a part of the series), and dates to come that the new rule no longer gives are cancelled
    (`session_notices.drop_dates`). Those going to a moved session are told by DM; the reminders already
    posted show its new time, and those still to come follow it (the planner); a new title, agenda, place or
    duration is drawn again on every reminder posted for a date not started.
    """
    found = find(session, team_id=team_id, ref=ref, community_id=community_id, now=now)
    check_organiser(session, found.community, actor)
    series = found.series
    before = store.rule_of(series)
    overrides = store.overrides_of(session, [series.id]).get(series.id, NO_OVERRIDES)
    next_key = _next_key(before, overrides, found, now=now)
    draft, (repeat, until) = _checked_edit(
        values, first_day=date.fromisoformat(next_key), zone=found.community.timezone, now=now
    )
    shown = (series.title, series.description, series.location, series.duration_minutes)
    series.title, series.description = draft.title, draft.agenda
    series.location, series.duration_minutes = draft.place, draft.duration_minutes
    dropped: set[str] = set()
    if (repeat, until) != (series.repeat, series.repeat_until):
        cut_past(session, series, next_key, now=now)
        series.repeat, series.repeat_until = repeat, until
        dropped = drop_dates(
            session, series=series, community=found.community, before=before, overrides=overrides, now=now
        )
    if draft.starts_at != found.occurrence.starts_at and found.occurrence.key not in dropped:
        _move(session, found, draft.starts_at, now=now)
    if shown != (series.title, series.description, series.location, series.duration_minutes):
        # Reminders already posted show the series' new words; a redraw already asked for is joined.
        for key in _to_come(session, series, now=now):
            refresh_reminders(session, team_id=team_id, series_id=series.id, key=key, now=now)


def _next_key(before: SeriesRule, overrides: Overrides, found: Found, *, now: datetime) -> str:
    """The first date of the series not started yet: a new rule applies from there on."""
    upcoming = next_occurrence(before, now)
    moved = [key for key, starts_at in overrides.moved.items() if starts_at > now]
    return min([found.occurrence.key, *moved, *([upcoming.key] if upcoming else [])])


def _checked_edit(
    values: Mapping[str, str | None], *, first_day: date, zone: str, now: datetime
) -> tuple[SessionDraft, tuple[Repeat, date | None]]:
    """The edit's values, every problem at once: this session's date, the series' repeat from `first_day`."""
    problems: dict[str, CopbotError] = {}
    one_date = {**values, fields.REPEAT: Repeat.NONE.value, fields.UNTIL: None}
    try:
        draft = validate_session(one_date, zone=zone, now=now)
    except FieldErrors as error:
        problems |= error.errors
    try:
        change = validate_series_change(values, first_day=first_day)
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
    series, key = found.series, found.occurrence.key
    if whole_series:
        series.cancelled_at = now
    else:
        change_for(session, series, key, now=now).cancelled_at = now
    notice_cancelled(
        session, series=series, community=found.community, key=key, whole_series=whole_series, now=now
    )
    # Reminders already posted lose their buttons: they say the session is cancelled.
    for one in _to_come(session, series, now=now) if whole_series else [key]:
        refresh_reminders(session, team_id=team_id, series_id=series.id, key=one, now=now)


def _to_come(session: Session, series: Meetup, *, now: datetime) -> list[str]:
    """The dates people know of (answered or reminded) that had not started."""
    rule = store.rule_of(series)
    overrides = store.overrides_of(session, [series.id]).get(series.id, NO_OVERRIDES)
    known = sorted(store.keys_in_use(session, series_id=series.id))
    return [key for key in known if (item := occurrence(rule, key, overrides)) and item.starts_at > now]


def _move(session: Session, found: Found, starts_at: datetime, *, now: datetime) -> None:
    change_for(session, found.series, found.occurrence.key, now=now).moved_to = starts_at
    tell_going_moved(
        session,
        series=found.series,
        community_id=found.community.id,
        key=found.occurrence.key,
        starts_at=starts_at,
        now=now,
    )
