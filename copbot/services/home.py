"""What a person's App Home shows: their communities and what is next in each, and the others to join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from copbot.domain.pairing.eligibility import is_paused
from copbot.domain.pairing.rhythm import next_slot
from copbot.services.lookup import UpcomingSession, communities_in, is_organiser, membership, next_session
from copbot.services.outbox import deliver
from copbot.services.stats import Health, health_of
from copbot.store.models import Community, Member

PUBLISH = "home.publish"
PUBLISH_WORTH = timedelta(hours=1)  # later than that, the person will have opened it again anyway


class Introductions(StrEnum):
    OFF = "off"  # not taking part (their profile says so): no button
    ON = "on"
    PAUSED = "paused"


@dataclass(frozen=True)
class JoinedCommunity:
    id: int
    name: str
    purpose: str
    timezone: str
    next_session: UpcomingSession | None
    health: Health | None  # only for the community's organisers (the same figures as /cop stats)
    introductions: Introductions = Introductions.OFF  # the member's pairing here, for its Pause/Resume button
    every_other: bool = False  # introduced every other round only
    paused_until: datetime | None = None  # when a pause with an end ends
    next_round: datetime | None = None  # the community's next planned round (None: organisers start them)


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
    member = membership(session, community_id=community.id, user_id=user_id)
    introductions = _introductions(member, now)
    return JoinedCommunity(
        id=community.id,
        name=community.name,
        purpose=community.purpose,
        timezone=community.timezone,
        next_session=next_session(session, community_id=community.id, now=now),
        health=health_of(session, community_id=community.id, now=now) if organiser else None,
        introductions=introductions,
        every_other=member is not None and member.pairing_every_other,
        paused_until=member.paused_until if member and introductions is Introductions.PAUSED else None,
        next_round=next_slot(
            now,
            every_weeks=community.pairing_every_weeks,
            weekday=community.pairing_weekday,
            timezone=community.timezone,
        ),
    )


def _introductions(member: Member | None, now: datetime) -> Introductions:
    if member is None or not member.pairing_opt_in:
        return Introductions.OFF
    paused = is_paused(member.pairing_paused_at, member.paused_until, now)
    return Introductions.PAUSED if paused else Introductions.ON
