"""Finding a workspace's communities and members by what users type, and who may organise them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copbot.domain.enums import Role
from copbot.domain.errors import NotFound
from copbot.domain.recurrence import NO_OVERRIDES, next_occurrence
from copbot.domain.text import N_
from copbot.store import sessions
from copbot.store.models import Community, Member

NO_COMMUNITIES = N_("There are no communities here yet. Start one with `/cop create`.")
NAME_SHOWN_MAX = 80  # longer than any community name: echoing more of what was typed only fills the reply


@dataclass(frozen=True)
class CommunityCard:
    """What people are shown of a community: welcome posts, lists, join and leave forms, DMs."""

    id: int
    name: str
    slug: str
    purpose: str
    audience: str
    channel_id: str
    language: str
    timezone: str
    members: int = 0  # active members, when the view shows them

    @classmethod
    def of(cls, community: Community, members: int = 0) -> CommunityCard:
        return cls(**{name: getattr(community, name) for name in CARD_FIELDS}, members=members)


# The community's columns a card shows (all its fields but `members`), for queries that read only them.
CARD_FIELDS = ("id", "name", "slug", "purpose", "audience", "channel_id", "language", "timezone")


def community_card(session: Session, *, community_id: int) -> CommunityCard | None:
    """The live community's card, for a message rendered when it is sent (None: it is gone)."""
    community = session.get(Community, community_id)
    if community is None or community.archived_at is not None:
        return None
    return CommunityCard.of(community)


def communities_in(session: Session, *, team_id: str) -> list[Community]:
    """The workspace's live communities, by name."""
    query = select(Community).where(Community.team_id == team_id, Community.archived_at.is_(None))
    return list(session.scalars(query.order_by(func.lower(Community.name))))


def get_community(session: Session, *, team_id: str, community_id: int) -> Community:
    """A community by id, only if it belongs to `team_id` (ids from buttons and modals are untrusted)."""
    community = session.get(Community, community_id)
    if community is None or community.team_id != team_id or community.archived_at is not None:
        raise NotFound("That community no longer exists.")
    return community


def find_community(session: Session, *, team_id: str, name: str) -> Community:
    """A community by slug or name (case-insensitive); NotFound lists close names when there are some."""
    wanted = name.strip().lstrip("#").lower()
    communities = communities_in(session, team_id=team_id)
    for community in communities:
        if wanted in {community.slug, community.name.lower()}:
            return community
    names = {community.slug: community.slug for community in communities}
    names |= {community.name.lower(): community.slug for community in communities}
    close = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    suggestions = list(dict.fromkeys(names[match] for match in close))
    shown = name if len(name) <= NAME_SHOWN_MAX else name[:NAME_SHOWN_MAX] + "…"
    if suggestions:
        raise NotFound(
            "There is no community called “{name}” here. Did you mean {suggestions}?",
            name=shown,
            suggestions=", ".join(f"`{slug}`" for slug in suggestions),
        )
    raise NotFound("There is no community called “{name}” here. `/cop list` shows them all.", name=shown)


def chosen_community(
    session: Session, *, team_id: str, community_id: int | None, name: str | None
) -> Community | None:
    """The community a button (by id) or a command (by name) points at; None when neither names one."""
    if community_id is not None:
        return get_community(session, team_id=team_id, community_id=community_id)
    if name:
        return find_community(session, team_id=team_id, name=name)
    return None


def membership(session: Session, *, community_id: int, user_id: str) -> Member | None:
    """The person's membership row in the community, current or past (None if they never joined)."""
    query = select(Member).where(Member.community_id == community_id, Member.user_id == user_id)
    return session.scalar(query)


def is_organiser(session: Session, *, community: Community, user_id: str, is_workspace_admin: bool) -> bool:
    """Organisers of the community, and the workspace's admins and owners, may organise it."""
    if is_workspace_admin:
        return True
    member = membership(session, community_id=community.id, user_id=user_id)
    return member is not None and member.left_at is None and member.role == Role.ORGANISER


def active_members(session: Session, *, community_id: int) -> int:
    """How many people are members now (not left, not erased)."""
    query = select(func.count(Member.id)).where(Member.community_id == community_id, Member.left_at.is_(None))
    return session.scalar(query) or 0


@dataclass(frozen=True)
class UpcomingSession:
    """A community's next meetup, as the App Home and the welcome DM announce it.

    `ref` names the occurrence for its RSVP buttons (copbot.domain.sessions.OccurrenceRef).
    """

    title: str
    starts_at: datetime
    ref: str | None = None


def next_session(session: Session, *, community_id: int, now: datetime) -> UpcomingSession | None:
    """The community's next occurrence that has not started, across its series, cancellations applied."""
    series = sessions.live_series(session, community_ids=[community_id])
    overrides = sessions.overrides_of(session, [one.id for one in series])
    found = [
        (item.starts_at, one.id, one.title, item.key)
        for one in series
        if (item := next_occurrence(sessions.rule_of(one), now, overrides.get(one.id, NO_OVERRIDES)))
    ]
    if not found:
        return None
    starts_at, series_id, title, key = min(found)
    return UpcomingSession(title, starts_at, f"{series_id}:{key}")
