"""A community's life in the store: which communities run their schedule, held deliveries, deletion."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from copbot.domain.enums import DeliveryStatus
from copbot.store.models import Community, Delivery, Story

HELD = "held: the community is paused or archived"


def running() -> ColumnElement[bool]:
    """Communities whose schedule runs: live (not archived) and not paused."""
    return and_(Community.archived_at.is_(None), Community.paused_at.is_(None))


def too_early(community: Community, due_at: datetime) -> bool:
    """Due before the community came back (resumed, unarchived): not caught up in a burst afterwards."""
    return community.resumed_at is not None and due_at < community.resumed_at


def skip_held(
    session: Session, *, kinds: Collection[str], now: datetime, community_id: int | None = None
) -> list[str]:
    """Skip the waiting deliveries of these kinds that fell due while their community was held; their kinds.

    Held: due by now in a paused or archived community, or due before the community came back (resumed,
    unarchived). One due later waits: a short pause does not drop a follow-up due after it ends.
    `community_id`: only that community's (when it is being paused); else every held community's.
    """
    held = select(Community.id).where(~running())
    came_back = select(Community.id).where(
        Community.id == Delivery.community_id,
        Community.resumed_at.is_not(None),
        Delivery.due_at < Community.resumed_at,
    )
    if community_id is not None:
        held = held.where(Community.id == community_id)
        came_back = came_back.where(Community.id == community_id)
    waiting = or_(
        Delivery.status == DeliveryStatus.PENDING,
        and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_expires_at < now),
    )
    fell_due = or_(and_(Delivery.community_id.in_(held), Delivery.due_at <= now), came_back.exists())
    statement: Any = (
        update(Delivery)
        .where(Delivery.kind.in_(list(kinds)), fell_due, waiting)
        .values(status=DeliveryStatus.SKIPPED, claimed_by=None, lease_expires_at=None, last_error=HELD)
        .values(updated_at=now)
        .returning(Delivery.kind)
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(statement))


def delete_community(session: Session, *, community_id: int) -> None:
    """Every row of the community goes, and nothing of any other.

    Its stories first (their search index forgets them by trigger), then the community itself, whose
    foreign keys cascade to everything else it owns (members, sessions, rounds, deliveries, activity…).
    """
    session.execute(delete(Story).where(Story.community_id == community_id))
    session.execute(delete(Community).where(Community.id == community_id))
    session.expunge_all()  # rows the cascade removed must not be flushed again
