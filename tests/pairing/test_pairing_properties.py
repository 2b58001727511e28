"""Properties every round keeps, over random communities: checked against exact solvers where one fits."""

from __future__ import annotations

from collections import Counter

import rustworkx as rx
from hypothesis import HealthCheck, given, settings
from pairing_support import best_grouping, communities, pairs_in

from copbot.domain.pairing import candidate_edges, inputs_from_json, inputs_to_json, plan_round, planned_sizes

# A few seconds in all, enough to vary sizes and shapes; no deadline, since several runs share two cores.
QUICK = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(communities(sizes=(1, 30)))
def test_everyone_eligible_is_in_exactly_one_group_or_said_to_be_unplaced(round_inputs):
    """Each member appears once: in one group, or in `unplaced` with a reason; nobody else appears."""
    plan = plan_round(round_inputs)
    seen = Counter(m for group in plan.groups for m in group.members)
    seen.update(unplaced.member_id for unplaced in plan.unplaced)
    assert seen == Counter(m.member_id for m in round_inputs.members)


@QUICK
@given(communities(sizes=(1, 30), avoids=False))
def test_without_avoid_lists_everyone_is_placed_in_the_planned_sizes(round_inputs):
    """With nobody avoided, groups have the planned sizes and nobody is left out (from 2 members on)."""
    plan = plan_round(round_inputs)
    count = len(round_inputs.members)
    assert sorted(len(g.members) for g in plan.groups) == sorted(
        planned_sizes(count, round_inputs.group_size)
    )
    assert [u.member_id for u in plan.unplaced] == (
        [m.member_id for m in round_inputs.members] if count == 1 else []
    )


@QUICK
@given(communities(sizes=(2, 30)))
def test_no_group_holds_a_pair_either_member_avoids(round_inputs):
    """Whoever put someone on their avoid list is never grouped with them, whichever side avoided."""
    plan = plan_round(round_inputs)
    avoided = {frozenset(pair) for pair in round_inputs.avoids}
    assert not [pair for g in plan.groups for pair in pairs_in(g.members) if frozenset(pair) in avoided]


@settings(QUICK, max_examples=40)
@given(communities(sizes=(2, 9)))
def test_small_communities_get_the_best_grouping_there_is(round_inputs):
    """Up to 9 members the plan is as good as the best of all groupings, rule by rule, then by weight."""
    best = best_grouping(round_inputs)
    plan = plan_round(round_inputs)
    if best is None:
        return  # avoid lists rule out the planned sizes: covered by the tests above
    enlarged = [g for g in plan.groups if len(g.members) > round_inputs.group_size]
    extras_again = sum(len(round_inputs.previous_extras & set(g.members)) for g in enlarged)
    assert (extras_again, plan.repeats, plan.total_weight) == (best.extras_again, best.repeats, best.weight)


@QUICK
@given(communities(sizes=(12, 30), group_sizes=(2,), avoids=False, rounds=(4, 16), even=True))
def test_pairs_repeat_only_as_often_as_no_pairing_can_avoid(round_inputs):
    """Beyond the exact search, pairs repeat only as often as an exact matching (rustworkx) says they must."""
    graph = rx.PyGraph()
    index = {m.member_id: graph.add_node(m.member_id) for m in round_inputs.members}
    graph.add_edges_from(
        [(index[e.a], index[e.b], 1) for e in candidate_edges(round_inputs) if e.first_meeting]
    )
    first_meetings = len(rx.max_weight_matching(graph, max_cardinality=True, weight_fn=lambda w: w))
    plan = plan_round(round_inputs)
    assert plan.repeats == len(round_inputs.members) // 2 - first_meetings


@QUICK
@given(communities(sizes=(1, 30)))
def test_a_round_replays_from_its_stored_inputs(round_inputs):
    """The inputs, stored as JSON and read back, give the same plan: groups, reasons, proposers and all."""
    assert plan_round(inputs_from_json(inputs_to_json(round_inputs))) == plan_round(round_inputs)


@QUICK
@given(communities(sizes=(2, 30)))
def test_each_group_weight_is_what_its_reasons_add_up_to(round_inputs):
    """A group's weight is the sum of its reasons' points, so the explanation accounts for every point."""
    plan = plan_round(round_inputs)
    assert all(g.weight == sum(r.points for r in g.reasons) for g in plan.groups)
    assert plan.total_weight == sum(g.weight for g in plan.groups)
