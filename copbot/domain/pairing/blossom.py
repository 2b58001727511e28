"""Edmonds' augmenting paths, to prove that nobody is left unpaired (or in a repeat) when it can be avoided.

Local improvement only sees short moves; when members are still unpaired, an augmenting path (unpaired,
paired, ..., unpaired, alternating) can be arbitrarily long and may wind through odd cycles ("blossoms").
Edmonds' search finds one whenever it exists, so the pairs reach the largest number the graph allows. The
state lives in dicts touched by the search only, so a search costs what it visits, not the community's size.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from copbot.domain.pairing.matching import UNMATCHED

Neighbours = Callable[[int], Iterable[int]]


def augment_from(root: int, mate: list[int], neighbours: Neighbours) -> bool:
    """Flip an augmenting path from the unpaired `root`; False when the graph has none."""
    return _Search(root, mate, neighbours).run() != UNMATCHED


class _Search:
    """One breadth-first search for an augmenting path from `root`, contracting blossoms as it meets them."""

    def __init__(self, root: int, mate: list[int], neighbours: Neighbours) -> None:
        self.root = root
        self.mate = mate
        self.neighbours = neighbours
        self.parent: dict[int, int] = {}
        self.base: dict[int, int] = {}
        self.within: dict[int, list[int]] = {}  # the members of each contracted blossom, by its base
        self.outer = {root}
        self.queue = deque([root])

    def run(self) -> int:
        """Flip the path found and return its far end, or UNMATCHED when there is none."""
        while self.queue:
            v = self.queue.popleft()
            for to in self.neighbours(v):
                end = self._step(v, to)
                if end != UNMATCHED:
                    self._flip(end)
                    return end
        return UNMATCHED

    def _step(self, v: int, to: int) -> int:
        mate = self.mate
        if self._base(v) == self._base(to) or mate[v] == to:
            return UNMATCHED
        if to == self.root or (mate[to] != UNMATCHED and mate[to] in self.parent):
            self._contract(v, to)
        elif to not in self.parent:
            self.parent[to] = v
            if mate[to] == UNMATCHED:
                return to
            self.outer.add(mate[to])
            self.queue.append(mate[to])
        return UNMATCHED

    def _base(self, v: int) -> int:
        return self.base.get(v, v)

    def _contract(self, v: int, to: int) -> None:
        common = self._common_base(v, to)
        blossom: set[int] = set()
        self._mark(v, common, to, blossom)
        self._mark(to, common, v, blossom)
        members = self.within.setdefault(common, [common])
        for old in sorted(blossom - {common}):  # in a set order that no hash seed or version changes
            for i in self.within.pop(old, [old]):
                self.base[i] = common
                members.append(i)
                if i not in self.outer:
                    self.outer.add(i)
                    self.queue.append(i)

    def _common_base(self, a: int, b: int) -> int:
        seen = set()
        while True:
            a = self._base(a)
            seen.add(a)
            if self.mate[a] == UNMATCHED:
                break
            a = self.parent[self.mate[a]]
        while True:
            b = self._base(b)
            if b in seen:
                return b
            b = self.parent[self.mate[b]]

    def _mark(self, v: int, common: int, child: int, blossom: set[int]) -> None:
        while self._base(v) != common:
            partner = self.mate[v]
            blossom.add(self._base(v))
            blossom.add(self._base(partner))
            self.parent[v] = child
            child = partner
            v = self.parent[partner]

    def _flip(self, end: int) -> None:
        mate, v = self.mate, end
        while v != UNMATCHED:
            before = self.parent[v]
            after = mate[before]
            mate[v], mate[before] = before, v
            v = after
