"""Joining and leaving communities: the member rows, the activity log, and what the person is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind, Role
from copbot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from copbot.domain.membership import Profile
from copbot.services import channels, outbox
from copbot.services.helped import REFRESH, refresh_post
from copbot.services.home import refresh_home
from copbot.services.lookup import (
    NO_COMMUNITIES,
    CommunityCard,
    UpcomingSession,
    chosen_community,
    communities_in,
    get_community,
    membership,
    next_session,
)
from copbot.store import turnout
from copbot.store.activity import record_activity
from copbot.store.models import Activity, Community, Meetup, Member, Rsvp, Story, StoryHelped
from copbot.store.upsert import insert_if_absent


class JoinOutcome(StrEnum):
    NEW = "new"
    REJOINED = "rejoined"
    UPDATED = "updated"


LOGGED_AS = {
    JoinOutcome.NEW: ActivityKind.JOINED,
    JoinOutcome.REJOINED: ActivityKind.REJOINED,
    JoinOutcome.UPDATED: ActivityKind.PROFILE_UPDATED,
}


WELCOME_DM = "membership.welcome"
PROFILE_UPDATED_DM = "membership.profile_updated"
FAREWELL_DM = "membership.farewell"
JOINER_OFFER = "membership.joiner_offer"
OFFER_WORTH = timedelta(minutes=10)  # an offer to someone who just walked into the channel, or never


@dataclass(frozen=True)
class Welcome:
    community: CommunityCard
    outcome: JoinOutcome
    next_session: UpcomingSession | None


class MembershipSlack(Protocol):
    """What joining asks of Slack during the request (copbot.slack.gateways.membership)."""

    def is_active_person(self, user_id: str) -> bool:
        """True for a human whose account is not deactivated."""
        ...


@dataclass(frozen=True)
class JoinForm:
    """What the join modal needs: a fixed community, or the choices; the profile to pre-fill."""

    community: CommunityCard | None
    choices: tuple[CommunityCard, ...]
    profile: Profile | None
    updating: bool


@dataclass(frozen=True)
class LeaveForm:
    community: CommunityCard
    active: bool  # False: a former member who asks to be erased
    erase: bool


def join_form(
    session: Session, *, team_id: str, user_id: str, name: str | None = None, community_id: int | None = None
) -> JoinForm:
    """The community named (by name or id), the only one there is, or else all of them to pick from."""
    community = chosen_community(session, team_id=team_id, community_id=community_id, name=name)
    if community is None:
        communities = communities_in(session, team_id=team_id)
        if not communities:
            raise NotFound(NO_COMMUNITIES)
        if len(communities) > 1:
            return JoinForm(None, tuple(map(CommunityCard.of, communities)), None, updating=False)
        community = communities[0]
    member = membership(session, community_id=community.id, user_id=user_id)
    profile = _profile_of(member) if member is not None else None
    updating = member is not None and member.left_at is None
    return JoinForm(CommunityCard.of(community), (), profile, updating=updating)


def join(
    session: Session,
    slack: MembershipSlack,
    *,
    team_id: str,
    user_id: str,
    community_id: int,
    profile: Profile,
    origin: str,
    now: datetime,
) -> JoinOutcome:
    """Store the membership (new, restored or updated); the invitation and the DM follow the commit."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    if not slack.is_active_person(user_id):
        raise NotAllowed("Only people with an active Slack account can join a community.")
    outcome = _store_join(session, community, user_id, profile, now)
    if outcome is JoinOutcome.UPDATED:
        _dm(session, community, user_id, PROFILE_UPDATED_DM, origin=origin, now=now)
    else:
        channels.invite(
            session, community=community, user_id=user_id, origin=origin, now=now, tell_if_refused=True
        )
        _dm(session, community, user_id, WELCOME_DM, origin=origin, now=now, outcome=outcome.value)
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)
    return outcome


def welcome(session: Session, *, community_id: int, outcome: str, now: datetime) -> Welcome | None:
    """What the welcome DM says, as things are when it is sent (None if the community is gone)."""
    community = session.get(Community, community_id)
    if community is None or community.archived_at is not None:
        return None
    upcoming = next_session(session, community_id=community.id, now=now)
    return Welcome(CommunityCard.of(community), JoinOutcome(outcome), upcoming)


