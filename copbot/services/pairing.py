"""Pairing rounds: asking for one, starting it once Slack has said who is around, and closing it.

A round goes through the outbox twice over. Asking for it (the loop on the community's rhythm, or an
organiser's `pair now`) adds a ROUND_START delivery; its sender reads users.info for each candidate, outside
any transaction, and hands the verdicts to `start_round`, which runs in the transaction that marks the
delivery sent: it plans the groups, stores the round with its seed and inputs, and adds the introductions.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind
from copbot.domain.errors import Conflict
from copbot.domain.pairing import (
    Group,
    PairingMember,
    Reason,
    RoundInputs,
    UnplacedReason,
    inputs_to_json,
    plan_round,
)
from copbot.domain.pairing.eligibility import Ineligible, store_verdict
from copbot.domain.pairing.rhythm import current_slot, follow_up_at, round_length
from copbot.domain.text import N_
from copbot.services import pairing_end
from copbot.services.outbox import DAY, deliver, waiting
from copbot.store import pairing as store
from copbot.store import pairing_pairs as pairs
from copbot.store.activity import record_activity
from copbot.store.community_life import too_early
from copbot.store.members import organiser_ids
from copbot.store.models import Community, Member, PairingGroup, PairingGroupMember, PairingRound

ROUND_START = "pairing.round_start"
TOO_FEW = "pairing.too_few"
INTRO = "pairing.intro"
ANNOUNCE = "pairing.announce"
FOLLOW_UP = "pairing.follow_up"
UNPLACED_DM = "pairing.unplaced"  # nobody eligible is left out silently
NO_ROUND = N_("No round: in *{community}*, {eligible} member(s) can be introduced now; two are needed.")
PAUSED = N_("*{community}* is paused: resume it before starting a round.")


class TooFew(Conflict):
    """A `pair now` with fewer than two members who can take part; `counts`: the others, by reason."""

    def __init__(self, community: str, eligible: int, counts: dict[str, int]) -> None:
        super().__init__(NO_ROUND, community=community, eligible=eligible)
        self.counts = counts


def request_round(
    session: Session, *, community: Community, slot_start: datetime, now: datetime, requested_by: str | None
) -> int:
    """Ask for the community's round of `slot_start`; how many members the store's rules let in.

    With fewer than two, nothing is asked for: a `pair now` is refused (Conflict), a planned round tells the
    organisers why.
    """
    if requested_by is not None and community.paused_at is not None:
        raise Conflict(PAUSED, community=community.name)
    verdicts = _store_verdicts(session, community=community, now=now)
    eligible = sum(verdict is None for verdict in verdicts.values())
    if eligible < 2:  # noqa: PLR2004 - a group needs two people
        counts = Counter(str(verdict) for verdict in verdicts.values() if verdict is not None)
        if requested_by is not None:
            raise TooFew(community.name, eligible, dict(counts))
        tell_too_few(session, community=community, slot_start=slot_start, counts=dict(counts), now=now)
        return eligible
    deliver(
        session,
        team_id=community.team_id,
        kind=ROUND_START,
        key=round_key(community.id, slot_start),
        payload={"slot_start": slot_start.isoformat(), "requested_by": requested_by},
        now=now,
        community_id=community.id,
    )
    return eligible


def round_key(community_id: int, slot_start: datetime) -> str:
    return f"pairing-round:{community_id}:{slot_start.isoformat()}"


def plan_rounds(session: Session, *, now: datetime) -> None:
    """The loop's part: ask for each community's round when its slot comes, close the rounds that ended."""
    for community in store.communities_with_rounds(session):
        slot = current_slot(
            now,
            every_weeks=community.pairing_every_weeks,
            weekday=community.pairing_weekday,
            timezone=community.timezone,
        )
        if slot is None or too_early(community, slot) or _already_had(session, community, slot):
            continue
        if waiting(session, kind=ROUND_START, community_id=community.id):
            continue  # a round asked for earlier has not started yet (Slack held it back): one at a time
        request_round(session, community=community, slot_start=slot, now=now, requested_by=None)
    pairing_end.close_rounds(session, now=now)


def _already_had(session: Session, community: Community, slot: datetime) -> bool:
    """This slot was asked for already, or an organiser's `pair now` of this period stands in for it."""
    organisers = organiser_ids(session, community_id=community.id)
    keys = [round_key(community.id, slot), *(too_few_key(community.id, slot, user) for user in organisers)]
    if store.is_planned(session, work_keys=keys):
        return True
    last = store.last_round(session, community_id=community.id)
    return last is not None and last.slot_start > slot - round_length(community.pairing_every_weeks) + DAY


