"""What a person's App Home shows: their communities and what is next in each, and the others to join."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copbot.domain.enums import Role, RsvpAnswer
from copbot.domain.membership import Profile
from copbot.domain.pairing.eligibility import is_paused
from copbot.domain.pairing.rhythm import next_slot
from copbot.domain.wallclock import LocalDay, local_day
from copbot.services.lookup import (
    UpcomingSession,
    communities_in,
    get_community,
    is_organiser,
    membership,
    next_session,
)
from copbot.services.outbox import deliver
from copbot.services.stats import Health, health_of
from copbot.store import attention
from copbot.store.models import Community, Member, Rsvp, Story

PUBLISH = "home.publish"
PUBLISH_WORTH = timedelta(hours=1)  # later than that, the person will have opened it again anyway
SHOWN_IN_FULL = 5  # communities drawn with all their details; the others fold into one line each
LATEST_STORIES = 3
ATTENTION_DAYS = timedelta(days=30)
PROMPT_ANSWER_TIME = timedelta(days=3)  # a prompt younger than that may still draw a story


class Introductions(StrEnum):
    OFF = "off"  # not taking part (their profile says so): no button
    ON = "on"
    PAUSED = "paused"


@dataclass(frozen=True)
class LatestStory:
    title: str
    permalink: str | None
    created_at: datetime


@dataclass(frozen=True)
class Attention:
    """What an organiser should look at: failed deliveries, prompts that drew nothing, a lost channel."""

    failed: int = 0
    silent_prompts: int = 0
    channel_error: str | None = None  # Slack's reason copbot can no longer post in the channel

    def __bool__(self) -> bool:
        return bool(self.failed or self.silent_prompts or self.channel_error)


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
    paused_until: LocalDay | None = None  # the day a pause with an end ends, in the community's zone
    next_round: datetime | None = None  # the community's next planned round (None: organisers start them)
    full: bool = True  # False: folded into one line (the Home's 100 blocks), only the name is filled in
    organiser: bool = False
    rsvp: RsvpAnswer | None = None  # the member's answer for the next session
    profile: Profile | None = None
    stories: tuple[LatestStory, ...] = field(default=())
    attention: Attention | None = None  # organisers only
    paused: bool = False  # the whole community is paused (its organisers' Pause button)


@dataclass(frozen=True)
class OpenCommunity:
    id: int
    name: str
    slug: str
    purpose: str


@dataclass(frozen=True)
class ArchivedCommunity:
    """An archived community the person organises: they may unarchive or delete it from their Home."""

    id: int
    name: str


@dataclass(frozen=True)
class HomeContent:
    joined: list[JoinedCommunity]
    others: list[OpenCommunity]
    archived: list[ArchivedCommunity] = field(default_factory=list)


def joined_communities(session: Session, *, team_id: str, user_id: str) -> list[Community]:
    """The workspace's live communities the person is a member of now, by name."""
    joined = select(Member.community_id).where(
        Member.team_id == team_id, Member.user_id == user_id, Member.left_at.is_(None)
    )
    ids = set(session.scalars(joined))
    return [community for community in communities_in(session, team_id=team_id) if community.id in ids]


def refresh_home(
    session: Session, *, team_id: str, user_id: str, origin: str, now: datetime, focus: int | None = None
) -> None:
    """Have the person's App Home drawn again, from the store as it is when it is sent.

    `focus`: a community to draw in full first (a folded one the person asked to see).
    """
    deliver(
        session,
        team_id=team_id,
        kind=PUBLISH,
        key=f"{PUBLISH}:{team_id}:{user_id}:{origin}",
        payload={"user_id": user_id} | ({"focus": focus} if focus is not None else {}),
        now=now,
        worth=PUBLISH_WORTH,
    )


def home_content(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    is_workspace_admin: bool,
    now: datetime,
    focus: int | None = None,
) -> HomeContent:
    joined = joined_communities(session, team_id=team_id, user_id=user_id)
    joined.sort(key=lambda community: community.id != focus)  # stable: the rest stay by name
    joined_ids = {community.id for community in joined}
    others = [c for c in communities_in(session, team_id=team_id) if c.id not in joined_ids]
    return HomeContent(
        joined=[
            _joined(session, c, user_id=user_id, is_admin=is_workspace_admin, now=now)
            if index < SHOWN_IN_FULL
            else _folded(c)
            for index, c in enumerate(joined)
        ],
        others=[OpenCommunity(id=c.id, name=c.name, slug=c.slug, purpose=c.purpose) for c in others],
        archived=_archived(session, team_id=team_id, user_id=user_id, is_admin=is_workspace_admin),
    )


