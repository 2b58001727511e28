"""Trios for a large community: the best pairs as cores, a third for each, the rest as fourths, then swaps.

1. The pair auction pairs everyone (`auction.py`); the n // 3 best pairs become the cores of the trios.
2. Each core bids for one of the other members (an auction again: a member's worth is its weight with both
   members of the core); those left, n % 3 of them, join trios as fourths.
3. Swaps: two members of different groups trade places when that raises the score, which counts the groups'
   pairs (first meetings first) and keeps last round's fourths out of this round's groups of four. Small
   communities look at every member; large ones around the groups of four, where last round's fourths
   may sit.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from copbot.domain.pairing.auction import auction, auction_pairs
from copbot.domain.pairing.graph import ALL_PAIRS_UP_TO, EXTRA_TIER, Graph, weight_of
from copbot.domain.pairing.matching import UNMATCHED
from copbot.domain.pairing.worklist import Worklist

TRIO = 3
_FREE = -1


class _Trios:
    def __init__(self, graph: Graph, previous_extras: frozenset[int]) -> None:
        self.graph = graph
        self.previous_extras = previous_extras
        self.groups: list[list[int]] = []
        self.group_of = [_FREE] * graph.traits.n

    def form(self, members: list[int]) -> None:
        for member in members:
            self.group_of[member] = len(self.groups)
        self.groups.append(members)

    def join(self, member: int, group: int) -> None:
        self.group_of[member] = group
        self.groups[group].append(member)


def make_trios(
    graph: Graph, rng: random.Random, previous_extras: frozenset[int]
) -> tuple[list[tuple[int, ...]], list[int]]:
    """Trios (groups of four for the members left over), and the members nobody could take."""
    n = graph.traits.n
    order = list(range(n))
    rng.shuffle(order)
    trios = _Trios(graph, previous_extras)
    singles = _cores(trios, auction_pairs(graph, order)[0], n // TRIO)
    left = _thirds(trios, singles)
    unplaced = [member for member in left if not _join_best(trios, member)]
    everyone = n <= ALL_PAIRS_UP_TO
    fourths = (m for group in trios.groups if len(group) > TRIO for m in group)
    _improve(trios, range(n) if everyone else list(fourths), spread=everyone)
    return [tuple(group) for group in trios.groups], unplaced


def _cores(trios: _Trios, mate: list[int], count: int) -> list[int]:
    """Keep the `count` best pairs as cores; everyone else is single, the members of the best pairs first."""
    score = trios.graph.score
    pairs = sorted(((score(i, j), i, j) for i, j in enumerate(mate) if i < j), reverse=True)
    for _, i, j in pairs[:count]:
        trios.form([i, j])
    return [member for _, i, j in pairs[count:] for member in (i, j)] + [
        i for i, j in enumerate(mate) if j == UNMATCHED
    ]


def _thirds(trios: _Trios, singles: list[int]) -> list[int]:
    """Each core bids for the single worth most to it; the singles no core took.

    There are at least as many singles as cores, so prices stay low and the bidding short.
    """
    graph, allowed, score = trios.graph, trios.graph.traits.allowed, trios.graph.score
    number = {single: k for k, single in enumerate(singles)}
    partners, values = [], []
    for g, (a, b) in enumerate(trios.groups):  # cores are pairs still
        near = sorted({number[s] for m in (a, b) for s in graph.adj[m] if s in number})
        fits = [k for k in near if allowed(singles[k], a) and allowed(singles[k], b)]
        partners.append([*fits, len(singles) + g])  # len(singles) + g: no third, which no other core can take
        values.append([weight_of(score(singles[k], a)) + weight_of(score(singles[k], b)) for k in fits] + [0])
    holder = auction(
        partners, values, list(range(len(trios.groups))), objects=len(singles) + len(trios.groups)
    )
    for k, single in enumerate(singles):
        if holder[k] != UNMATCHED:
            trios.join(single, holder[k])
    return [single for k, single in enumerate(singles) if holder[k] == UNMATCHED]


def _join_best(trios: _Trios, member: int) -> bool:
    """Add `member` to the group it suits best, smaller groups first; False when all of them avoid it."""
    graph, allowed = trios.graph, trios.graph.traits.allowed
    near = {trios.group_of[a] for a in graph.adj[member]} - {_FREE}
    for keys in (sorted(near), range(len(trios.groups))):
        fits = [g for g in keys if all(allowed(member, other) for other in trios.groups[g])]
        if fits:
            trios.join(member, max(fits, key=lambda g: _join_key(trios, g, member)))
            return True
    return False


def _join_key(trios: _Trios, group: int, member: int) -> tuple[int, int]:
    members = trios.groups[group]
    return (-len(members), sum(trios.graph.score(member, other) for other in members))


def _improve(trios: _Trios, start: Iterable[int], *, spread: bool) -> None:
    """Swap members between groups while a swap gains.

    With `spread` (small communities), each member is looked at again when a swap near it may have opened
    a gain; otherwise only the members of `start` are looked at.
    """
    adj, group_of = trios.graph.adj, trios.group_of
    todo = Worklist(len(group_of), (member for member in start if group_of[member] != _FREE))
    for v in todo:
        u = _best_swap(trios, v)
        if u == _FREE:
            continue
        _swap(trios, v, u)
        if spread:
            near = (w for m in (*trios.groups[group_of[v]], *trios.groups[group_of[u]]) for w in (m, *adj[m]))
            todo.extend(w for w in near if group_of[w] != _FREE)


def _best_swap(trios: _Trios, v: int) -> int:
    """The candidate partner of v in another group whose place v should take, or _FREE when none gains."""
    group_of = trios.group_of
    best_gain, best_u = 0, _FREE
    for u in trios.graph.adj[v]:
        if group_of[u] not in (_FREE, group_of[v]):
            gain = _swap_gain(trios, v, u)
            if gain > best_gain:
                best_gain, best_u = gain, u
    return best_u


def _swap_gain(trios: _Trios, v: int, u: int) -> int:
    graph = trios.graph
    mine, theirs = trios.groups[trios.group_of[v]], trios.groups[trios.group_of[u]]
    gain = sum(graph.value(u, w) - graph.value(v, w) for w in mine if w != v)
    gain += sum(graph.value(v, w) - graph.value(u, w) for w in theirs if w != u)
    penalty = EXTRA_TIER * ((v in trios.previous_extras) - (u in trios.previous_extras))
    return gain + penalty * ((len(mine) > TRIO) - (len(theirs) > TRIO))


def _swap(trios: _Trios, v: int, u: int) -> None:
    group_v, group_u = trios.group_of[v], trios.group_of[u]
    mine, theirs = trios.groups[group_v], trios.groups[group_u]
    mine[mine.index(v)] = u
    theirs[theirs.index(u)] = v
    trios.group_of[v], trios.group_of[u] = group_u, group_v
