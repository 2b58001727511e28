"""Member queries several use cases share."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from copbot.domain.enums import Role
from copbot.store.models import Member


def organiser_ids(session: Session, *, community_id: int) -> list[str]:
    """The user ids of the community's organisers, earliest first (workspace admins are not listed)."""
    query = (
        select(Member.user_id)
        .where(
            Member.community_id == community_id,
            Member.role == Role.ORGANISER,
            Member.left_at.is_(None),
            Member.user_id.is_not(None),
        )
        .order_by(Member.joined_at, Member.id)
    )
    return [user_id for user_id in session.scalars(query) if user_id]
