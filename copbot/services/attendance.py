"""Organisers mark who came to a session, where their community asks for it; the stats read it as activity.

Marking again replaces the last marking: each person's `rsvps.attended` and the occurrence's ATTENDED
activity rows (data {"occurrence": "<series id>:<local date>"}, at the session's start) are written anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from copbot.domain.attendance import (
    ATTENDED,
    NOT_MARKED_HERE,
    NOT_MEMBERS,
    NOT_STARTED,
    ORGANISERS_MARK,
    parse_attended,
)
from copbot.domain.enums import ActivityKind
from copbot.domain.errors import InvalidInput, NotAllowed
from copbot.domain.sessions import OccurrenceRef
from copbot.services.communities import Actor
from copbot.services.lookup import is_organiser
from copbot.services.sessions import Found, find, view_of
from copbot.services.sessions_view import OccurrenceView
from copbot.store import attendance as store
from copbot.store import sessions as series_store
from copbot.store.activity import record_activity
from copbot.store.models import Community, Member


@dataclass(frozen=True)
class AttendanceForm:
    """The "who came?" modal: which session, and who it shows as having come to begin with."""

    community_id: int
    view: OccurrenceView
    came: list[str]  # those marked last time; before any marking, those who said Going


def attendance_form(
    session: Session, *, team_id: str, actor: Actor, ref: str | None, now: datetime
) -> AttendanceForm:
    found = _markable(session, team_id=team_id, actor=actor, ref=ref, now=now)
    series, key = found.series, found.occurrence.key
    came = store.attended_ids(session, series_id=series.id, key=key)
    if not came:
        came = series_store.going_ids(session, series_id=series.id, key=key)
    return AttendanceForm(found.community.id, view_of(session, found), came)


def mark_attendance(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    community_id: int,
    ref: str | None,
    picked: Sequence[object],
    now: datetime,
) -> int:
    """Keep who came (members of the community only); how many came."""
    found = _markable(session, team_id=team_id, actor=actor, ref=ref, community_id=community_id, now=now)
    came = _members(session, community=found.community, user_ids=parse_attended(picked))
    series, key = found.series, found.occurrence.key
    # Two organisers marking at once: one after the other, so the last marking is the one kept.
    series_store.lock_series(session, series_id=series.id)
    store.put_attended(session, series=series, key=key, came=came, now=now)
    occurrence = str(OccurrenceRef(series_store.ref_id(series), key))
    store.forget_attended(session, community_id=found.community.id, occurrence=occurrence)
    for user_id in came:
        record_activity(
            session,
            found.community,
            user_id,
            ActivityKind.ATTENDED,
            found.occurrence.starts_at,
            session_id=series_store.ref_id(series),
            occurrence=occurrence,
        )
    return len(came)


def _markable(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    ref: str | None,
    now: datetime,
    community_id: int | None = None,
) -> Found:
    """The occurrence, if its community marks attendance, the actor organises it, and it has started."""
    found = find(session, team_id=team_id, ref=ref, community_id=community_id, held=True)
    community = found.community
    if not community.mark_attendance:
        raise NotAllowed(NOT_MARKED_HERE, name=community.name)
    organiser = actor.is_active and is_organiser(
        session, community=community, user_id=actor.user_id, is_workspace_admin=actor.is_admin
    )
    if not organiser:
        raise NotAllowed(ORGANISERS_MARK, name=community.name)
    if found.occurrence.starts_at > now:
        raise InvalidInput(NOT_STARTED)
    return found


def _members(session: Session, *, community: Community, user_ids: list[str]) -> dict[str, int]:
    """Each person's member id, in the order picked; InvalidInput if any of them is not a member."""
    query = select(Member.user_id, Member.id).where(
        Member.community_id == community.id, Member.user_id.in_(user_ids), Member.left_at.is_(None)
    )
    members = {user: member for user, member in session.execute(query) if user is not None}
    if any(user not in members for user in user_ids):
        raise InvalidInput(NOT_MEMBERS, field=ATTENDED, name=community.name)
    return {user: members[user] for user in user_ids}
