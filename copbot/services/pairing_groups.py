"""A round's groups as their members see them (the introduction, the follow-up) and what they answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind, Experience, PairingOutcome
from copbot.domain.errors import InvalidInput, NotAllowed, NotFound
from copbot.domain.text import N_
from copbot.services.lookup import CommunityCard
from copbot.store import pairing as store
from copbot.store.activity import record_activity
from copbot.store.models import Community, Member, PairingGroup, PairingGroupMember, PairingRound, Story

STORY_RECENT = timedelta(days=90)  # a story this recent makes a good conversation starter
LEARNED_MAX = 1000
GROUP_GONE = N_("That introduction is no longer open.")


@dataclass(frozen=True)
class Person:
    member_id: int
    user_id: str
    experience: Experience
    team: str
    interests: tuple[str, ...]


@dataclass(frozen=True)
class Intro:
    """What an introduction (and its follow-up) shows."""

    group_id: int
    community: CommunityCard
    people: tuple[Person, ...]
    reasons: tuple[dict[str, object], ...]  # as the matching gave them
    proposer: str | None  # user id
    recent_story: tuple[str, str] | None  # (author's user id, title): a starter when no interest is shared
    dm_channel_id: str | None
    outcome: PairingOutcome


@dataclass(frozen=True)
class RoundSummary:
    community: CommunityCard
    groups: int
    met: int


def intro(session: Session, *, group_id: int, now: datetime) -> Intro | None:
    group = session.get(PairingGroup, group_id)
    pairing_round = session.get(PairingRound, group.round_id) if group else None
    community = session.get(Community, pairing_round.community_id) if pairing_round else None
    if group is None or community is None or community.archived_at is not None:
        return None
    people = _people(session, group_id)
    if len(people) < 2:  # noqa: PLR2004 - someone left or was erased: nothing to introduce
        return None
    proposer = next((p.user_id for p in people if p.member_id == group.proposer_member_id), None)
    return Intro(
        group_id=group.id,
        community=CommunityCard.of(community),
        people=people,
        reasons=tuple(group.reasons),
        proposer=proposer,
        recent_story=_recent_story(session, community.id, people, now),
        dm_channel_id=group.dm_channel_id,
        outcome=group.outcome,
    )


def intro_sent(session: Session, *, group_id: int, channel_id: str, ts: str) -> None:
    group = session.get(PairingGroup, group_id)
    if group is not None:
        group.dm_channel_id, group.intro_ts = channel_id, ts


def needs_follow_up(session: Session, *, group_id: int) -> bool:
    group = session.get(PairingGroup, group_id)
    return group is not None and group.outcome is PairingOutcome.PENDING and group.dm_channel_id is not None


def followed_up(session: Session, *, group_id: int, now: datetime) -> None:
    group = session.get(PairingGroup, group_id)
    if group is not None:
        group.followed_up_at = now


def answer(
    session: Session, *, team_id: str, user_id: str, group_id: int, outcome: PairingOutcome, now: datetime
) -> None:
    """A member's answer for their group; "We met" wins over the others, whoever said it."""
    group, link = _own_group(session, team_id=team_id, user_id=user_id, group_id=group_id)
    link.answered_at = now
    member = session.get(Member, link.member_id)
    if member is not None:
        member.pairing_ignored_rounds = 0
    if group.outcome is PairingOutcome.MET:
        return
    group.outcome, group.outcome_at = outcome, now
    pairing_round = session.get(PairingRound, group.round_id)
    community = session.get(Community, pairing_round.community_id) if pairing_round else None
    if outcome is PairingOutcome.MET and community is not None:  # they all met: each counts as active
        met = select(Member.user_id).join(PairingGroupMember, PairingGroupMember.member_id == Member.id)
        for someone in session.scalars(met.where(PairingGroupMember.group_id == group.id)):
            record_activity(session, community, someone, ActivityKind.PAIR_MET, now, group_id=group.id)


def save_learned(
    session: Session, *, team_id: str, user_id: str, group_id: int, text: str, shared: bool
) -> None:
    """The optional "What did you learn or decide?", kept for the organisers' stats (shown if `shared`)."""
    if len(text) > LEARNED_MAX:
        raise InvalidInput("Please keep it under {limit} characters.", limit=LEARNED_MAX, field="learned")
    _, link = _own_group(session, team_id=team_id, user_id=user_id, group_id=group_id)
    link.learned, link.learned_shared = text.strip(), shared and bool(text.strip())


def round_summary(session: Session, *, round_id: int) -> RoundSummary | None:
    pairing_round = session.get(PairingRound, round_id)
    community = session.get(Community, pairing_round.community_id) if pairing_round else None
    if pairing_round is None or community is None or community.archived_at is not None:
        return None
    groups = store.groups_of(session, round_id=round_id)
    met = sum(group.outcome is PairingOutcome.MET for group in groups)
    return RoundSummary(CommunityCard.of(community), len(groups), met)


def _own_group(
    session: Session, *, team_id: str, user_id: str, group_id: int
) -> tuple[PairingGroup, PairingGroupMember]:
    group = session.get(PairingGroup, group_id)
    if group is None or group.team_id != team_id:
        raise NotFound(GROUP_GONE)
    query = (
        select(PairingGroupMember)
        .join(Member, Member.id == PairingGroupMember.member_id)
        .where(PairingGroupMember.group_id == group_id, Member.user_id == user_id)
    )
    link = session.scalar(query)
    if link is None:
        raise NotAllowed("Only the people introduced can answer for this group.")
    return group, link


def _people(session: Session, group_id: int) -> tuple[Person, ...]:
    query = (
        select(Member)
        .join(PairingGroupMember, PairingGroupMember.member_id == Member.id)
        .where(PairingGroupMember.group_id == group_id, Member.user_id.is_not(None))
        .order_by(Member.id)
    )
    return tuple(
        Person(m.id, m.user_id or "", m.experience, m.team_name, tuple(m.interests or ()))
        for m in session.scalars(query)
    )


def _recent_story(
    session: Session, community_id: int, people: tuple[Person, ...], now: datetime
) -> tuple[str, str] | None:
    query = (
        select(Story.author_user_id, Story.title)
        .where(
            Story.community_id == community_id,
            Story.author_user_id.in_([person.user_id for person in people]),
            Story.deleted_at.is_(None),
            Story.created_at > now - STORY_RECENT,
        )
        .order_by(Story.created_at.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return (str(row[0]), str(row[1])) if row is not None else None
