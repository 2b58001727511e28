"""Pairs for a large community: an auction, augmenting paths, local improvement, and the trio's third.

1. An auction gives pairs of near-maximum weight on the candidate graph (`auction.py`).
2. Augmenting paths over first meetings, then over every candidate pair, bring the number of pairs to the
   most the graph allows: the path of best gain (`paths.py`), or else any path (`blossom.py`). Anyone still
   unpaired meets another unpaired member directly, or through a swap with a pair, since outside the graph
   anyone may meet anyone they do not avoid.
3. Local improvement around what the auction left unsettled and the repairs changed (`matching.py`).
4. With an odd count, the one left joins the pair it suits best, as a trio's third; when that member was
   the third last round (or fits nowhere), a partner swap makes someone else the third.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from copbot.domain.pairing.auction import auction_pairs
from copbot.domain.pairing.blossom import Neighbours, augment_from
from copbot.domain.pairing.graph import EXTRA_TIER, FRESH_TIER, PLACED_TIER, Graph
from copbot.domain.pairing.matching import UNMATCHED, improve_pairs
from copbot.domain.pairing.paths import augment_best

_FIRST_MEETING_SCORE = PLACED_TIER + FRESH_TIER


def pair_up(
    graph: Graph, rng: random.Random, previous_extras: frozenset[int]
) -> tuple[list[tuple[int, ...]], list[int]]:
    """Pairs (and trios where the count or avoid lists need them), and the members nobody could take."""
    n = graph.traits.n
    order = list(range(n))
    rng.shuffle(order)
    mate, unsettled = auction_pairs(graph, order)
    before = mate[:]
    _fill(graph, mate, spare=n % 2)
    improve_pairs(graph, mate, [*unsettled, *(i for i in range(n) if mate[i] != before[i])])
    left = [i for i in range(n) if mate[i] == UNMATCHED]
    if n % 2 and left:
        left[0] = _choose_third(graph, mate, left[0], previous_extras)
    groups = {i: [i, mate[i]] for i in range(n) if i < mate[i]}  # by their lowest member
    unplaced = []
    for member in left:
        joined = _best_group(graph, mate, groups, member, previous_extras)
        if joined is None:
            unplaced.append(member)
        else:
            groups[joined].append(member)
    return [tuple(group) for group in groups.values()], unplaced


def _fill(graph: Graph, mate: list[int], *, spare: int) -> None:
    """Pair as many as possible: by first meetings first, then by any allowed pair."""
    adj = graph.adj
    for i, partner in enumerate(mate):
        if partner != UNMATCHED and graph.score(i, partner) < _FIRST_MEETING_SCORE:
            mate[i] = UNMATCHED  # a repeat: see first whether first meetings can place both

    def first_meetings(v: int) -> Iterator[int]:
        return (j for j, score in adj[v].items() if score >= _FIRST_MEETING_SCORE)

    _augment(graph, mate, first_meetings, spare=spare)
    _augment(graph, mate, lambda v: adj[v], spare=spare)
    _pair_leftovers(graph, mate, spare=spare)


def _augment(graph: Graph, mate: list[int], neighbours: Neighbours, *, spare: int) -> None:
    """From each unpaired member, while more than `spare` are: the best path, or else any path.

    Edmonds' guarantee holds per member: when no path leaves it now, none will after other paths are
    taken; so one look at each gives the most pairs the graph allows.
    """
    unpaired = [i for i, partner in enumerate(mate) if partner == UNMATCHED]
    left = len(unpaired)
    for root in unpaired:
        if left <= spare:
            return
        if mate[root] == UNMATCHED and (
            augment_best(graph, mate, root, neighbours) or augment_from(root, mate, neighbours)
        ):
            left -= 2


def _pair_leftovers(graph: Graph, mate: list[int], *, spare: int) -> None:
    """Outside the candidate graph: pair unpaired members together, directly or by a swap with a pair."""
    traits = graph.traits
    left = [i for i, partner in enumerate(mate) if partner == UNMATCHED]
    while len(left) > spare:
        u = left.pop(0)
        fits = [v for v in left if traits.allowed(u, v)]
        if fits:
            v = max(fits, key=lambda v: graph.score(u, v))
            left.remove(v)
            mate[u], mate[v] = v, u
            continue
        v = next((v for v in left if _swap_in(graph, mate, u, v)), UNMATCHED)
        if v != UNMATCHED:
            left.remove(v)


def _swap_in(graph: Graph, mate: list[int], u: int, v: int) -> bool:
    """Pair u and v with the two members of one pair, (u, x) and (y, v), when none of it is avoided."""
    allowed = graph.traits.allowed
    for x, y in enumerate(mate):
        if y == UNMATCHED:
            continue
        if allowed(u, x) and allowed(y, v):
            mate[u], mate[x], mate[y], mate[v] = x, u, v, y
            return True
    return False


def _choose_third(graph: Graph, mate: list[int], first: int, previous_extras: frozenset[int]) -> int:
    """Who becomes the trio's third: the unpaired member, or someone one partner swap frees.

    Each option is valued by the swap's cost, the best pair the third can join, and whether it was the
    third last round; the swaps are tried in place and undone.
    """
    pairs = {i: [i, mate[i]] for i in range(len(mate)) if i < mate[i]}
    best_value, best = _third_value(graph, mate, pairs, first, previous_extras), (first, UNMATCHED)
    for taken in list(graph.adj[first]):
        third = mate[taken]
        if third == UNMATCHED:
            continue
        _swap(mate, pairs, first, taken, third)
        value = graph.score(first, taken) - graph.score(taken, third)
        value += _third_value(graph, mate, pairs, third, previous_extras)
        _swap(mate, pairs, third, taken, first)
        if value > best_value:
            best_value, best = value, (third, taken)
    third, taken = best
    if taken != UNMATCHED:
        _swap(mate, pairs, first, taken, third)
    return third


def _swap(mate: list[int], pairs: dict[int, list[int]], joining: int, member: int, leaving: int) -> None:
    """`joining` takes `leaving`'s place beside `member`."""
    del pairs[min(member, leaving)]
    mate[member], mate[joining], mate[leaving] = joining, member, UNMATCHED
    pairs[min(member, joining)] = [min(member, joining), max(member, joining)]


