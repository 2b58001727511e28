"""What an organiser's App Home flags: deliveries Slack refused, prompts nobody answered, a lost channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from copbot.domain.deliveries import CHANNEL_ERRORS
from copbot.domain.enums import DeliveryStatus
from copbot.store.models import Delivery, PromptPost, Story


def failed_deliveries(session: Session, *, community_id: int, since: datetime) -> int:
    """How many of the community's deliveries Slack refused for good (or every retry failed) since then."""
    query = select(func.count(Delivery.id)).where(
        Delivery.community_id == community_id,
        Delivery.status == DeliveryStatus.FAILED,
        Delivery.updated_at >= since,
    )
    return session.scalar(query) or 0


def silent_prompts(session: Session, *, community_id: int, since: datetime, before: datetime) -> int:
    """Prompts posted between `since` and `before` that drew no story (the later ones still may)."""
    drew = exists().where(Story.prompt_post_id == PromptPost.id)
    query = select(func.count(PromptPost.id)).where(
        PromptPost.community_id == community_id,
        PromptPost.posted_at >= since,
        PromptPost.posted_at < before,
        ~drew,
    )
    return session.scalar(query) or 0


def channel_lost(session: Session, *, community_id: int, channel_id: str) -> str | None:
    """Why copbot can no longer post in the channel (Slack's error), when nothing was sent there since."""
    refused = session.execute(
        select(Delivery.last_error, Delivery.updated_at)
        .where(
            Delivery.community_id == community_id,
            Delivery.channel_id == channel_id,
            Delivery.status == DeliveryStatus.FAILED,
            Delivery.last_error.in_(CHANNEL_ERRORS),
        )
        .order_by(Delivery.updated_at.desc())
        .limit(1)
    ).first()
    if refused is None:
        return None
    sent_since = select(Delivery.id).where(
        Delivery.channel_id == channel_id,
        Delivery.status == DeliveryStatus.SENT,
        Delivery.sent_at > refused.updated_at,
    )
    return None if session.scalar(sent_since.limit(1)) is not None else str(refused.last_error)
