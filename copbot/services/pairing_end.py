"""A round's end: the result in the channel, and members who left three introductions unanswered paused.

Counted per person: a member who did not answer has ignored the introduction, unless their group met (one
"We met" speaks for the group: they took part).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from copbot.services.outbox import deliver
from copbot.store import pairing as store
from copbot.store.models import Community, Member, PairingRound

RESULT = "pairing.result"
PAUSED_DM = "pairing.paused"
IGNORED_BEFORE_PAUSE = 3


def close_rounds(session: Session, *, now: datetime) -> None:
    """Close the rounds that ended: the result in the channel, ignored rounds counted, pauses after three."""
    for pairing_round in store.rounds_to_close(session, now=now):
        closed = session.execute(
            update(PairingRound)
            .where(PairingRound.id == pairing_round.id, PairingRound.closed_at.is_(None))
            .values(closed_at=now)
            .execution_options(synchronize_session=False)
        )
        if closed.rowcount == 1:  # type: ignore[attr-defined]  # another loop may have closed it
            _close(session, pairing_round, now)


def _close(session: Session, pairing_round: PairingRound, now: datetime) -> None:
    community = session.get(Community, pairing_round.community_id)
    if community is None:
        return
    held = community.paused_at is not None or community.archived_at is not None  # its follow-ups never went
    for part in store.round_parts(session, round_id=pairing_round.id):
        if (
            part.intro_sent and not held
        ):  # an introduction that never went out (a partner left) was not ignored
            ignored = not part.answered and not part.met
            _count_ignored(session, community, part.member, ignored=ignored, now=now)
    deliver(
        session,
        team_id=community.team_id,
        kind=RESULT,
        key=f"pairing-result:{pairing_round.id}",
        payload={"round_id": pairing_round.id},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
    )


def _count_ignored(
    session: Session, community: Community, member: Member, *, ignored: bool, now: datetime
) -> None:
    member.pairing_ignored_rounds = member.pairing_ignored_rounds + 1 if ignored else 0
    if member.pairing_ignored_rounds < IGNORED_BEFORE_PAUSE or member.user_id is None:
        return
    member.pairing_ignored_rounds = 0
    member.pairing_paused_at, member.paused_until = now, None
    deliver(
        session,
        team_id=community.team_id,
        kind=PAUSED_DM,
        key=f"pairing-paused:{member.id}:{now.isoformat()}",
        payload={"user_id": member.user_id},
        now=now,
        community_id=community.id,
    )
