"""Planning a community's sessions: listing what is next, planning a series, moving and cancelling.

Sessions are series (copbot.domain.recurrence): each occurrence is computed from its series' rule in the
series' zone, with the cancelled and moved dates applied. Buttons and forms name an occurrence by a
reference ("<series id>:<local date>") that is untrusted: it is checked against the workspace, the
community the form was opened for, and the dates the rule gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from copbot.domain import sessions as fields
from copbot.domain.enums import ActivityKind, Repeat
from copbot.domain.errors import CopbotError, FieldErrors, InvalidInput, NotFound
from copbot.domain.recurrence import NO_OVERRIDES, Occurrence, Overrides, next_occurrences, occurrence
from copbot.domain.sessions import (
    UNKNOWN_SESSION,
    OccurrenceRef,
    SessionDraft,
    parse_occurrence_ref,
    validate_series_change,
    validate_session,
)
from copbot.domain.text import N_
from copbot.services.communities import Actor, check_organiser, choose_community
from copbot.services.lookup import get_community, is_organiser
from copbot.services.outbox import deliver
from copbot.services.sessions_view import OccurrenceView, SessionFormValues
from copbot.services.stories import CommunityChoice, shareable_community
from copbot.store import sessions as store
from copbot.store.activity import record_activity
from copbot.store.models import Community, SessionChange
from copbot.store.models import Session as Series

PAGE_SIZE = 5
PAGES_MAX = 20  # 100 sessions ahead is as far as anyone pages
CANCELLED = "sessions.cancelled"  # the notice in the channel
MOVED_DM = "sessions.moved"  # the note to each person going
NOTICE_WORTH = timedelta(hours=12)
STARTED = N_("That session has already started: it can no longer be changed.")


@dataclass(frozen=True)
class SessionPage:
    """One page of a community's upcoming sessions; `next_page` when there are more."""

    community_id: int
    community_name: str
    slug: str
    manage: bool
    views: list[OccurrenceView]
    next_page: int | None


@dataclass(frozen=True)
class SessionForm:
    """What the plan or edit modal needs: whose it is, in which zone, pre-filled with what."""

    community_id: int
    zone: str
    values: SessionFormValues
    ref: str | None = None  # the occurrence being edited


@dataclass(frozen=True)
class Found:
    """An occurrence a reference named, checked: its series, community and (moved or not) start."""

    series: Series
    community: Community
    occurrence: Occurrence


def list_sessions(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    name: str | None,
    community_id: int | None,
    page: int,
    now: datetime,
) -> SessionPage:
    """The community's sessions still to start, PAGE_SIZE a page, in time order."""
    if community_id is not None:
        community = get_community(session, team_id=team_id, community_id=community_id)
    else:
        community = choose_community(session, team_id=team_id, actor=actor, name=name, organised_only=False)
    page = min(max(page, 0), PAGES_MAX - 1)
    found = upcoming(session, community, now=now, limit=PAGE_SIZE * (page + 1) + 1)
    shown = found[PAGE_SIZE * page : PAGE_SIZE * (page + 1)]
    return SessionPage(
        community_id=community.id,
        community_name=community.name,
        slug=community.slug,
        manage=_organises(session, community, actor),
        views=[view_of(session, item) for item in shown],
        next_page=page + 1 if len(found) > PAGE_SIZE * (page + 1) and page + 1 < PAGES_MAX else None,
    )


def upcoming(session: Session, community: Community, *, now: datetime, limit: int) -> list[Found]:
    """The community's next `limit` occurrences starting after `now`, across its series, in time order."""
    series = store.live_series(session, community_ids=[community.id])
    overrides = store.overrides_of(session, [s.id for s in series])
    found = [
        Found(one, community, item)
        for one in series
        for item in next_occurrences(store.rule_of(one), now, limit, overrides.get(one.id, NO_OVERRIDES))
    ]
    return list(islice(sorted(found, key=lambda f: (f.occurrence.starts_at, f.series.id)), limit))


def view_of(session: Session, found: Found) -> OccurrenceView:
    """The occurrence as messages show it, with the answers stored now."""
    series, item = found.series, found.occurrence
    answers = store.answers(session, series_id=series.id, key=item.key)
    return OccurrenceView(
        ref=str(OccurrenceRef(series.id, item.key)),
        title=series.title,
        agenda=series.description,
        starts_at=item.starts_at,
        duration_minutes=series.duration_minutes,
        place=series.location,
        timezone=found.community.timezone,
        going=answers.going,
        going_count=len(answers.going),
        maybe_count=answers.maybe,
        cant_count=answers.cant,
    )


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


def find(
    session: Session,
    *,
    team_id: str,
    ref: str | None,
    community_id: int | None = None,
    now: datetime | None = None,
) -> Found:
    """The occurrence a button or form names, only in this workspace (and community, when the form says).

    With `now`, an occurrence that has started is refused: it can no longer be changed or answered.
    """
    parsed = parse_occurrence_ref(ref)
    series = session.get(Series, parsed.series_id)
    if series is None or series.team_id != team_id or series.cancelled_at is not None:
        raise NotFound(UNKNOWN_SESSION)
    if community_id is not None and series.community_id != community_id:
        raise NotFound(UNKNOWN_SESSION)
    community = get_community(session, team_id=team_id, community_id=series.community_id)
    overrides = store.overrides_of(session, [series.id]).get(series.id, NO_OVERRIDES)
    item = occurrence(store.rule_of(series), parsed.key, overrides)
    if item is None:
        raise NotFound(UNKNOWN_SESSION)
    if now is not None and item.starts_at <= now:
        raise InvalidInput(STARTED)
    return Found(series, community, item)


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

    Those going to a moved session are told by DM; its reminders follow its new time (the planner).
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


@dataclass(frozen=True)
class TakeawayTarget:
    series_id: int
    community: CommunityChoice


def takeaway_target(session: Session, *, team_id: str, user_id: str, ref: str | None) -> TakeawayTarget:
    """Where a takeaway from this session is shared: its community, if the person is a member."""
    found = find(session, team_id=team_id, ref=ref)
    community = shareable_community(
        session, team_id=team_id, user_id=user_id, community_id=found.community.id
    )
    return TakeawayTarget(found.series.id, community)


def _move(session: Session, found: Found, starts_at: datetime, *, now: datetime) -> None:
    change = _change(session, found.series, found.occurrence.key, now=now)
    change.moved_to = starts_at
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


def shown_occurrence(session: Session, *, series_id: int, key: str) -> Found | None:
    """An occurrence as a notice about it shows it, cancelled or not (None once the series is gone)."""
    series = session.get(Series, series_id)
    community = session.get(Community, series.community_id) if series is not None else None
    if series is None or community is None or community.archived_at is not None:
        return None
    moved = store.overrides_of(session, [series.id]).get(series.id, NO_OVERRIDES).moved
    item = occurrence(store.rule_of(series), key, Overrides(moved=moved))
    return None if item is None else Found(series, community, item)


def _organises(session: Session, community: Community, actor: Actor) -> bool:
    return actor.is_active and is_organiser(
        session, community=community, user_id=actor.user_id, is_workspace_admin=actor.is_admin
    )
