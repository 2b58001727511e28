"""Pairs of near-maximum score: an auction on the bipartite double cover, then its cycles split into pairs.

Greedy pairing with local swaps stayed about 1 % below the best total on the sparse candidate graph (4 %
for greedy alone): what it misses lies on long alternating cycles no local move sees. An auction
(Bertsekas) sees them. Each member bids for a partner at a price, and outbidding raises prices until
everyone holds a partner worth within ε of the most to them at the going prices.

The auction assigns each member a partner on a "double cover", where i taking j does not make j take i, so
its answer is a set of cycles: mostly 2-cycles (pairs), a few longer ones. An even cycle splits into two
sets of pairs, the better one kept; an odd cycle leaves one member out, the one whose absence costs least;
a member assigned to itself (the "stay alone" option, worth nothing) stays unpaired. The caller pairs the
members left out (augmenting paths) and tidies up with local moves.
"""

from __future__ import annotations

from collections import deque

from copbot.domain.pairing.graph import FRESH_TIER, Graph
from copbot.domain.pairing.matching import UNMATCHED

# Each bid beats the going price by at least this many weight points: the total lands within EPSILON points
# per member of the best, in practice much closer (0.997 of the exact maximum from 100 to 10,000 members,
# benchmarks/pairing_quality.py). 24 gained 0.1 % for a quarter more bids; ε-scaling rounds, 0.2 % for twice.
EPSILON = 32
_NONE = -(10**30)


def auction_pairs(graph: Graph, order: list[int]) -> tuple[list[int], list[int]]:
    """`mate[i]` (partner of i, or UNMATCHED), and the members of cycles longer than a pair.

    Those members' pairs are the split's guess and worth a local look. `order` (a seeded shuffle) decides
    who bids first.
    """
    n = graph.traits.n
    partners = [[*graph.adj[i], i] for i in range(n)]
    values = [[score % FRESH_TIER for score in graph.adj[i].values()] + [0] for i in range(n)]  # the weights
    taken_by = auction(partners, values, order, objects=n)
    chosen = [UNMATCHED] * n
    for j, i in enumerate(taken_by):
        chosen[i] = j
    return _split_cycles(graph, chosen)


def auction(
    partners: list[list[int]], values: list[list[int]], order: list[int], *, objects: int
) -> list[int]:
    """Who holds each object once no bidder wants to bid any more (the bidding loop, kept flat).

    Bidder i may take `partners[i][k]`, worth `values[i][k]` to it. Every bidder needs an option nobody
    else wants (its "stay out"), so that all of them end up holding one.
    """
    price = [0] * objects
    holder = [UNMATCHED] * objects
    waiting = deque(order)
    next_bidder, outbid = waiting.popleft, waiting.append
    while waiting:
        i = next_bidder()
        options = partners[i]
        worth = [value - price[j] for j, value in zip(options, values[i])]  # noqa: B905 - same lengths, hot
        best = max(worth)
        k = worth.index(best)
        worth[k] = _NONE
        second = max(worth) if len(worth) > 1 else best
        j = options[k]
        price[j] += best - second + EPSILON
        if holder[j] != UNMATCHED:
            outbid(holder[j])
        holder[j] = i
    return holder


def _split_cycles(graph: Graph, chosen: list[int]) -> tuple[list[int], list[int]]:
    mate = [UNMATCHED] * len(chosen)
    unsettled: list[int] = []
    seen = [False] * len(chosen)
    for start in range(len(chosen)):
        if seen[start]:
            continue
        cycle = []
        v = start
        while not seen[v]:
            seen[v] = True
            cycle.append(v)
            v = chosen[v]
        for a, b in _pairs_of_cycle(graph, cycle):
            mate[a], mate[b] = b, a
        if len(cycle) != 2:  # noqa: PLR2004 - a 2-cycle is a pair both sides chose
            unsettled += cycle
    return mate, unsettled


def _pairs_of_cycle(graph: Graph, cycle: list[int]) -> list[tuple[int, int]]:
    """The best pairs along a cycle: every other edge, from the better start; one member out when odd."""
    length = len(cycle)
    if length == 1:
        return []
    edges = [graph.score(cycle[k], cycle[(k + 1) % length]) for k in range(length)]
    if length % 2 == 0:
        start = 0 if sum(edges[0::2]) >= sum(edges[1::2]) else 1
        return [(cycle[k], cycle[(k + 1) % length]) for k in range(start, length, 2)]
    out = _cheapest_out(edges)
    return [
        (cycle[(out + 1 + 2 * m) % length], cycle[(out + 2 + 2 * m) % length]) for m in range(length // 2)
    ]


def _cheapest_out(edges: list[int]) -> int:
    """In an odd cycle, the member whose absence keeps the most; the pairs are every other edge after it.

    Leaving out member k keeps edges k+1, k+3, ..., k+L-2; sums of every other edge over the cycle read
    twice give each choice in constant time.
    """
    length = len(edges)
    twice = edges + edges
    every_other = [0, 0]
    for value in twice:
        every_other.append(every_other[-2] + value)
    kept = [every_other[k + length] - every_other[k + 1] for k in range(length)]
    return kept.index(max(kept))