def _archived(session: Session, *, team_id: str, user_id: str, is_admin: bool) -> list[ArchivedCommunity]:
    """The workspace's archived communities the person organises (all of them for its admins), by name."""
    query = select(Community.id, Community.name).where(
        Community.team_id == team_id, Community.archived_at.is_not(None)
    )
    if not is_admin:
        organised = select(Member.community_id).where(
            Member.user_id == user_id, Member.left_at.is_(None), Member.role == Role.ORGANISER
        )
        query = query.where(Community.id.in_(organised))
    rows = session.execute(query.order_by(func.lower(Community.name), Community.id))
    return [ArchivedCommunity(community_id, name) for community_id, name in rows]


def _folded(community: Community) -> JoinedCommunity:
    return JoinedCommunity(
        community.id, community.name, community.purpose, community.timezone, None, None, full=False
    )


def _joined(
    session: Session, community: Community, *, user_id: str, is_admin: bool, now: datetime
) -> JoinedCommunity:
    organiser = is_organiser(session, community=community, user_id=user_id, is_workspace_admin=is_admin)
    member = membership(session, community_id=community.id, user_id=user_id)
    introductions = _introductions(member, now)
    upcoming = next_session(session, community_id=community.id, now=now)
    return JoinedCommunity(
        id=community.id,
        name=community.name,
        purpose=community.purpose,
        timezone=community.timezone,
        next_session=upcoming,
        health=health_of(session, community_id=community.id, now=now) if organiser else None,
        introductions=introductions,
        every_other=member is not None and member.pairing_every_other,
        paused_until=_pause_end(member, introductions, community.timezone),
        next_round=None
        if community.paused_at is not None  # no round while the community is paused
        else next_slot(
            now,
            every_weeks=community.pairing_every_weeks,
            weekday=community.pairing_weekday,
            timezone=community.timezone,
        ),
        organiser=organiser,
        rsvp=_rsvp(session, upcoming, user_id),
        profile=_profile(member),
        stories=_latest_stories(session, community.id),
        attention=_attention(session, community, now) if organiser else None,
        paused=community.paused_at is not None,
    )


def _introductions(member: Member | None, now: datetime) -> Introductions:
    if member is None or not member.pairing_opt_in:
        return Introductions.OFF
    paused = is_paused(member.pairing_paused_at, member.paused_until, now)
    return Introductions.PAUSED if paused else Introductions.ON


def _pause_end(member: Member | None, introductions: Introductions, timezone: str) -> LocalDay | None:
    """The day a pause with an end ends, in the community's zone: the Slack layer writes it per reader."""
    if member is None or member.paused_until is None or introductions is not Introductions.PAUSED:
        return None
    return LocalDay(local_day(member.paused_until, timezone), timezone)


def _profile(member: Member | None) -> Profile | None:
    if member is None:
        return None
    return Profile(member.experience, member.team_name, tuple(member.interests), member.pairing_opt_in)


def _rsvp(session: Session, upcoming: UpcomingSession | None, user_id: str) -> RsvpAnswer | None:
    if upcoming is None or upcoming.ref is None:
        return None
    series_id, _, key = upcoming.ref.partition(":")
    query = select(Rsvp.answer).where(
        Rsvp.session_id == int(series_id), Rsvp.occurrence_key == key, Rsvp.user_id == user_id
    )
    return session.scalar(query)


def _latest_stories(session: Session, community_id: int) -> tuple[LatestStory, ...]:
    query = (
        select(Story.title, Story.permalink, Story.created_at)
        .where(Story.community_id == community_id, Story.deleted_at.is_(None))
        .order_by(Story.created_at.desc(), Story.id.desc())
        .limit(LATEST_STORIES)
    )
    return tuple(LatestStory(*row) for row in session.execute(query))


def _attention(session: Session, community: Community, now: datetime) -> Attention:
    since = now - ATTENTION_DAYS
    return Attention(
        failed=attention.failed_deliveries(session, community_id=community.id, since=since),
        silent_prompts=attention.silent_prompts(
            session, community_id=community.id, since=since, before=now - PROMPT_ANSWER_TIME
        ),
        channel_error=attention.channel_lost(
            session, community_id=community.id, channel_id=community.channel_id
        ),
    )


@dataclass(frozen=True)
class CommunityRef:
    """A community a Home button names, once found in the person's workspace."""

    id: int
    name: str
    slug: str


def home_community(session: Session, *, team_id: str, community_id: int) -> CommunityRef:
    community = get_community(session, team_id=team_id, community_id=community_id)
    return CommunityRef(community.id, community.name, community.slug)
