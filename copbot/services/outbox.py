"""How a use case says "tell Slack": a delivery in the outbox, written in the use case's own transaction.

Services never call Slack. They decide what is to be sent (a kind, what it needs to be rendered, when it is
due, until when it is worth sending) and record it here; copbot.slack.outbox sends it after the commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from copbot.domain.deliveries import CHANNEL_ERRORS
from copbot.store import deliveries
from copbot.store.deliveries import Claimed, NewDelivery
from copbot.store.members import organiser_ids
from copbot.store.models import Community

DAY = timedelta(days=1)
CHANNEL_PROBLEM = "community.channel_problem"  # a DM to each organiser: copbot can't post in the channel


def deliver(
    session: Session,
    *,
    team_id: str,
    kind: str,
    key: str,
    payload: dict[str, Any],
    now: datetime,
    community_id: int | None = None,
    channel_id: str | None = None,
    due_at: datetime | None = None,
    worth: timedelta = DAY,
) -> bool:
    """Add a delivery unless one with this work key exists; True when this call added it.

    `worth`: how long after it is due sending it still makes sense (a reminder after its session, a reply
    to a click an hour later, do not).
    """
    due = due_at or now
    delivery = NewDelivery(
        team_id=team_id,
        work_key=key,
        kind=kind,
        payload=payload,
        due_at=due,
        expires_at=due + worth,
        community_id=community_id,
        channel_id=channel_id,
    )
    return deliveries.add(session, delivery, now) is not None


def waiting(session: Session, *, kind: str, community_id: int) -> bool:
    """Whether a delivery of this kind for the community is still to be sent."""
    return deliveries.waiting(session, kind=kind, community_id=community_id)


def keep_progress(session: Session, delivery: Claimed, progress: dict[str, Any]) -> None:
    """Keep what a long send read before Slack held it back (a 429): its next try goes on from there."""
    deliveries.keep_progress(session, delivery.id, {**delivery.payload, "progress": progress})


def channel_refused(session: Session, delivery: Claimed, *, reason: str, now: datetime) -> None:
    """A community's channel refused a delivery for good: tell its organisers, once per channel and reason."""
    if reason not in CHANNEL_ERRORS or delivery.community_id is None or delivery.channel_id is None:
        return
    community = session.get(Community, delivery.community_id)
    if community is None or community.channel_id != delivery.channel_id:
        return  # the community moved on to another channel since
    for user_id in organiser_ids(session, community_id=community.id):
        deliver(
            session,
            team_id=community.team_id,
            kind=CHANNEL_PROBLEM,
            key=f"channel-problem:{community.id}:{community.channel_id}:{reason}:{user_id}",
            payload={"community_id": community.id, "user_id": user_id, "reason": reason},
            now=now,
            community_id=community.id,
        )
