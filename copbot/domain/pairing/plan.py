"""Plan a round of introductions: who meets whom, why, and who proposes a time.

`plan_round` is pure and deterministic: the same `RoundInputs` (seed included) give the same `RoundPlan`,
so a round stores its inputs and can be replayed and explained later. What it guarantees, in this order:

1. Everybody eligible is in exactly one group; a member no group can take (everyone they could meet avoids
   them or is avoided) is listed in `unplaced` with the reason, never dropped silently.
2. No group holds a pair that either member put on their avoid list.
3. Groups have the configured size; the members left over make some groups one larger (`shape.py`).
4. Last round's extra member (a trio's third) is not in an enlarged group again, when that can be avoided.
5. As few pairs as possible meet again within the window (exact up to EXACT_UP_TO members, and with pairs
   at any size while the candidate graph allows it); then the highest total weight (`weights.py`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import combinations

from copbot.domain.pairing.exact import EXACT_UP_TO, exact_groups
from copbot.domain.pairing.graph import FRESH_TIER, PLACED_TIER, Graph, candidate_graph, weight_of
from copbot.domain.pairing.model import (
    GROUP_SIZES,
    Edge,
    Group,
    RoundInputs,
    RoundPlan,
    Unplaced,
    UnplacedReason,
)
from copbot.domain.pairing.pairs import pair_up
from copbot.domain.pairing.reasons import explain
from copbot.domain.pairing.trios import make_trios
from copbot.domain.pairing.weights import Traits

_NEVER = datetime.min.replace(tzinfo=UTC)


def plan_round(inputs: RoundInputs) -> RoundPlan:
    """The groups of this round, each with its reasons, weight and proposer; and who could not be placed."""
    _check(inputs)
    traits = Traits(inputs)
    rng = _random(inputs.seed)
    graph = candidate_graph(traits, rng)
    previous = frozenset(traits.index[m] for m in inputs.previous_extras if m in traits.index)
    groups, left = _group(graph, inputs.group_size, previous, rng)
    ranks = [rng.random() for _ in range(traits.n)]  # breaks proposer ties, from the same seed
    described = sorted(
        (_describe(inputs, graph, sorted(group), previous, ranks) for group in groups),
        key=lambda group: group.members,
    )
    why = UnplacedReason.ALONE if traits.n == 1 else UnplacedReason.AVOIDED
    return RoundPlan(
        groups=tuple(described),
        unplaced=tuple(Unplaced(traits.members[i].member_id, why) for i in sorted(left)),
        total_weight=sum(group.weight for group in described),
        repeats=sum(not traits.fresh(a, b) for group in groups for a, b in combinations(group, 2)),
    )


def candidate_edges(inputs: RoundInputs) -> tuple[Edge, ...]:
    """The pairs `plan_round` considers on these inputs, with their weights.

    This is the graph to give an exact solver when judging the matching's quality. Small communities
    consider every allowed pair.
    """
    _check(inputs)
    traits = Traits(inputs)
    graph = candidate_graph(traits, _random(inputs.seed))
    ids = [member.member_id for member in traits.members]
    return tuple(
        Edge(ids[i], ids[j], weight_of(score), score >= PLACED_TIER + FRESH_TIER)
        for i, scores in enumerate(graph.adj)
        for j, score in scores.items()
        if i < j
    )


def pair_weights(inputs: RoundInputs, pairs: Iterable[tuple[int, int]]) -> tuple[int, ...]:
    """The weight of each pair of member ids on these inputs, candidate or not (to weigh other groupings)."""
    _check(inputs)
    traits = Traits(inputs)
    return tuple(traits.weight(traits.index[a], traits.index[b]) for a, b in pairs)


def _random(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - seeded so that a round can be replayed; nothing secret


def _check(inputs: RoundInputs) -> None:
    if inputs.group_size not in GROUP_SIZES:
        raise ValueError(f"group size must be one of {GROUP_SIZES}, not {inputs.group_size}")
    if inputs.now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if len({member.member_id for member in inputs.members}) != len(inputs.members):
        raise ValueError("each member may be eligible once")


def _group(
    graph: Graph, size: int, previous: frozenset[int], rng: random.Random
) -> tuple[list[tuple[int, ...]], list[int]]:
    if graph.traits.n <= EXACT_UP_TO:
        return exact_groups(graph, size, previous, rng)
    if size == 2:  # noqa: PLR2004 - pairs
        return pair_up(graph, rng, previous)
    return make_trios(graph, rng, previous)


def _describe(
    inputs: RoundInputs, graph: Graph, group: Sequence[int], previous: frozenset[int], ranks: list[float]
) -> Group:
    traits = graph.traits
    ids = tuple(traits.members[i].member_id for i in group)
    pairs = list(combinations(group, 2))
    extra = _extra(graph, group, previous) if len(group) > inputs.group_size else None
    return Group(
        members=ids,
        weight=sum(traits.weight(a, b) for a, b in pairs),
        reasons=tuple(reason for a, b in pairs for reason in explain(traits, a, b)),
        proposer=traits.members[_proposer(inputs, traits, group, ranks)].member_id,
        extra=None if extra is None else traits.members[extra].member_id,
    )


def _extra(graph: Graph, group: Sequence[int], previous: frozenset[int]) -> int:
    """Who counts as the member beyond the size: one who was not last round, the least tied to the rest."""
    return min(group, key=lambda m: (m in previous, sum(graph.value(m, o) for o in group if o != m), -m))


def _proposer(inputs: RoundInputs, traits: Traits, group: Sequence[int], ranks: list[float]) -> int:
    """Who proposes a time: whoever did it least recently; a newcomer only when everyone else did it later."""
    last = inputs.last_proposed
    return min(
        group,
        key=lambda i: (last.get(traits.members[i].member_id, _NEVER), traits.newcomer[i], ranks[i]),
    )
