"""Helpers for the pairing tests: members and histories to build inputs from, an exact oracle, and `texts`.

The oracle tries every grouping of a small community into the planned sizes, so it states the best a round
can do without sharing any of the module's search code; it reads pair weights from `candidate_edges`, which
for a small community lists every allowed pair.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import combinations
from typing import Any

from hypothesis import strategies as st

from copbot.domain.enums import Experience
from copbot.domain.pairing import PairingMember, PastGroup, RoundInputs, candidate_edges, planned_sizes

NOW = datetime(2025, 3, 20, 9, 0, tzinfo=UTC)  # a Thursday, between the US and EU summer-time changes
LONG_AGO = NOW - timedelta(days=400)
ZONES = ("Europe/Paris", "America/New_York", "Asia/Tokyo", "Europe/London", None)
TEAMS = ("core", "web", "data", "")
TAGS = ("python", "testing", "ux", "sql")


def member(
    member_id: int,
    experience: Experience = Experience.PRACTISING,
    *,
    joined_at: datetime = LONG_AGO,
    team: str = "",
    time_zone: str | None = None,
    interests: tuple[str, ...] = (),
) -> PairingMember:
    return PairingMember(member_id, experience, joined_at, team, time_zone, interests)


def inputs(members: Sequence[PairingMember], group_size: int = 2, **more: object) -> RoundInputs:
    fields: dict[str, object] = {"now": NOW, "seed": 7} | more
    return RoundInputs(members=tuple(members), group_size=group_size, **fields)


def groups_of(plan_groups: Sequence[object]) -> set[frozenset[int]]:
    return {frozenset(group.members) for group in plan_groups}


def pairs_in(group: Sequence[int]) -> Iterator[tuple[int, int]]:
    yield from combinations(sorted(group), 2)


@st.composite
def communities(
    draw: st.DrawFn,
    *,
    sizes: tuple[int, int],
    group_sizes: tuple[int, ...] = (2, 3),
    avoids: bool = True,
    rounds: tuple[int, int] = (0, 6),
    even: bool = False,
) -> RoundInputs:
    """A random community: members, weekly rounds of history, last round's extra, perhaps avoid lists."""
    count = 2 * draw(st.integers(sizes[0] // 2, sizes[1] // 2)) if even else draw(st.integers(*sizes))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    members = [
        member(
            member_id,
            draw(st.sampled_from(Experience)),
            joined_at=NOW - timedelta(days=draw(st.integers(1, 500))),
            team=draw(st.sampled_from(TEAMS)),
            time_zone=draw(st.sampled_from(ZONES)),
            interests=tuple(draw(st.sets(st.sampled_from(TAGS), max_size=3))),
        )
        for member_id in ids
    ]
    history = []
    for weeks in range(1, draw(st.integers(*rounds)) + 1):
        order = draw(st.permutations(ids))
        at = NOW - timedelta(weeks=weeks)
        history += [PastGroup(at, tuple(order[k : k + 2])) for k in range(0, len(order) - 1, 2)]
    avoided = (
        draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3)) if avoids else set()
    )
    return inputs(
        members,
        draw(st.sampled_from(group_sizes)),
        seed=draw(st.integers(0, 2**32)),
        history=tuple(history),
        previous_extras=frozenset({draw(st.sampled_from(ids))}),  # as after a round with a trio
        avoids=frozenset(avoided),
    )


@dataclass(frozen=True)
class Best:
    """The best any grouping into the planned sizes can do, by the rules' order."""

    extras_again: int  # last round's extras in an enlarged group again
    repeats: int
    weight: int


def best_grouping(round_inputs: RoundInputs) -> Best | None:
    """Try every grouping into the planned sizes with no avoided pair; None when there is none."""
    edges = {(edge.a, edge.b): edge for edge in candidate_edges(round_inputs)}
    ids = sorted(m.member_id for m in round_inputs.members)
    sizes = planned_sizes(len(ids), round_inputs.group_size)
    best: tuple[int, int, int] | None = None
    for grouping in _groupings(ids, sorted(sizes)):
        if any(pair not in edges for group in grouping for pair in pairs_in(group)):
            continue
        extras = sum(
            len(round_inputs.previous_extras & set(group))
            for group in grouping
            if len(group) > round_inputs.group_size
        )
        pairs = [edges[pair] for group in grouping for pair in pairs_in(group)]
        key = (-extras, -sum(not edge.first_meeting for edge in pairs), sum(edge.weight for edge in pairs))
        best = key if best is None or key > best else best
    return None if best is None else Best(-best[0], -best[1], best[2])


def _groupings(ids: list[int], sizes: list[int]) -> Iterator[list[tuple[int, ...]]]:
    """Every way to split `ids` into groups of `sizes` (each size used once per entry)."""
    if not ids:
        yield []
        return
    first, rest = ids[0], ids[1:]
    for size in sorted(set(sizes)):
        left = list(sizes)
        left.remove(size)
        for others in combinations(rest, size - 1):
            remaining = [i for i in rest if i not in others]
            for grouping in _groupings(remaining, left):
                yield [(first, *others), *grouping]


def texts(message: dict[str, Any]) -> str:
    """Every text of a message, its blocks included, joined: what the reader sees."""
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        parts.append((block.get("text") or {}).get("text", ""))
        parts += [
            element.get("text", "")
            for element in block.get("elements", [])
            if isinstance(element.get("text"), str)
        ]
        parts += [
            (element.get("text") or {}).get("text", "")
            for element in block.get("elements", [])
            if isinstance(element.get("text"), dict)
        ]
    return "\n".join(parts)