def _dm(
    session: Session,
    community: Community,
    user_id: str,
    kind: str,
    *,
    origin: str,
    now: datetime,
    **details: object,
) -> None:
    outbox.deliver(
        session,
        team_id=community.team_id,
        kind=kind,
        key=f"{kind}:{community.id}:{user_id}:{origin}",
        payload={"community_id": community.id, "user_id": user_id, **details},
        now=now,
        community_id=community.id,
    )


def leave_form(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    erase: bool,
    name: str | None = None,
    community_id: int | None = None,
) -> LeaveForm:
    """The membership to leave (or erase), refused early when leaving is not possible."""
    community = chosen_community(session, team_id=team_id, community_id=community_id, name=name)
    if community is None:
        community = _only_membership(session, team_id=team_id, user_id=user_id, erase=erase)
    member = _membership_to_leave(session, community, user_id, erase=erase)
    return LeaveForm(CommunityCard.of(community), active=member.left_at is None, erase=erase)


def leave(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    community_id: int,
    erase: bool,
    origin: str,
    now: datetime,
) -> None:
    """Mark the member as left (history stays for stats); `erase` also anonymises what they left behind."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    member = _membership_to_leave(session, community, user_id, erase=erase)
    if member.left_at is None:
        member.left_at = now
        member.pairing_opt_in = False
        member.role = Role.MEMBER
        record_activity(session, community, user_id, ActivityKind.LEFT, now)
    if erase:
        _erase(session, community, member, user_id, now)
    session.flush()
    _dm(session, community, user_id, FAREWELL_DM, origin=origin, now=now, erased=erase)
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)


def welcome_channel_joiner(
    session: Session,
    slack: MembershipSlack,
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    origin: str,
    now: datetime,
) -> None:
    """Someone joined a community's channel directly: offer them each community that lives there."""
    communities = _communities_to_offer(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
    if communities and slack.is_active_person(user_id):
        outbox.deliver(
            session,
            team_id=team_id,
            kind=JOINER_OFFER,
            key=f"{JOINER_OFFER}:{channel_id}:{user_id}:{origin}",
            payload={
                "channel_id": channel_id,
                "user_id": user_id,
                "community_ids": [c.id for c in communities],
            },
            now=now,
            worth=OFFER_WORTH,
        )


def joiner_offer(
    session: Session, *, team_id: str, channel_id: str, user_id: str, community_ids: list[int]
) -> list[CommunityCard]:
    """The communities still worth offering when the offer is sent (not joined since, not gone)."""
    offered = _communities_to_offer(session, team_id=team_id, channel_id=channel_id, user_id=user_id)
    return [card for card in offered if card.id in community_ids]


def _profile_of(member: Member) -> Profile:
    interests = tuple(member.interests or ())
    return Profile(member.experience, member.team_name, interests, pairing=member.pairing_opt_in)


def _store_join(
    session: Session, community: Community, user_id: str, profile: Profile, now: datetime
) -> JoinOutcome:
    member = membership(session, community_id=community.id, user_id=user_id)
    # Two submissions at once (a double click): the unique (community, user) key lets one insert win.
    inserted = member is None and _insert_member(session, community, user_id, now)
    member = member or membership(session, community_id=community.id, user_id=user_id)
    assert member is not None
    if inserted:
        outcome = JoinOutcome.NEW
    else:
        outcome = JoinOutcome.UPDATED if member.left_at is None else JoinOutcome.REJOINED
    member.left_at = None
    member.experience = profile.experience
    member.team_name = profile.team_name
    member.interests = list(profile.interests)
    member.pairing_opt_in = profile.pairing
    record_activity(session, community, user_id, LOGGED_AS[outcome], now)
    session.flush()
    return outcome


def _insert_member(session: Session, community: Community, user_id: str, now: datetime) -> bool:
    return insert_if_absent(
        session,
        Member,
        ["community_id", "user_id"],
        team_id=community.team_id,
        community_id=community.id,
        user_id=user_id,
        role=Role.MEMBER,
        joined_at=now,
    )


def _communities_to_offer(
    session: Session, *, team_id: str, channel_id: str, user_id: str
) -> list[CommunityCard]:
    active = exists().where(
        Member.community_id == Community.id, Member.user_id == user_id, Member.left_at.is_(None)
    )
    query = select(Community).where(
        Community.team_id == team_id,
        Community.channel_id == channel_id,
        Community.archived_at.is_(None),
        ~active,
    )
    return [CommunityCard.of(community) for community in session.scalars(query.order_by(Community.name))]


def _only_membership(session: Session, *, team_id: str, user_id: str, erase: bool) -> Community:
    """The one community the person is in (when erasing: was ever in, and not yet erased from)."""
    query = (
        select(Community)
        .join(Member, and_(Member.community_id == Community.id, Member.user_id == user_id))
        .where(Community.team_id == team_id, Community.archived_at.is_(None))
        .order_by(func.lower(Community.name))
    )
    if not erase:
        query = query.where(Member.left_at.is_(None))
    communities = list(session.scalars(query))
    if not communities:
        raise NotFound("You are not a member of any community here. `/cop list` shows them all.")
    if len(communities) > 1:
        example = f"/cop leave {communities[0].slug}" + (" --erase" if erase else "")
        raise InvalidInput(
            "You are in several communities: {communities}. Say which one, for example `{example}`.",
            communities=", ".join(f"`{community.slug}`" for community in communities),
            example=example,
        )
    return communities[0]


def _membership_to_leave(session: Session, community: Community, user_id: str, *, erase: bool) -> Member:
    member = membership(session, community_id=community.id, user_id=user_id)
    if member is None or (member.left_at is not None and not erase):
        raise NotFound("You are not a member of “{name}”.", name=community.name)
    if member.left_at is None and _is_last_organiser(session, member):
        raise Conflict(
            "You are the last organiser of “{name}”. Add another organiser first: "
            "`/cop organisers add @someone`.",
            name=community.name,
        )
    return member


def _is_last_organiser(session: Session, member: Member) -> bool:
    if member.role != Role.ORGANISER:
        return False
    # Locking the organisers' rows makes two organisers leaving at once see each other (PostgreSQL).
    organisers = select(Member.id).where(
        Member.community_id == member.community_id,
        Member.role == Role.ORGANISER,
        Member.left_at.is_(None),
    )
    return len(session.scalars(organisers.with_for_update()).all()) <= 1


def _erase(session: Session, community: Community, member: Member, user_id: str, now: datetime) -> None:
    """Remove the profile and take the person's id off everything they did in this community."""
    member.user_id = None
    member.team_name = ""
    member.interests = []
    member.pairing_opt_in = False
    member.erased_at = now
    session.flush()
    sessions = select(Meetup.id).where(Meetup.community_id == community.id)
    stories = select(Story.id).where(Story.community_id == community.id)
    anonymise = (
        update(Story)
        .where(Story.community_id == community.id, Story.author_user_id == user_id)
        .values(author_user_id=None),
        update(Rsvp)
        .where(Rsvp.team_id == community.team_id, Rsvp.user_id == user_id, Rsvp.session_id.in_(sessions))
        .values(user_id=None),
        update(Activity)
        .where(Activity.community_id == community.id, Activity.user_id == user_id)
        .values(user_id=None),
        update(StoryHelped)
        .where(StoryHelped.user_id == user_id, StoryHelped.story_id.in_(stories))
        .values(user_id=None),
    )
    posted = select(Story).where(
        Story.community_id == community.id, Story.author_user_id == user_id, Story.deleted_at.is_(None)
    )
    redrawn = list(session.scalars(posted))
    for statement in anonymise:
        session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()  # the anonymised stories are read again before their posts are redrawn
    for story in redrawn:  # the channel posts name "a former member" from now on
        refresh_post(session, story, key=f"{REFRESH}:{story.id}:erased", now=now)
    turnout.anonymise(session, community_id=community.id, user_id=user_id)
    _forget_as_actor(session, community, user_id)
    record_activity(session, community, None, ActivityKind.ERASED, now)


def _forget_as_actor(session: Session, community: Community, user_id: str) -> None:
    """The organiser changes they made stay logged, without who made them (`data["by"]`)."""
    made = select(Activity).where(
        Activity.community_id == community.id,
        Activity.kind.in_((ActivityKind.ORGANISER_ADDED, ActivityKind.ORGANISER_REMOVED)),
    )
    for entry in session.scalars(made):
        if entry.data.get("by") == user_id:
            entry.data = {**entry.data, "by": None}