def round_candidates(session: Session, *, community_id: int, now: datetime) -> dict[int, str]:
    """member id → user id of the members the store's rules let into a round now (for the Slack check)."""
    community = session.get(Community, community_id)
    if community is None or community.archived_at is not None:
        return {}
    verdicts = _store_verdicts(session, community=community, now=now)
    users = {c.member_id: c.user_id for c in store.candidates(session, community_id=community_id)}
    return {member_id: users[member_id] or "" for member_id, verdict in verdicts.items() if verdict is None}


def start_round(
    session: Session,
    *,
    community_id: int,
    slot_start: datetime,
    requested_by: str | None,
    time_zones: dict[int, str | None],
    left_out: dict[str, int],
    now: datetime,
) -> PairingRound | None:
    """Plan and store the round among `time_zones`' members (those Slack says are around); None if none."""
    community = session.get(Community, community_id)
    if community is None or community.archived_at is not None or community.paused_at is not None:
        return None
    members = _members(session, list(time_zones))
    inputs = _inputs(session, community, members, time_zones, slot_start, now)
    plan = plan_round(inputs)
    if not plan.groups:
        verdicts = _store_verdicts(session, community=community, now=now).values()
        counts = Counter(str(verdict) for verdict in verdicts if verdict is not None)
        avoided = sum(unplaced.reason is UnplacedReason.AVOIDED for unplaced in plan.unplaced)
        counts.update({**left_out, "avoided": avoided})
        tell_too_few(session, community=community, slot_start=slot_start, counts=+counts, now=now)
        return None
    ends = slot_start + round_length(community.pairing_every_weeks)
    pairing_round = PairingRound(
        team_id=community.team_id,
        community_id=community.id,
        slot_start=slot_start,
        created_at=now,
        ends_at=ends,
        followup_due_at=follow_up_at(now, ends),
        requested_by=requested_by,
        seed=inputs.seed,
        version=plan.version,
        inputs=inputs_to_json(inputs),
    )
    session.add(pairing_round)
    session.flush()
    users = {member.id: member.user_id for member in members}
    for group in plan.groups:
        _store_group(
            session, community, pairing_round, group.members, _group_row(pairing_round, group), users
        )
    pairs.record_round(session, pairing_round)  # who met whom before, for the stats
    for unplaced in plan.unplaced:
        _tell_unplaced(session, community, pairing_round, users.get(unplaced.member_id))
    deliver(
        session,
        team_id=community.team_id,
        kind=ANNOUNCE,
        key=f"pairing-announce:{pairing_round.id}",
        payload={"round_id": pairing_round.id},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
    )
    return pairing_round


def _tell_unplaced(
    session: Session, community: Community, pairing_round: PairingRound, user_id: str | None
) -> None:
    """Why someone got no introduction, without saying who avoids whom."""
    if user_id is None:
        return
    deliver(
        session,
        team_id=community.team_id,
        kind=UNPLACED_DM,
        key=f"pairing-unplaced:{pairing_round.id}:{user_id}",
        payload={"user_id": user_id},
        now=pairing_round.created_at,
        community_id=community.id,
    )


def tell_too_few(
    session: Session, *, community: Community, slot_start: datetime, counts: Mapping[str, int], now: datetime
) -> None:
    """Tell the organisers why the round of `slot_start` has no groups (who was left out, by reason)."""
    for user_id in organiser_ids(session, community_id=community.id):
        deliver(
            session,
            team_id=community.team_id,
            kind=TOO_FEW,
            key=too_few_key(community.id, slot_start, user_id),
            payload={"user_id": user_id, "counts": dict(counts)},
            now=now,
            community_id=community.id,
        )


