"""Local improvement of pairs on the candidate graph, around the members whose pairs just changed.

For a member u it tries every candidate partner c: swap partners between the pairs (u, b) and (c, d) into
(u, c) and (b, d) when the candidate graph has (b, d) (a "2-opt" move); when u has no partner, take c from d,
and let d take an unpaired candidate of its own if it has one; pair u with an unpaired c. It stops when no
move gains; each move gains, so it ends. The members around a change are looked at again.
"""

from __future__ import annotations

from collections.abc import Iterable

from copbot.domain.pairing.graph import Graph
from copbot.domain.pairing.worklist import Worklist

UNMATCHED = -1


def improve_pairs(graph: Graph, mate: list[int], start: Iterable[int]) -> None:
    """Apply gaining moves around the members of `start`, and around every member a move touches."""
    adj = graph.adj
    todo = Worklist(len(mate), start)
    for u in todo:
        todo.extend(w for v in _best_move(graph, mate, u) for w in (v, *adj[v]))


def _best_move(graph: Graph, mate: list[int], u: int) -> tuple[int, ...]:
    """Make the best gaining move around u; the members whose partner changed."""
    adj, score = graph.adj, graph.score
    b = mate[u]
    own = score(u, b) if b != UNMATCHED else 0
    best_gain, best_c, best_e = 0, UNMATCHED, UNMATCHED
    for c, with_c in adj[u].items():
        d = mate[c]
        if c == b:
            continue
        e = UNMATCHED
        if d == UNMATCHED:
            gain = with_c - own
        elif b == UNMATCHED:
            e, with_e = _unmatched_neighbour(adj, mate, d, u)
            gain = with_c - score(c, d) + with_e
        else:
            cross = adj[b].get(d)
            if cross is None:
                continue
            gain = with_c + cross - own - score(c, d)
        if gain > best_gain:
            best_gain, best_c, best_e = gain, c, e
    if best_c == UNMATCHED:
        return ()
    return _apply(mate, u, best_c, best_e)


def _unmatched_neighbour(adj: list[dict[int, int]], mate: list[int], d: int, u: int) -> tuple[int, int]:
    """The best partner of d among unmatched members other than u: the end of a 3-edge augmenting path."""
    best, best_score = UNMATCHED, 0
    for e, score in adj[d].items():
        if mate[e] == UNMATCHED and e != u and score > best_score:
            best, best_score = e, score
    return best, best_score


def _apply(mate: list[int], u: int, c: int, e: int) -> tuple[int, ...]:
    """Pair u with c; c's partner d takes u's partner b, or the unmatched e, or is left unmatched."""
    b, d = mate[u], mate[c]
    mate[u], mate[c] = c, u
    if d == UNMATCHED:
        if b != UNMATCHED:
            mate[b] = UNMATCHED
        return tuple(v for v in (u, b, c) if v != UNMATCHED)
    partner = b if b != UNMATCHED else e
    mate[d] = partner
    if partner != UNMATCHED:
        mate[partner] = d
    return tuple(v for v in (u, b, c, d, e) if v != UNMATCHED)
