"""A round's inputs as plain JSON data, so a round can store them and be replayed and explained later.

`plan_round(inputs_from_json(inputs_to_json(inputs)))` gives the same plan as `plan_round(inputs)` on the
same PAIRING_VERSION (stored alongside). The seed is part of the inputs: a round draws it once, stores it,
and passes it on every replay. Datetimes are ISO 8601 with their UTC offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from copbot.domain.enums import Experience
from copbot.domain.pairing.model import PAIRING_VERSION, PairingMember, PastGroup, RoundInputs


def inputs_to_json(inputs: RoundInputs) -> dict[str, Any]:
    return {
        "version": PAIRING_VERSION,
        "group_size": inputs.group_size,
        "now": inputs.now.isoformat(),
        "seed": inputs.seed,
        "members": [_member_to_json(member) for member in inputs.members],
        "history": [
            {"round_at": group.round_at.isoformat(), "members": list(group.member_ids)}
            for group in inputs.history
        ],
        "previous_extras": sorted(inputs.previous_extras),
        "avoids": sorted([member, avoided] for member, avoided in inputs.avoids),
        "last_proposed": {str(member): at.isoformat() for member, at in sorted(inputs.last_proposed.items())},
    }


def inputs_from_json(data: Mapping[str, Any]) -> RoundInputs:
    return RoundInputs(
        members=tuple(_member_from_json(member) for member in data["members"]),
        group_size=int(data["group_size"]),
        now=datetime.fromisoformat(data["now"]),
        seed=int(data["seed"]),
        history=tuple(
            PastGroup(datetime.fromisoformat(group["round_at"]), tuple(group["members"]))
            for group in data["history"]
        ),
        previous_extras=frozenset(data["previous_extras"]),
        avoids=frozenset((member, avoided) for member, avoided in data["avoids"]),
        last_proposed={
            int(member): datetime.fromisoformat(at) for member, at in data["last_proposed"].items()
        },
    )


def _member_to_json(member: PairingMember) -> dict[str, Any]:
    return {
        "id": member.member_id,
        "experience": member.experience.value,
        "joined_at": member.joined_at.isoformat(),
        "team": member.team,
        "time_zone": member.time_zone,
        "interests": list(member.interests),
    }


def _member_from_json(data: Mapping[str, Any]) -> PairingMember:
    return PairingMember(
        member_id=int(data["id"]),
        experience=Experience(data["experience"]),
        joined_at=datetime.fromisoformat(data["joined_at"]),
        team=data["team"],
        time_zone=data["time_zone"],
        interests=tuple(data["interests"]),
    )
