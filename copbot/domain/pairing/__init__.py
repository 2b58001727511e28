"""Pairing introductions: who meets whom in a round, and why (pure: no Slack, no SQL, no clock).

    plan = plan_round(RoundInputs(members=..., group_size=2, now=now, seed=seed, history=...))

`plan.py` states the rules in the order they win, `weights.py` what weighs and why, `replay.py` how a round
stores its inputs to be replayed.
"""

from copbot.domain.pairing.model import (
    PAIRING_VERSION,
    Edge,
    Group,
    PairingMember,
    PastGroup,
    Reason,
    ReasonCode,
    RoundInputs,
    RoundPlan,
    Unplaced,
    UnplacedReason,
)
from copbot.domain.pairing.plan import candidate_edges, pair_weights, plan_round
from copbot.domain.pairing.replay import inputs_from_json, inputs_to_json
from copbot.domain.pairing.shape import planned_sizes

__all__ = [
    "PAIRING_VERSION",
    "Edge",
    "Group",
    "PairingMember",
    "PastGroup",
    "Reason",
    "ReasonCode",
    "RoundInputs",
    "RoundPlan",
    "Unplaced",
    "UnplacedReason",
    "candidate_edges",
    "inputs_from_json",
    "inputs_to_json",
    "pair_weights",
    "plan_round",
    "planned_sizes",
]
