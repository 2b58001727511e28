"""What a person's App Home shows: their communities and what is next in each, and the others to join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from copbot.services.lookup import UpcomingSession, communities_in, is_organiser, next_session
from copbot.services.outbox import deliver
from copbot.services.stats import Health, health_of
from copbot.store.models import Community, Member

PUBLISH = "home.publish"
PUBLISH_WORTH = timedelta(hours=1)  # later than that, the person will have opened it again anyway


@dataclass(frozen=True)
class JoinedCommunity:
    id: int
    name: str
    purpose: str
    timezone: str
    next_session: UpcomingSession | None
    health: Health | None  # only for the community's organisers (the same figures as /cop stats)


@dataclass(frozen=True)
class OpenCommunity:
    id: int
    name: str
    slug: str
    purpose: str


@dataclass(frozen=True)
class HomeContent:
    joined: list[JoinedCommunity]
    others: list[OpenCommunity]


def joined_communities(session: Session, *, team_id: str, user_id: str) -> list[Community]:
    """The workspace's live communities the person is a member of now, by name."""
    joined = select(Member.community_id).where(
        Member.team_id == team_id, Member.user_id == user_id, Member.left_at.is_(None)
    )
    ids = set(session.scalars(joined))
    return [community for community in communities_in(session, team_id=team_id) if community.id in ids]


def refresh_home(session: Session, *, team_id: str, user_id: str, origin: str, now: datetime) -> None:
    """Have the person's App Home drawn again, from the store as it is when it is sent."""
    deliver(
        session,
        team_id=team_id,
        kind=PUBLISH,
        key=f"{PUBLISH}:{team_id}:{user_id}:{origin}",
        payload={"user_id": user_id},
        now=now,
        worth=PUBLISH_WORTH,
    )


def home_content(
    session: Session, *, team_id: str, user_id: str, is_workspace_admin: bool, now: datetime
) -> HomeContent:
    joined = joined_communities(session, team_id=team_id, user_id=user_id)
    joined_ids = {community.id for community in joined}
    others = [c for c in communities_in(session, team_id=team_id) if c.id not in joined_ids]
    return HomeContent(
        joined=[_joined(session, c, user_id=user_id, is_admin=is_workspace_admin, now=now) for c in joined],
        others=[OpenCommunity(id=c.id, name=c.name, slug=c.slug, purpose=c.purpose) for c in others],
    )


def _joined(
    session: Session, community: Community, *, user_id: str, is_admin: bool, now: datetime
) -> JoinedCommunity:
    organiser = is_organiser(session, community=community, user_id=user_id, is_workspace_admin=is_admin)
    return JoinedCommunity(
        id=community.id,
        name=community.name,
        purpose=community.purpose,
        timezone=community.timezone,
        next_session=next_session(session, community_id=community.id, now=now),
        health=health_of(session, community_id=community.id, now=now) if organiser else None,
    )
