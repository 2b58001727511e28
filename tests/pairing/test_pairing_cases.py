"""Constructed communities where the right grouping is known: each rule and weight seen doing its job.

Most cases run at two or three sizes: up to 10 members the grouping is searched exactly, above it the
auction and repairs decide, and above 60 members only a sample of pairs is considered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from pairing_support import NOW, groups_of, inputs, member, pairs_in

from copbot.domain.enums import Experience
from copbot.domain.pairing import (
    PastGroup,
    ReasonCode,
    UnplacedReason,
    inputs_to_json,
    plan_round,
    planned_sizes,
)


@pytest.mark.parametrize("each", [4, 15, 60])
def test_newcomers_get_experienced_partners_when_there_are_enough(each):
    """As many newcomers as experienced members: every pair is one of each."""
    newcomers = [member(i, Experience.NEW) for i in range(each)]
    experienced = [member(each + i, Experience.EXPERIENCED) for i in range(each)]
    plan = plan_round(inputs(newcomers + experienced))
    assert all(len({m < each for m in group.members}) == 2 for group in plan.groups)


def test_recent_joiners_count_as_newcomers_too():
    """Someone practising who joined last week is a newcomer: paired with the established practitioner."""
    recent = [member(i, joined_at=NOW - timedelta(weeks=1)) for i in (1, 2)]
    established = [member(i) for i in (3, 4)]
    plan = plan_round(inputs(recent + established))
    assert groups_of(plan.groups) in (
        {frozenset({1, 3}), frozenset({2, 4})},
        {frozenset({1, 4}), frozenset({2, 3})},
    )


@pytest.mark.parametrize("each", [5, 15, 60])
def test_two_teams_of_equal_size_give_only_cross_team_pairs(each):
    """Two teams of the same size: nobody is paired with their own team."""
    members = [member(i, team="Payments" if i % 2 else "Search") for i in range(2 * each)]
    plan = plan_round(inputs(members))
    assert all(a % 2 != b % 2 for group in plan.groups for a, b in pairs_in(group.members))


def test_nine_members_in_pairs_make_one_trio_with_another_third_next_round():
    """Nine members make four groups, one a trio; next round last round's third is in a pair."""
    members = [member(i) for i in range(1, 10)]
    first = plan_round(inputs(members))
    (trio,) = [group for group in first.groups if len(group.members) == 3]
    assert sorted(len(group.members) for group in first.groups) == [2, 2, 2, 3]
    assert trio.extra in trio.members
    history = tuple(PastGroup(NOW, group.members) for group in first.groups)
    second = plan_round(
        inputs(
            members, now=NOW + timedelta(weeks=1), history=history, previous_extras=frozenset({trio.extra})
        )
    )
    (next_trio,) = [group for group in second.groups if len(group.members) == 3]
    assert trio.extra not in next_trio.members
    assert next_trio.extra is not None
    assert next_trio.extra != trio.extra


@pytest.mark.parametrize("count", [13, 61])
def test_last_rounds_third_is_not_in_a_trio_again_in_larger_communities(count):
    """Whoever was the third last round is in a pair this round, whatever the seed."""
    members = [member(i) for i in range(count)]
    for seed in range(5):
        plan = plan_round(inputs(members, seed=seed, previous_extras=frozenset({seed})))
        assert [len(group.members) for group in plan.groups if seed in group.members] == [2]


@pytest.mark.parametrize(("count", "group_size"), [(201, 2), (202, 3), (203, 3)])
def test_large_communities_keep_every_rule_with_sampled_candidates(count, group_size):
    """Sampled candidates too keep planned sizes, avoid lists, last round's extras out, and everyone in."""
    zones = ("Europe/Paris", "Asia/Tokyo", "America/New_York", None)
    members = [
        member(i, Experience(("new", "practising", "experienced")[i % 3]), time_zone=zones[i % 4])
        for i in range(count)
    ]
    avoids = frozenset((i, (i * 7 + 3) % count) for i in range(0, count, 5))
    previous = frozenset({0, 1})
    plan = plan_round(inputs(members, group_size, avoids=avoids, previous_extras=previous))
    assert not plan.unplaced
    assert sorted(len(g.members) for g in plan.groups) == sorted(planned_sizes(count, group_size))
    assert not [
        pair for g in plan.groups for pair in pairs_in(g.members) if pair in avoids or pair[::-1] in avoids
    ]
    assert not [g for g in plan.groups if len(g.members) > group_size and previous & set(g.members)]


