"""What a pairing round takes in and gives back: plain data, so a round can be stored, replayed and explained.

A round stores its `RoundInputs` (seed included, see `replay.py`); `plan_round` on the same inputs gives the
same groups, which is how a round is replayed and how "why were we put together" is answered later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from copbot.domain.enums import Experience

# Bumped whenever the same inputs could give different groups; a stored round keeps the version it ran with.
PAIRING_VERSION = 1

GROUP_SIZES = (2, 3)


@dataclass(frozen=True)
class PairingMember:
    """One member eligible for this round, as the matching sees them."""

    member_id: int
    experience: Experience  # NEW is the member saying they are new to this
    joined_at: datetime
    team: str = ""  # empty when unknown
    time_zone: str | None = None  # IANA name as Slack gives it; None or unknown names count as unknown
    interests: tuple[str, ...] = ()


@dataclass(frozen=True)
class PastGroup:
    """A group of an earlier round: who was in it and when the round ran."""

    round_at: datetime
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class RoundInputs:
    """Everything a round depends on. `now` and every datetime are timezone-aware."""

    members: tuple[PairingMember, ...]
    group_size: int  # 2 or 3, the community's choice
    now: datetime
    seed: int
    history: tuple[PastGroup, ...] = ()  # the last year is enough: older meetings count as first meetings
    # Who was added beyond the group size last round (the third of a trio of pairs, the fourth of trios).
    previous_extras: frozenset[int] = frozenset()
    avoids: frozenset[tuple[int, int]] = frozenset()  # (member, someone on their private avoid list)
    last_proposed: Mapping[int, datetime] = field(default_factory=dict)  # when each last proposed a time


class ReasonCode(StrEnum):
    FIRST_MEETING = "first_meeting"
    MET_BEFORE = "met_before"  # only when no grouping without it was found
    NEWCOMER_WITH_EXPERIENCED = "newcomer_with_experienced"
    DIFFERENT_TEAMS = "different_teams"
    HOURS_OVERLAP = "hours_overlap"
    SHARED_INTERESTS = "shared_interests"


@dataclass(frozen=True)
class Reason:
    """One thing that weighed for a pair inside a group, with the data to say it in words."""

    code: ReasonCode
    pair: tuple[int, int]  # member ids, smaller first
    points: int  # what it added to the pair's weight
    last_met: datetime | None = None  # MET_BEFORE: when the pair last met
    newcomer: int | None = None  # NEWCOMER_WITH_EXPERIENCED: who is new; the other one is the guide
    guide_experience: Experience | None = None  # NEWCOMER_WITH_EXPERIENCED
    teams: tuple[str, ...] = ()  # DIFFERENT_TEAMS: the two teams, in `pair` order
    overlap_minutes: int = 0  # HOURS_OVERLAP: shared working time on the round's day
    interests: tuple[str, ...] = ()  # SHARED_INTERESTS: as the first member of `pair` spells them


@dataclass(frozen=True)
class Group:
    members: tuple[int, ...]  # member ids, ascending
    weight: int  # the sum of its pairs' weights
    reasons: tuple[Reason, ...]
    proposer: int  # asked to propose a time: the member who did it least recently
    extra: int | None = None  # the member beyond the group size (a trio's third), stored for next round


class UnplacedReason(StrEnum):
    ALONE = "alone"  # the only eligible member
    AVOIDED = "avoided"  # every possible group holds someone on their avoid list, or who avoids them


@dataclass(frozen=True)
class Unplaced:
    member_id: int
    reason: UnplacedReason


@dataclass(frozen=True)
class RoundPlan:
    groups: tuple[Group, ...]  # ordered by their smallest member id
    unplaced: tuple[Unplaced, ...]
    total_weight: int
    repeats: int  # pairs inside groups that met within the repeat window
    version: int = PAIRING_VERSION


@dataclass(frozen=True)
class Edge:
    """A pair the matching considers, with its weight: what the benchmark hands to an exact solver."""

    a: int  # member ids, a < b
    b: int
    weight: int
    first_meeting: bool
