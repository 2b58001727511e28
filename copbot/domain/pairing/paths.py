"""A good augmenting path from an unpaired member: pairing it costs as little weight as it can.

An augmenting path runs from an unpaired member to another, alternating new pairs and broken ones; taking
it pairs both ends. Edmonds' search (`blossom.py`) finds *a* path whenever one exists, but the shortest
may replace good pairs with poor ones. This search follows the path's gain instead (each step adds the new
pair's score and takes off the broken pair's): breadth-first, keeping at each step the BEAM members reached
with the highest gain, it goes a few steps past the first ends it meets and takes the best path that visits
nobody twice. The beam bounds its cost whatever the community's size. It misses paths through odd cycles,
which Edmonds' search handles: the caller falls back to it when this one finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from copbot.domain.pairing.graph import Graph
from copbot.domain.pairing.matching import UNMATCHED

BEAM = 64  # members kept at each step: the search costs at most BEAM x degree x steps score lookups
MAX_STEPS = 12  # pairs broken along a path at most
STEPS_PAST_FIRST_END = 2  # a longer path may gain more than the first one found: look that much further

Neighbours = Callable[[int], Iterable[int]]


def augment_best(graph: Graph, mate: list[int], root: int, neighbours: Neighbours) -> bool:
    """Take the best simple augmenting path from `root`; False when none was found."""
    search = _Search(graph, mate, root, neighbours)
    for _, v, x in sorted(search.ends(), reverse=True):
        path = search.path(v, x)
        if path is not None:
            for a, b in path:
                mate[a], mate[b] = b, a
            return True
    return False


class _Search:
    def __init__(self, graph: Graph, mate: list[int], root: int, neighbours: Neighbours) -> None:
        self.graph = graph
        self.mate = mate
        self.root = root
        self.neighbours = neighbours
        self.came: dict[int, tuple[int, int]] = {}  # member -> (the member before it, its old partner)

    def ends(self) -> list[tuple[int, int, int]]:
        """(gain, v, x) for each path found that ends by pairing v with an unpaired x."""
        found: list[tuple[int, int, int]] = []
        layer, seen, last = {self.root: 0}, {self.root}, MAX_STEPS
        for step in range(MAX_STEPS):
            if step > last or not layer:
                break
            reached = self._step(layer, seen, found)
            if found and last == MAX_STEPS:
                last = step + STEPS_PAST_FIRST_END
            best = sorted((gain, y) for y, gain in reached.items())[-BEAM:]
            layer = {y: gain for gain, y in best}
            seen.update(layer)
        return found

    def _step(
        self, layer: dict[int, int], seen: set[int], found: list[tuple[int, int, int]]
    ) -> dict[int, int]:
        """Extend each path by one new pair: ends found go to `found`; the members first reached returned."""
        score, mate, root = self.graph.score, self.mate, self.root
        reached: dict[int, int] = {}
        for v, gain in layer.items():
            for x in self.neighbours(v):
                y = mate[x]
                if x in (root, mate[v]) or y == root or y in seen:
                    continue
                if y == UNMATCHED:
                    found.append((gain + score(v, x), v, x))
                    continue
                further = gain + score(v, x) - score(x, y)
                if y not in reached or further > reached[y]:
                    reached[y] = further
                    self.came[y] = (v, x)
        return reached

    def path(self, v: int, x: int) -> list[tuple[int, int]] | None:
        """The new pairs along the path ending with (v, x), or None when it visits someone twice."""
        pairs, seen = [(v, x)], {v, x}
        while v != self.root:
            before, partner = self.came[v]
            if before in seen or partner in seen:
                return None
            seen.update((before, partner))
            pairs.append((before, partner))
            v = before
        return pairs