@pytest.mark.parametrize("each", [2, 10, 30])
def test_members_in_paris_tokyo_and_new_york_meet_people_whose_working_day_they_share(each):
    """With enough people in each city, everyone is paired within their own city."""
    cities = ("Europe/Paris", "Asia/Tokyo", "America/New_York")
    members = [member(i, time_zone=cities[i % 3]) for i in range(3 * each)]
    plan = plan_round(inputs(members))
    assert all(a % 3 == b % 3 for group in plan.groups for a, b in pairs_in(group.members))


def test_trios_from_three_cities_stay_in_their_city():
    """Trios too: three in Paris, three in Tokyo, three in New York make one trio per city."""
    cities = ("Europe/Paris", "Asia/Tokyo", "America/New_York")
    members = [member(i, time_zone=cities[i % 3]) for i in range(9)]
    plan = plan_round(inputs(members, group_size=3))
    assert groups_of(plan.groups) == {frozenset({0, 3, 6}), frozenset({1, 4, 7}), frozenset({2, 5, 8})}


@pytest.mark.parametrize(
    ("now", "minutes"),
    [
        (datetime(2025, 1, 15, 9, tzinfo=UTC), 120),  # both on standard time: 14:00-16:00 UTC
        (datetime(2025, 3, 20, 9, tzinfo=UTC), 180),  # New York on summer time, Paris not yet
        (datetime(2025, 7, 2, 9, tzinfo=UTC), 120),  # both on summer time
    ],
)
def test_shared_working_hours_follow_summer_time_on_the_rounds_date(now, minutes):
    """Paris and New York share 2 hours of working day, 3 in the weeks the US is on summer time alone."""
    members = [member(1, time_zone="Europe/Paris"), member(2, time_zone="America/New_York")]
    (group,) = plan_round(inputs(members, now=now)).groups
    (hours,) = [reason for reason in group.reasons if reason.code is ReasonCode.HOURS_OVERLAP]
    assert hours.overlap_minutes == minutes


