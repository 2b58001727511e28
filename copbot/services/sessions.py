"""A community's sessions: listing what is next, and finding the occurrence a button or form names.

Sessions are series (copbot.domain.recurrence): each occurrence is computed from its series' rule in the
series' zone, with the cancelled and moved dates applied. Buttons and forms name an occurrence by a
reference ("<series id>:<local date>") that is untrusted: it is checked against the workspace, the
community the form was opened for, and the dates the rule gives. Planning and changing them:
`copbot.services.session_planning`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from sqlalchemy.orm import Session

from copbot.domain.errors import InvalidInput, NotFound
from copbot.domain.recurrence import NO_OVERRIDES, Occurrence, next_occurrences, occurrence
from copbot.domain.sessions import UNKNOWN_SESSION, OccurrenceRef, parse_occurrence_ref
from copbot.domain.text import N_
from copbot.services.communities import Actor, choose_community
from copbot.services.lookup import get_community, is_organiser
from copbot.services.sessions_view import OccurrenceView
from copbot.services.stories import CommunityChoice, shareable_community
from copbot.store import sessions as store
from copbot.store.models import Community, Meetup

PAGE_SIZE = 5
PAGES_MAX = 20  # 100 sessions ahead is as far as anyone pages
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
class Found:
    """An occurrence a reference named, checked: its series, community and (moved or not) start."""

    series: Meetup
    community: Community
    occurrence: Occurrence
    cancelled: bool = False  # only for notices: `find` never returns a cancelled occurrence


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
        ref=str(OccurrenceRef(store.ref_id(series), item.key)),
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
        cancelled=found.cancelled,
    )


def find(
    session: Session,
    *,
    team_id: str,
    ref: str | None,
    community_id: int | None = None,
    now: datetime | None = None,
    held: bool = False,
) -> Found:
    """The occurrence a button or form names, only in this workspace (and community, when the form says).

    With `now`, an occurrence that has started is refused: it can no longer be changed or answered. With
    `held`, one that started before its whole series was cancelled is still found (what people took away
    from it, who came).
    """
    parsed = parse_occurrence_ref(ref)
    series = _holding(session, session.get(Meetup, parsed.series_id), parsed.key)
    if series is None or series.team_id != team_id or (series.cancelled_at is not None and not held):
        raise NotFound(UNKNOWN_SESSION)
    if community_id is not None and series.community_id != community_id:
        raise NotFound(UNKNOWN_SESSION)
    community = get_community(session, team_id=team_id, community_id=series.community_id)
    overrides = store.overrides_of(session, [series.id]).get(series.id, NO_OVERRIDES)
    item = occurrence(store.rule_of(series), parsed.key, overrides)
    if item is None or (series.cancelled_at is not None and item.starts_at >= series.cancelled_at):
        raise NotFound(UNKNOWN_SESSION)
    if now is not None and item.starts_at <= now:
        raise InvalidInput(STARTED)
    return Found(series, community, item)


@dataclass(frozen=True)
class TakeawayTarget:
    series_id: int
    community: CommunityChoice


def takeaway_target(session: Session, *, team_id: str, user_id: str, ref: str | None) -> TakeawayTarget:
    """Where a takeaway from this session is shared: its community, if the person is a member."""
    found = find(session, team_id=team_id, ref=ref, held=True)
    community = shareable_community(
        session, team_id=team_id, user_id=user_id, community_id=found.community.id
    )
    return TakeawayTarget(store.ref_id(found.series), community)


def shown_occurrence(
    session: Session, *, series_id: int, key: str, starts_at: datetime | None = None
) -> Found | None:
    """An occurrence as a notice about it shows it, cancelled or not (None once the series is gone).

    A date an edit dropped from the rule is shown at the start it had: kept in its change as `moved_to`,
    or given as `starts_at` by the notice.
    """
    series = session.get(Meetup, series_id)
    community = session.get(Community, series.community_id) if series is not None else None
    if series is None or community is None or community.archived_at is not None:
        return None
    change = store.change_of(session, series_id=series.id, key=key)
    item = occurrence(store.rule_of(series), key)
    if change is not None and change.moved_to is not None:
        item = Occurrence(key, change.moved_to, moved=True)
    if item is None and starts_at is not None:
        item = Occurrence(key, starts_at)
    if item is None:
        return None
    ended = series.cancelled_at is not None and item.starts_at >= series.cancelled_at
    cancelled = ended or (change is not None and change.cancelled_at is not None)
    return Found(series, community, item, cancelled=cancelled)


def _holding(session: Session, series: Meetup | None, key: str) -> Meetup | None:
    """The series whose rule gives the date: the one named, or the part of it that holds its past."""
    if series is None or _gives(series, key):
        return series
    return next((part for part in store.parts_of(session, series_id=series.id) if _gives(part, key)), series)


def _gives(series: Meetup, key: str) -> bool:
    return occurrence(store.rule_of(series), key) is not None


def _organises(session: Session, community: Community, actor: Actor) -> bool:
    return actor.is_active and is_organiser(
        session, community=community, user_id=actor.user_id, is_workspace_admin=actor.is_admin
    )
