"""Bringing people into a community's channel: an invitation, sent after the commit like every effect."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from copbot.domain.text import N_
from copbot.services.outbox import deliver
from copbot.store.models import Community

INVITE = "channel.invite"
COULD_NOT_ADD = N_("copbot couldn't add you to <#{channel}>: please join it yourself.")


def invite(
    session: Session, *, community: Community, user_id: str, origin: str, now: datetime, tell_if_refused: bool
) -> None:
    """Invite the person to the community's channel; `tell_if_refused`: DM them if Slack says no."""
    deliver(
        session,
        team_id=community.team_id,
        kind=INVITE,
        key=f"invite:{community.id}:{user_id}:{origin}",
        payload={"user_id": user_id, "tell_if_refused": tell_if_refused},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
        worth=timedelta(days=2),
    )