@pytest.mark.parametrize("gadgets", [1, 3])
def test_a_repeat_is_avoided_even_when_it_would_weigh_more(gadgets):
    """A and B met months ago and would suit each other best; two first meetings are chosen instead."""
    members, history = [], []
    for g in range(gadgets):
        a, b, c, d = (4 * g + k for k in range(4))
        members += [
            member(a, Experience.NEW, team="x", time_zone="Europe/Paris", interests=("tdd", "bdd", "ci")),
            member(
                b, Experience.EXPERIENCED, team="y", time_zone="Europe/Paris", interests=("tdd", "bdd", "ci")
            ),
            member(c, Experience.NEW, team="y", time_zone="Asia/Tokyo", interests=("sql", "etl", "dbt")),
            member(
                d, Experience.EXPERIENCED, team="x", time_zone="Asia/Tokyo", interests=("sql", "etl", "dbt")
            ),
        ]
        history += [PastGroup(NOW - timedelta(days=300), (a, b))]
        history += [PastGroup(NOW - timedelta(weeks=1), pair) for pair in ((a, d), (b, c))]
    ids = [m.member_id for m in members]
    history += [PastGroup(NOW - timedelta(weeks=2), (x, y)) for x in ids for y in ids if x // 4 < y // 4]
    plan = plan_round(inputs(members, history=tuple(history)))
    assert plan.repeats == 0
    assert groups_of(plan.groups) == {
        frozenset(pair) for g in range(gadgets) for pair in ((4 * g, 4 * g + 2), (4 * g + 1, 4 * g + 3))
    }


def test_shared_interests_are_named_in_the_reasons():
    """The reasons list the interests the pair shares, as the first member spells them."""
    members = [member(1, interests=("Python", "Testing", "UX")), member(2, interests=("testing", "python"))]
    (group,) = plan_round(inputs(members)).groups
    (shared,) = [reason for reason in group.reasons if reason.code is ReasonCode.SHARED_INTERESTS]
    assert shared.interests == ("Python", "Testing")
    assert {reason.code for reason in group.reasons} == {
        ReasonCode.FIRST_MEETING,
        ReasonCode.SHARED_INTERESTS,
    }


def test_a_member_everyone_avoids_is_reported_not_dropped():
    """When every possible partner avoids someone, the plan names them as unplaced, avoided."""
    members = [member(i) for i in range(1, 6)]
    plan = plan_round(inputs(members, avoids=frozenset((i, 5) for i in range(1, 5))))
    assert [(u.member_id, u.reason) for u in plan.unplaced] == [(5, UnplacedReason.AVOIDED)]
    assert sorted(len(group.members) for group in plan.groups) == [2, 2]


def test_a_member_alone_is_reported_alone():
    """The only eligible member is unplaced, alone."""
    plan = plan_round(inputs([member(1)]))
    assert [(u.member_id, u.reason) for u in plan.unplaced] == [(1, UnplacedReason.ALONE)]


@pytest.mark.parametrize("each", [3, 7])
def test_avoid_lists_make_two_trios_rather_than_leave_two_out(each):
    """Two camps that avoid each other, each odd: each camp gets a trio, and everyone is placed."""
    members = [member(i) for i in range(2 * each)]
    camps = frozenset((a, b) for a in range(each) for b in range(each, 2 * each))
    plan = plan_round(inputs(members, avoids=camps))
    assert not plan.unplaced
    assert sorted(len(group.members) for group in plan.groups) == sorted([3, 3] + [2] * (each - 3))
    assert all(len({m < each for m in group.members}) == 1 for group in plan.groups)


def test_the_one_who_proposed_least_recently_proposes_a_time():
    """Of a pair, the member who last proposed longer ago (or never) is asked to propose this time."""
    members = [member(1), member(2), member(3), member(4)]
    last = {1: NOW - timedelta(weeks=1), 2: NOW - timedelta(weeks=5), 3: NOW - timedelta(weeks=2)}
    plan = plan_round(inputs(members, last_proposed=last, avoids=frozenset({(1, 3), (2, 4)})))
    assert {group.members: group.proposer for group in plan.groups} == {(1, 2): 2, (3, 4): 4}


def test_a_newcomer_is_not_asked_first_when_nobody_has_proposed_yet():
    """When neither has proposed before, the established member proposes, not the newcomer."""
    for seed in range(5):
        (group,) = plan_round(inputs([member(1, Experience.NEW), member(2)], seed=seed)).groups
        assert group.proposer == 2


def test_a_large_round_replays_from_its_seed():
    """Five hundred members, same inputs and seed: the same groups; another seed: other groups."""
    zones = ("Europe/Paris", "Asia/Tokyo", "America/New_York", None)
    members = [
        member(i, Experience(("new", "practising", "experienced")[i % 3]), time_zone=zones[i % 4])
        for i in range(500)
    ]
    first, again = plan_round(inputs(members, seed=11)), plan_round(inputs(members, seed=11))
    assert first == again
    assert groups_of(plan_round(inputs(members, seed=12)).groups) != groups_of(first.groups)


_REPLAY = """
import json, sys
from copbot.domain.pairing import inputs_from_json, plan_round
plan = plan_round(inputs_from_json(json.load(sys.stdin)))
print(json.dumps([[g.members, g.proposer, g.extra] for g in plan.groups]))
"""


@pytest.mark.slow
def test_a_round_replays_the_same_in_another_process():
    """Stored inputs replayed in processes with other string hash seeds give the same groups and proposers."""
    zones = ("Europe/Paris", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", None)
    members = [
        member(i, time_zone=zones[i % 5], team=f"team {i % 7}", interests=(f"tag {i % 11}", f"tag {i % 3}"))
        for i in range(301)
    ]
    stored = json.dumps(
        inputs_to_json(inputs(members, history=(PastGroup(NOW - timedelta(weeks=1), (1, 2)),)))
    )
    answers = {
        subprocess.run(
            [sys.executable, "-c", _REPLAY],
            input=stored,
            capture_output=True,
            text=True,
            check=True,
            env=os.environ | {"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(answers) == 1
    (answer,) = answers
    here = plan_round(inputs(members, history=(PastGroup(NOW - timedelta(weeks=1), (1, 2)),)))
    assert json.loads(answer) == [[list(g.members), g.proposer, g.extra] for g in here.groups]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"group_size": 4}, "group size"),
        ({"now": datetime(2025, 3, 20, 9)}, "timezone-aware"),  # noqa: DTZ001 - the mistake under test
    ],
)
def test_inputs_a_round_cannot_use_are_refused(changes, message):
    """A group size other than 2 or 3, or a naive `now`, is a programming error, refused loudly."""
    fields = {"group_size": 2} | changes
    with pytest.raises(ValueError, match=message):
        plan_round(inputs([member(1), member(2)], **fields))


def test_a_member_listed_twice_is_refused():
    """The same member twice in one round is a programming error."""
    with pytest.raises(ValueError, match="once"):
        plan_round(inputs([member(1), member(1)]))
