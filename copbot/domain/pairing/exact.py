"""The best grouping of a small community, found exactly.

Up to EXACT_UP_TO members, every grouping is within reach of a search over subsets: the lowest member still
to place either joins one of the groups it can be in, or is left out. Small communities are where repeats are
hardest to avoid and each round matters most, so they get the optimum, not an approximation.
"""

from __future__ import annotations

import random
from itertools import combinations

from copbot.domain.pairing.graph import EXTRA_TIER, PLACED_TIER, SHAPE_TIER, Graph
from copbot.domain.pairing.shape import SHAPE_COSTS

EXACT_UP_TO = 10  # about 50,000 steps at 10 members; each member more doubles it

Option = tuple[int, int, tuple[int, ...]]  # (members as a bit mask, value, members)


def exact_groups(
    graph: Graph, size: int, previous_extras: frozenset[int], rng: random.Random
) -> tuple[list[tuple[int, ...]], list[int]]:
    """The groups of highest total value, and the members no group could take."""
    options = _options(graph, size, previous_extras)
    for choices in options:
        rng.shuffle(choices)  # among equal groupings, the seed chooses
    best: dict[int, tuple[int, tuple[int, ...] | None]] = {0: (0, None)}

    def solve(mask: int) -> int:
        if mask in best:
            return best[mask][0]
        low = (mask & -mask).bit_length() - 1
        result: tuple[int, tuple[int, ...] | None] = (solve(mask & ~(1 << low)) - PLACED_TIER, None)
        for bits, value, members in options[low]:
            if bits & mask == bits:
                total = solve(mask & ~bits) + value
                if total > result[0]:
                    result = (total, members)
        best[mask] = result
        return result[0]

    everyone = (1 << graph.traits.n) - 1
    solve(everyone)
    return _unfold(best, everyone)


def _options(graph: Graph, size: int, previous_extras: frozenset[int]) -> list[list[Option]]:
    """For each member, the groups it can lead (be the lowest member of), with their values."""
    n = graph.traits.n
    options: list[list[Option]] = [[] for _ in range(n)]
    for members_count, cost in SHAPE_COSTS[size].items():
        for members in combinations(range(n), members_count):
            value = group_value(graph, members)
            if value < 0:
                continue  # holds an avoided pair
            if members_count > size:
                value -= EXTRA_TIER * len(previous_extras.intersection(members))
            bits = sum(1 << i for i in members)
            options[members[0]].append((bits, value - SHAPE_TIER * cost, members))
    return options


def group_value(graph: Graph, members: tuple[int, ...] | list[int]) -> int:
    """The sum of the group's pair values: negative when it holds an avoided pair."""
    return sum(graph.value(a, b) for a, b in combinations(members, 2))


def _unfold(
    best: dict[int, tuple[int, tuple[int, ...] | None]], mask: int
) -> tuple[list[tuple[int, ...]], list[int]]:
    groups: list[tuple[int, ...]] = []
    left: list[int] = []
    while mask:
        members = best[mask][1]
        if members is None:
            low = (mask & -mask).bit_length() - 1
            left.append(low)
            mask &= ~(1 << low)
        else:
            groups.append(members)
            mask &= ~sum(1 << i for i in members)
    return groups, left