def too_few_key(community_id: int, slot_start: datetime, user_id: str) -> str:
    return f"pairing-too-few:{community_id}:{slot_start.isoformat()}:{user_id}"


def _store_verdicts(session: Session, *, community: Community, now: datetime) -> dict[int, Ineligible | None]:
    return {c.member_id: store_verdict(c, now) for c in store.candidates(session, community_id=community.id)}


def _members(session: Session, member_ids: list[int]) -> list[Member]:
    return [
        member for member_id in sorted(member_ids) if (member := session.get(Member, member_id)) is not None
    ]


def _inputs(  # noqa: PLR0917 - the round's whole context
    session: Session,
    community: Community,
    members: list[Member],
    time_zones: dict[int, str | None],
    slot_start: datetime,
    now: datetime,
) -> RoundInputs:
    users = {member.user_id: member.id for member in members if member.user_id}
    return RoundInputs(
        members=tuple(
            PairingMember(
                member_id=member.id,
                experience=member.experience,
                joined_at=member.joined_at,
                team=member.team_name,
                time_zone=time_zones.get(member.id),
                interests=tuple(member.interests or ()),
            )
            for member in members
        ),
        group_size=community.pairing_group_size if community.pairing_group_size in (2, 3) else 2,
        now=now,
        # Drawn from the slot, so that the demo and the tests see the same groups; stored all the same.
        seed=zlib.crc32(f"{community.id}:{slot_start.isoformat()}".encode()),
        history=store.history(session, community_id=community.id, now=now),
        previous_extras=store.previous_extras(session, community_id=community.id),
        avoids=store.avoided_pairs(session, team_id=community.team_id, members=users),
        last_proposed=store.last_proposed(session, member_ids=list(users.values())),
    )


def _group_row(pairing_round: PairingRound, group: Group) -> PairingGroup:
    return PairingGroup(
        team_id=pairing_round.team_id,
        round_id=pairing_round.id,
        proposer_member_id=group.proposer,
        extra_member_id=group.extra,
        reasons=[_reason_json(reason) for reason in group.reasons],
    )


def _store_group(  # noqa: PLR0917 - a group and where it belongs
    session: Session,
    community: Community,
    pairing_round: PairingRound,
    member_ids: tuple[int, ...],
    row: PairingGroup,
    users: dict[int, str | None],
) -> None:
    session.add(row)
    session.flush()
    for member_id in member_ids:
        session.add(PairingGroupMember(team_id=community.team_id, group_id=row.id, member_id=member_id))
        record_activity(
            session, community, users.get(member_id), ActivityKind.PAIRED, pairing_round.created_at
        )
    team_id, now = community.team_id, pairing_round.created_at
    payload = {"group_id": row.id}
    deliver(
        session,
        team_id=team_id,
        kind=INTRO,
        key=f"pairing-intro:{row.id}",
        payload=payload,
        now=now,
        community_id=community.id,
    )
    assert pairing_round.followup_due_at is not None
    assert pairing_round.ends_at is not None
    deliver(
        session,
        team_id=team_id,
        kind=FOLLOW_UP,
        key=f"pairing-follow-up:{row.id}",
        payload=payload,
        now=now,
        community_id=community.id,
        due_at=pairing_round.followup_due_at,
        worth=pairing_round.ends_at - pairing_round.followup_due_at,
    )


def _reason_json(reason: Reason) -> dict[str, Any]:
    data = asdict(reason)
    data["code"] = str(reason.code)
    data["pair"] = list(reason.pair)
    data["last_met"] = reason.last_met.isoformat() if reason.last_met else None
    data["guide_experience"] = str(reason.guide_experience) if reason.guide_experience else None
    data["teams"], data["interests"] = list(reason.teams), list(reason.interests)
    return data
