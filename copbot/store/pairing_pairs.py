"""`pairing_pairs`: each two people a round's groups introduced, and whether an earlier round had too.

`record_round` runs once a round's groups are stored (copbot.services.pairing) and writes its pairs in two
statements; migration 0009 does the same for the rounds made before it. The stats count repeats and the
team pairs reached from here (copbot.store.stats).
"""

from __future__ import annotations

from sqlalchemy import and_, insert, literal, select, true, update
from sqlalchemy.orm import Session, aliased

from copbot.store.models import PairingGroup, PairingGroupMember, PairingPair, PairingRound

COLUMNS = [
    "team_id",
    "community_id",
    "group_id",
    "slot_start",
    "first_member_id",
    "second_member_id",
    "repeat",
]


def record_round(session: Session, pairing_round: PairingRound) -> None:
    """Every pair of the round's groups; each a repeat when an earlier round introduced the same two.

    A round stored after later ones (never in copbot, but cheap to keep right) marks their pairs too.
    """
    session.flush()
    one, two = aliased(PairingGroupMember), aliased(PairingGroupMember)
    community_id, slot = pairing_round.community_id, pairing_round.slot_start
    earlier = aliased(PairingPair)
    met_before = (
        select(literal(1))
        .where(
            earlier.community_id == community_id,
            earlier.first_member_id == one.member_id,
            earlier.second_member_id == two.member_id,
            earlier.slot_start < slot,
        )
        .exists()
    )
    pairs = (
        select(
            PairingGroup.team_id,
            literal(community_id),
            PairingGroup.id,
            literal(slot, PairingPair.slot_start.type),
            one.member_id,
            two.member_id,
            met_before,
        )
        .join(one, one.group_id == PairingGroup.id)
        .join(two, and_(two.group_id == PairingGroup.id, two.member_id > one.member_id))
        .where(PairingGroup.round_id == pairing_round.id)
    )
    session.execute(insert(PairingPair).from_select(COLUMNS, pairs))
    now = aliased(PairingPair)
    in_this_round = (
        select(literal(1))
        .where(
            now.community_id == community_id,
            now.slot_start == slot,
            now.first_member_id == PairingPair.first_member_id,
            now.second_member_id == PairingPair.second_member_id,
        )
        .exists()
    )
    session.execute(
        update(PairingPair)
        .where(
            PairingPair.community_id == community_id,
            PairingPair.slot_start > slot,
            PairingPair.repeat.is_not(true()),
            in_this_round,
        )
        .values(repeat=True)
        .execution_options(synchronize_session=False)
    )
