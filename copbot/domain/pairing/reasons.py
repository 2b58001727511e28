"""Why two members were put together: the reasons behind a pair's weight, with the data to say them."""

from __future__ import annotations

from copbot.domain.pairing.model import Reason, ReasonCode
from copbot.domain.pairing.weights import (
    DIFFERENT_TEAMS,
    FIRST_MEETING,
    OVERLAP_PER_HOUR,
    SHARED_INTEREST,
    SHARED_INTERESTS_COUNTED,
    Traits,
    fold,
    guide_points,
)


def explain(traits: Traits, i: int, j: int) -> tuple[Reason, ...]:
    """The reasons behind `traits.weight(i, j)`: their points add up to it."""
    a, b = sorted((i, j))  # indices follow member ids
    pair = (traits.members[a].member_id, traits.members[b].member_id)
    return (
        _novelty(traits, a, b, pair),
        *_guide(traits, a, b, pair),
        *_teams(traits, a, b, pair),
        *_hours(traits, a, b, pair),
        *_interests(traits, a, b, pair),
    )


def _novelty(traits: Traits, a: int, b: int, pair: tuple[int, int]) -> Reason:
    met_at = traits.met.get(traits.key(a, b))
    if met_at is None:
        return Reason(ReasonCode.FIRST_MEETING, pair, FIRST_MEETING)
    return Reason(ReasonCode.MET_BEFORE, pair, traits.fade(met_at), last_met=met_at)


def _guide(traits: Traits, a: int, b: int, pair: tuple[int, int]) -> list[Reason]:
    """The guide reason, told from the side that weighed (the newcomer's, when both are new)."""
    for newcomer, guide in ((a, b), (b, a)):
        points = guide_points(traits.role[newcomer], traits.role[guide])
        if points and points >= guide_points(traits.role[guide], traits.role[newcomer]):
            who, level = traits.members[newcomer].member_id, traits.members[guide].experience
            return [
                Reason(
                    ReasonCode.NEWCOMER_WITH_EXPERIENCED, pair, points, newcomer=who, guide_experience=level
                )
            ]
    return []


def _teams(traits: Traits, a: int, b: int, pair: tuple[int, int]) -> list[Reason]:
    if not (traits.team[a] and traits.team[b] and traits.team[a] != traits.team[b]):
        return []
    teams = (traits.members[a].team, traits.members[b].team)
    return [Reason(ReasonCode.DIFFERENT_TEAMS, pair, DIFFERENT_TEAMS, teams=teams)]


def _hours(traits: Traits, a: int, b: int, pair: tuple[int, int]) -> list[Reason]:
    minutes = traits.overlap(a, b)
    if not minutes:
        return []
    return [Reason(ReasonCode.HOURS_OVERLAP, pair, minutes * OVERLAP_PER_HOUR // 60, overlap_minutes=minutes)]


def _interests(traits: Traits, a: int, b: int, pair: tuple[int, int]) -> list[Reason]:
    if not traits.interests[a] & traits.interests[b]:
        return []
    theirs = {fold(interest) for interest in traits.members[b].interests}
    shared = tuple(dict.fromkeys(tag for tag in traits.members[a].interests if fold(tag) in theirs))
    points = min(len(shared), SHARED_INTERESTS_COUNTED) * SHARED_INTEREST
    return [Reason(ReasonCode.SHARED_INTERESTS, pair, points, interests=shared)]
