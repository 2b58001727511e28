"""The candidate graph: which pairs the matching considers, scored so that the rules come first.

Small communities consider every allowed pair. Large ones give each member about 20 candidate partners: a
random sample (so anyone can meet anyone) plus preferred ones (guides for newcomers, people whose working
day overlaps, someone sharing an interest), all of them first meetings. An avoided pair is never an edge.

The matching maximises a *score*, not the weight alone: each group or pair earns tiers that dwarf every
weight, so placing everyone comes first, then first meetings, then the weights. Any local move touches a few
pairs, whose weights sum to far less than one tier, so no move trades a rule for a better weight.
"""

from __future__ import annotations

import random

from copbot.domain.pairing.weights import Traits

# Per pair formed, or per member placed: nobody left out comes before anything else.
PLACED_TIER = 10**15
# Per group off the configured size: sizes as configured come next.
SHAPE_TIER = 10**13
# Per member of last round's enlarged groups in one again: "never the third twice running".
EXTRA_TIER = 10**11
# Per first meeting: repeats come before the weights.
FRESH_TIER = 10**7
# Every allowed pair is a candidate up to this many members (cheap: 1,770 pairs); above it, a sample.
ALL_PAIRS_UP_TO = 60
RANDOM_PICKS = 5  # each member picks 10 candidates and is picked by about 10: about 20 partners each
HOURS_PICKS = 2
GUIDE_PICKS = 2  # for newcomers; others pick at random instead
INTEREST_PICKS = 1
_TRIES_PER_PICK = 4  # draws per wanted partner: some land on a bad one (avoided, met, already picked)


class Graph:
    """Scored candidate pairs as adjacency maps: `adj[i][j]` is the score of the pair (i, j)."""

    def __init__(self, traits: Traits) -> None:
        self.traits = traits
        self.adj: list[dict[int, int]] = [{} for _ in range(traits.n)]
        # Scores asked for pairs outside the graph (a trio's third, repairs), kept: they are asked again.
        self._others: dict[int, int] = {}

    def score(self, i: int, j: int) -> int:
        """The pair's score, candidate or not; the caller has checked that the pair is allowed."""
        known = self.adj[i].get(j)
        if known is None:
            traits = self.traits
            key = traits.key(i, j)
            known = self._others.get(key)
            if known is None:
                known = self._others[key] = self._compute(i, j)
        return known

    def _compute(self, i: int, j: int) -> int:
        return PLACED_TIER + FRESH_TIER * self.traits.fresh(i, j) + self.traits.weight(i, j)

    def value(self, i: int, j: int) -> int:
        """What the pair adds inside a group: its score past the placement tier; an avoided pair sinks it."""
        if not self.traits.allowed(i, j):
            return -PLACED_TIER
        return self.score(i, j) - PLACED_TIER

    def add(self, i: int, j: int) -> None:
        if j not in self.adj[i] and self.traits.allowed(i, j):
            self.adj[i][j] = self.adj[j][i] = self._compute(i, j)


def weight_of(score: int) -> int:
    """The weight inside a pair's score."""
    return score % FRESH_TIER


def candidate_graph(traits: Traits, rng: random.Random) -> Graph:
    graph = Graph(traits)
    n = traits.n
    if n <= ALL_PAIRS_UP_TO:
        for i in range(n):
            for j in range(i + 1, n):
                graph.add(i, j)
        return graph
    _Sampler(graph, rng).run()
    return graph


class _Sampler:
    """Draws each member's candidates from the whole community and from pools of preferred partners."""

    def __init__(self, graph: Graph, rng: random.Random) -> None:
        traits = graph.traits
        self.graph = graph
        self.draw = rng.random
        self.everyone = list(range(traits.n))
        self.guides = [i for i in self.everyone if traits.role[i][2] and not traits.newcomer[i]]
        self.bits = [_bits(mask) for mask in traits.interests]
        self.by_hour: dict[int, list[int]] = {-1: []}  # -1: time zone unknown, no hours to share
        self.by_interest: dict[int, list[int]] = {}
        for i in self.everyone:
            if traits.workday[i] >= 0:
                self.by_hour.setdefault(traits.workday[i] // 60, []).append(i)
            for bit in self.bits[i]:
                self.by_interest.setdefault(bit, []).append(i)

    def run(self) -> None:
        traits = self.graph.traits
        for i in self.everyone:
            guides = GUIDE_PICKS if traits.newcomer[i] else 0
            hours = self.by_hour[max(-1, traits.workday[i] // 60)]
            self.pick(
                i,
                (
                    (self.everyone, RANDOM_PICKS + GUIDE_PICKS - guides),
                    (self.guides, guides),
                    (hours, HOURS_PICKS),
                    (self._interest_pool(i), INTEREST_PICKS),
                ),
            )

    def _interest_pool(self, i: int) -> list[int]:
        bits = self.bits[i]
        return self.by_interest[bits[int(self.draw() * len(bits))]] if bits else []

    def pick(self, i: int, pools: tuple[tuple[list[int], int], ...]) -> None:
        """Add, from each pool, up to its count of first-meeting partners of `i` (the hot loop: kept flat)."""
        traits, adj, draw = self.graph.traits, self.graph.adj, self.draw
        row, met, avoided, n, weight = adj[i], traits.met, traits.avoided, traits.n, traits.weight
        for pool, count in pools:
            size, wanted = len(pool), count
            for _ in range(count * _TRIES_PER_PICK if size else 0):
                j = pool[int(draw() * size)]
                if j == i or j in row:
                    continue
                key = i * n + j if i < j else j * n + i
                if key in met or key in avoided:
                    continue
                row[j] = adj[j][i] = PLACED_TIER + FRESH_TIER + weight(i, j, key)
                wanted -= 1
                if not wanted:
                    break


def _bits(mask: int) -> list[int]:
    return [bit for bit in range(mask.bit_length()) if mask >> bit & 1]