def _third_value(
    graph: Graph, mate: list[int], pairs: dict[int, list[int]], third: int, previous_extras: frozenset[int]
) -> int:
    joined = _best_group(graph, mate, pairs, third, previous_extras)
    if joined is None:
        return -PLACED_TIER
    returning = len(previous_extras.intersection((*pairs[joined], third)))
    return sum(graph.score(third, other) for other in pairs[joined]) - EXTRA_TIER * returning


def _best_group(
    graph: Graph, mate: list[int], groups: dict[int, list[int]], member: int, previous_extras: frozenset[int]
) -> int | None:
    """The group `member` suits best, by its lowest member; None when all of them avoid it.

    Pairs come before trios, then groups that do not make one of last round's extras part of a trio
    again, then the score. The groups of its candidate partners are looked at first, every group only when
    none of those fits without bringing back last round's extra.
    """
    near = sorted({min(a, mate[a]) for a in graph.adj[member] if mate[a] != UNMATCHED})
    best = None
    for keys in (near, list(groups)):
        fits = [key for key in keys if _fits(graph, groups[key], member)]
        if fits:
            best = max(fits, key=lambda key: _join_key(graph, groups[key], member, previous_extras))
            if not previous_extras.intersection((*groups[best], member)):
                return best
    return best


def _fits(graph: Graph, group: list[int], member: int) -> bool:
    allowed = graph.traits.allowed
    return all(allowed(member, other) for other in group)


def _join_key(
    graph: Graph, group: list[int], member: int, previous_extras: frozenset[int]
) -> tuple[int, int, int]:
    returning = len(previous_extras.intersection((*group, member)))
    return (-len(group), -returning, sum(graph.score(member, other) for other in group))
