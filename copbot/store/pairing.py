"""Pairing queries: the candidates of a round, the history the matching weighs, avoid lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copbot.domain.enums import PairingOutcome
from copbot.domain.pairing import PastGroup
from copbot.domain.pairing.eligibility import Candidate
from copbot.domain.pairing.weights import REPEAT_WINDOW
from copbot.store.models import (
    Community,
    Delivery,
    Member,
    PairingAvoid,
    PairingGroup,
    PairingGroupMember,
    PairingRound,
)


def last_round(session: Session, *, community_id: int) -> PairingRound | None:
    query = select(PairingRound).where(PairingRound.community_id == community_id)
    return session.scalar(query.order_by(PairingRound.slot_start.desc(), PairingRound.id.desc()).limit(1))


def candidates(session: Session, *, community_id: int) -> list[Candidate]:
    """Every current member of the community, with what the store's eligibility rules need."""
    previous = last_round(session, community_id=community_id)
    in_last = set() if previous is None else set(round_member_ids(session, round_id=previous.id))
    query = select(Member).where(Member.community_id == community_id, Member.left_at.is_(None))
    return [
        Candidate(
            member_id=member.id,
            user_id=member.user_id,
            opted_in=member.pairing_opt_in,
            left=member.left_at is not None,
            paused_at=member.pairing_paused_at,
            paused_until=member.paused_until,
            every_other_round=member.pairing_every_other,
            in_last_round=member.id in in_last,
        )
        for member in session.scalars(query.order_by(Member.id))
    ]


def round_member_ids(session: Session, *, round_id: int) -> list[int]:
    query = (
        select(PairingGroupMember.member_id)
        .join(PairingGroup, PairingGroup.id == PairingGroupMember.group_id)
        .where(PairingGroup.round_id == round_id)
    )
    return list(session.scalars(query))


def history(session: Session, *, community_id: int, now: datetime) -> tuple[PastGroup, ...]:
    """The community's groups of the last year, for the matching's repeat rule."""
    query = (
        select(PairingRound.slot_start, PairingGroup.id, PairingGroupMember.member_id)
        .join(PairingGroup, PairingGroup.round_id == PairingRound.id)
        .join(PairingGroupMember, PairingGroupMember.group_id == PairingGroup.id)
        .where(PairingRound.community_id == community_id, PairingRound.slot_start > now - REPEAT_WINDOW)
    )
    groups: dict[int, tuple[datetime, list[int]]] = {}
    for at, group_id, member_id in session.execute(query):
        groups.setdefault(group_id, (at, []))[1].append(member_id)
    return tuple(PastGroup(at, tuple(sorted(ids))) for _, (at, ids) in sorted(groups.items()))


def previous_extras(session: Session, *, community_id: int) -> frozenset[int]:
    previous = last_round(session, community_id=community_id)
    if previous is None:
        return frozenset()
    query = select(PairingGroup.extra_member_id).where(
        PairingGroup.round_id == previous.id, PairingGroup.extra_member_id.is_not(None)
    )
    return frozenset(member_id for member_id in session.scalars(query) if member_id is not None)


def last_proposed(session: Session, *, member_ids: Iterable[int]) -> dict[int, datetime]:
    """When each member was last asked to propose a time."""
    query = (
        select(PairingGroup.proposer_member_id, func.max(PairingRound.slot_start))
        .join(PairingRound, PairingRound.id == PairingGroup.round_id)
        .where(PairingGroup.proposer_member_id.in_(list(member_ids)))
        .group_by(PairingGroup.proposer_member_id)
    )
    return {member_id: at for member_id, at in session.execute(query) if member_id is not None}


def avoided_pairs(session: Session, *, team_id: str, members: dict[str, int]) -> frozenset[tuple[int, int]]:
    """(member, member they avoid) among `members` (user id → member id), from the workspace's avoid lists."""
    query = select(PairingAvoid.user_id, PairingAvoid.avoided_user_id).where(PairingAvoid.team_id == team_id)
    return frozenset(
        (members[user], members[avoided])
        for user, avoided in session.execute(query)
        if user in members and avoided in members
    )


def avoided_users(session: Session, *, team_id: str, user_id: str) -> list[str]:
    query = select(PairingAvoid.avoided_user_id).where(
        PairingAvoid.team_id == team_id, PairingAvoid.user_id == user_id
    )
    return list(session.scalars(query.order_by(PairingAvoid.created_at)))


def group_user_ids(session: Session, *, group_id: int) -> dict[int, str]:
    """member id → user id of a group's members (erased members are left out)."""
    query = (
        select(Member.id, Member.user_id)
        .join(PairingGroupMember, PairingGroupMember.member_id == Member.id)
        .where(PairingGroupMember.group_id == group_id)
        .order_by(Member.id)
    )
    return {member_id: user_id for member_id, user_id in session.execute(query) if user_id}


def rounds_to_close(session: Session, *, now: datetime) -> list[PairingRound]:
    query = select(PairingRound).where(PairingRound.closed_at.is_(None), PairingRound.ends_at <= now)
    return list(session.scalars(query.order_by(PairingRound.id)))


def groups_of(session: Session, *, round_id: int) -> list[PairingGroup]:
    return list(session.scalars(select(PairingGroup).where(PairingGroup.round_id == round_id)))


class RoundPart(NamedTuple):
    """A member's part in a round: did the introduction reach them, did they answer, did their group meet."""

    member: Member
    intro_sent: bool
    answered: bool
    met: bool


def round_parts(session: Session, *, round_id: int) -> list[RoundPart]:
    query = (
        select(Member, PairingGroup.intro_ts, PairingGroupMember.answered_at, PairingGroup.outcome)
        .join(PairingGroupMember, PairingGroupMember.member_id == Member.id)
        .join(PairingGroup, PairingGroup.id == PairingGroupMember.group_id)
        .where(PairingGroup.round_id == round_id)
        .order_by(Member.id)
    )
    return [
        RoundPart(member, intro_ts is not None, answered_at is not None, outcome is PairingOutcome.MET)
        for member, intro_ts, answered_at, outcome in session.execute(query)
    ]


def is_planned(session: Session, *, work_keys: list[str]) -> bool:
    """Whether a delivery with one of these work keys exists (asked before a round's heavier checks)."""
    query = select(Delivery.id).where(Delivery.work_key.in_(work_keys)).limit(1)
    return session.scalar(query) is not None


def communities_with_rounds(session: Session) -> list[Community]:
    """Communities with a rhythm of rounds whose schedule runs (not archived, not paused)."""
    query = select(Community).where(
        Community.archived_at.is_(None), Community.paused_at.is_(None), Community.pairing_every_weeks > 0
    )
    return list(session.scalars(query.order_by(Community.id)))
