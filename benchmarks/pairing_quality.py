"""How good and how fast copbot's pairing is, next to the exact best and to two naive ways, in one run.

For each size, a synthetic community (experience levels, recent joiners, teams of uneven sizes, members
across nine time zones, interests, a few avoid lists) with 20 weekly rounds of history is paired by
`plan_round`: best and median wall time of --runs, and the best CPU time (the machine is shared; a plain
Python loop is timed alongside to show how busy it was). The same candidate graph (`candidate_edges`,
about 20 partners each) goes to rustworkx's exact maximum-weight matching among those pairing the most
members. Quality is copbot's total weight over that maximum; "bonus" is the same ratio without the
first-meeting points, i.e. on what the weights prefer (guides, teams, hours, interests). "Avoidable
repeats" counts pairs that met within the window beyond those the exact matching cannot avoid either.
Baselines in the same run: the classic greedy (best pairs first, same graph) and random pairs (what a bot
without preferences does; their weight counts every pair, in the graph or not, and a repeat no bonus).
Trios (group size 3) are timed too. Writes benchmarks/results/pairing_quality.json.

    v/bin/python benchmarks/pairing_quality.py [--sizes 100,500,2000,10000] [--runs 3] [--no-exact]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import rustworkx as rx

from copbot.domain.enums import Experience
from copbot.domain.pairing import (
    PairingMember,
    PastGroup,
    ReasonCode,
    RoundInputs,
    RoundPlan,
    candidate_edges,
    pair_weights,
    plan_round,
)
from copbot.domain.pairing.weights import FIRST_MEETING

RESULTS = Path(__file__).parent / "results" / "pairing_quality.json"
NOW = datetime(2025, 3, 20, 8, 0, tzinfo=UTC)
ROUNDS = 20
ZONES = {
    "Europe/Paris": 25,
    "Europe/London": 15,
    "America/New_York": 18,
    "America/Los_Angeles": 10,
    "Asia/Kolkata": 10,
    "Asia/Tokyo": 6,
    "Australia/Sydney": 5,
    "America/Sao_Paulo": 6,
    None: 5,
}
TAGS = [f"topic-{k}" for k in range(40)]
TARGET_SECONDS = 1.0
TARGET_QUALITY = 0.99


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,500,2000,10000", help="comma-separated member counts")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of plan_round per size")
    parser.add_argument("--seed", type=int, default=20250320)
    parser.add_argument("--no-exact", action="store_true", help="skip rustworkx (about 40 s at 10,000)")
    options = parser.parse_args()
    rows = [_measure(int(size), options) for size in options.sizes.split(",")]
    _print(rows)
    _write(rows, options)
    return 0


def community(count: int, seed: int, group_size: int = 2) -> RoundInputs:
    """A community of `count` eligible members with ROUNDS weekly rounds of random pairs behind it."""
    rng = random.Random(seed)
    teams = [f"team-{k}" for k in range(max(2, count // 20))]
    team_weights = [1 / (k + 1) for k in range(len(teams))]  # a few large teams, many small ones
    experiences = rng.choices(list(Experience), weights=[25, 45, 30], k=count)
    members = tuple(
        PairingMember(
            member_id=1000 + k,
            experience=experiences[k],
            joined_at=NOW
            - timedelta(days=rng.randrange(1, 56) if rng.random() < 0.1 else rng.randrange(56, 1100)),
            team="" if rng.random() < 0.05 else rng.choices(teams, weights=team_weights)[0],
            time_zone=rng.choices(list(ZONES), weights=list(ZONES.values()))[0],
            interests=tuple(rng.sample(TAGS, rng.randrange(0, 6))),
        )
        for k in range(count)
    )
    ids = [member.member_id for member in members]
    history = []
    for week in range(1, ROUNDS + 1):
        rng.shuffle(ids)
        history += [
            PastGroup(NOW - timedelta(weeks=week), tuple(ids[k : k + 2])) for k in range(0, count - 1, 2)
        ]
    avoids = frozenset((rng.choice(ids), rng.choice(ids)) for _ in range(count // 100))
    return RoundInputs(
        members=members, group_size=group_size, now=NOW, seed=seed, history=tuple(history), avoids=avoids
    )


def _measure(count: int, options: argparse.Namespace) -> dict[str, Any]:
    inputs = community(count, options.seed + count)
    loop = _python_loop_seconds()
    seconds, cpu, plan = _timed(inputs, options.runs)
    trio_seconds, _, trios = _timed(community(count, options.seed + count, group_size=3), options.runs)
    edges = candidate_edges(inputs)
    row: dict[str, Any] = {
        "members": count,
        "candidate_partners_each": round(2 * len(edges) / count, 1),
        "copbot_seconds_best": round(min(seconds), 3),
        "copbot_seconds_median": round(statistics.median(seconds), 3),
        "copbot_cpu_seconds_best": round(min(cpu), 3),
        "python_loop_seconds": round(loop, 3),
        "copbot_weight": plan.total_weight,
        "copbot_bonus": plan.total_weight - _novelty_points(plan),
        "copbot_repeats": plan.repeats,
        "copbot_unplaced": len(plan.unplaced),
        "copbot_pairs_outside_graph": _outside(plan, edges),
        "trios_seconds_best": round(min(trio_seconds), 3),
        "trios_repeats": trios.repeats,
        "trios_unplaced": len(trios.unplaced),
    }
    row |= _greedy(edges, count)
    row |= _random_pairs(inputs, options.seed)
    if not options.no_exact:
        row |= _exact(edges, inputs, row)
    return row


def _timed(inputs: RoundInputs, runs: int) -> tuple[list[float], list[float], RoundPlan]:
    """Wall and CPU seconds of each run, and the plan."""
    wall, cpu, plan = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        plan = plan_round(inputs)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    assert plan is not None
    return wall, cpu, plan


def _python_loop_seconds() -> float:
    """A fixed plain-Python workload: how fast the machine runs Python right now."""
    started = time.perf_counter()
    sum(i * i for i in range(3_000_000))
    return time.perf_counter() - started


def _novelty_points(plan: RoundPlan) -> int:
    novelty = {ReasonCode.FIRST_MEETING, ReasonCode.MET_BEFORE}
    return sum(reason.points for group in plan.groups for reason in group.reasons if reason.code in novelty)


def _outside(plan: RoundPlan, edges: tuple[Any, ...]) -> int:
    graph = {(edge.a, edge.b) for edge in edges}
    return sum(
        (a, b) not in graph
        for group in plan.groups
        for k, a in enumerate(group.members)
        for b in group.members[k + 1 :]
    )


def _greedy(edges: tuple[Any, ...], count: int) -> dict[str, Any]:
    """The classic baseline: the heaviest pairs first, each member once; leftovers stay unpaired."""
    started = time.perf_counter()
    taken: set[int] = set()
    weight = pairs = 0
    for edge in sorted(edges, key=lambda edge: -edge.weight):
        if edge.a not in taken and edge.b not in taken:
            taken.update((edge.a, edge.b))
            weight += edge.weight
            pairs += 1
    return {
        "greedy_seconds": round(time.perf_counter() - started, 3),
        "greedy_weight": weight,
        "greedy_bonus": weight - FIRST_MEETING * pairs,  # the graph holds first meetings only
        "greedy_unpaired": count - 2 * pairs,
    }


def _random_pairs(inputs: RoundInputs, seed: int) -> dict[str, Any]:
    """What a bot without preferences does: shuffle, pair neighbours (avoid lists ignored, repeats too)."""
    ids = [member.member_id for member in inputs.members]
    random.Random(seed).shuffle(ids)
    pairs = [(min(ids[k], ids[k + 1]), max(ids[k], ids[k + 1])) for k in range(0, len(ids) - 1, 2)]
    met = {
        (min(a, b), max(a, b))
        for group in inputs.history
        for a in group.member_ids
        for b in group.member_ids
        if a != b
    }
    weights = pair_weights(inputs, pairs)
    return {
        "random_weight": sum(weights),
        "random_bonus": sum(
            weight - FIRST_MEETING for pair, weight in zip(pairs, weights, strict=True) if pair not in met
        ),
        "random_repeats": sum(pair in met for pair in pairs),
    }


def _exact(edges: tuple[Any, ...], inputs: RoundInputs, row: dict[str, Any]) -> dict[str, Any]:
    graph = rx.PyGraph()
    index = {member.member_id: graph.add_node(member.member_id) for member in inputs.members}
    graph.add_edges_from([(index[edge.a], index[edge.b], edge) for edge in edges])
    started = time.perf_counter()
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=lambda edge: edge.weight)
    seconds = time.perf_counter() - started
    chosen = [graph.get_edge_data(a, b) for a, b in matching]
    weight = sum(edge.weight for edge in chosen)
    fresh = sum(edge.first_meeting for edge in chosen)
    bonus = weight - FIRST_MEETING * fresh - sum(edge.weight for edge in chosen if not edge.first_meeting)
    unavoidable = len(inputs.members) // 2 - fresh
    return {
        "exact_seconds": round(seconds, 2),
        "exact_weight": weight,
        "exact_pairs": len(chosen),
        "quality": round(row["copbot_weight"] / weight, 5),
        "bonus_quality": round(row["copbot_bonus"] / bonus, 5) if bonus else None,
        "greedy_quality": round(row["greedy_weight"] / weight, 5),
        "greedy_bonus_quality": round(row["greedy_bonus"] / bonus, 5) if bonus else None,
        "random_quality": round(row["random_weight"] / weight, 5),
        "random_bonus_quality": round(row["random_bonus"] / bonus, 5) if bonus else None,
        "avoidable_repeats": max(0, row["copbot_repeats"] - unavoidable),
    }


def _print(rows: list[dict[str, Any]]) -> None:
    columns = [
        ("members", "members", "{}"),
        ("partners", "candidate_partners_each", "{}"),
        ("copbot s", "copbot_seconds_best", "{:.3f}"),
        ("median s", "copbot_seconds_median", "{:.3f}"),
        ("cpu s", "copbot_cpu_seconds_best", "{:.3f}"),
        ("quality", "quality", "{:.4f}"),
        ("bonus q.", "bonus_quality", "{:.4f}"),
        ("avoidable rep.", "avoidable_repeats", "{}"),
        ("unplaced", "copbot_unplaced", "{}"),
        ("off-graph", "copbot_pairs_outside_graph", "{}"),
        ("trios s", "trios_seconds_best", "{:.3f}"),
        ("exact s", "exact_seconds", "{:.2f}"),
        ("greedy q.", "greedy_quality", "{:.4f}"),
        ("greedy bonus", "greedy_bonus_quality", "{:.4f}"),
        ("greedy unpaired", "greedy_unpaired", "{}"),
        ("random q.", "random_quality", "{:.4f}"),
        ("random bonus", "random_bonus_quality", "{:.4f}"),
        ("random rep.", "random_repeats", "{}"),
        ("py loop s", "python_loop_seconds", "{:.3f}"),
    ]
    cells = [[title for title, _, _ in columns]]
    cells += [
        [form.format(row[key]) if row.get(key) is not None else "-" for _, key, form in columns]
        for row in rows
    ]
    widths = [max(len(line[k]) for line in cells) for k in range(len(columns))]
    for line in cells:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
    targets = f"under {TARGET_SECONDS:.0f} s at 10,000; quality >= {TARGET_QUALITY}; no avoidable repeat"
    print(f"targets: {targets}")


def _write(rows: list[dict[str, Any]], options: argparse.Namespace) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    payload = {"rounds_of_history": ROUNDS, "seed": options.seed, "machine": machine, "rows": rows}
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    raise SystemExit(main())
