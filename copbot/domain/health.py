"""A community's health at a glance, for its organisers: who is here, who came, who left, what was shared."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

HEALTH_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class CommunityHealth:
    active_members: int
    joined: int  # in the window
    stories: int  # in the window
    left: int  # in the window


def window_start(now: datetime) -> datetime:
    """The earliest moment that counts as "recent"."""
    return now - HEALTH_WINDOW


def community_health(
    now: datetime,
    *,
    active_members: int,
    joined_at: Iterable[datetime],
    shared_at: Iterable[datetime],
    left_at: Iterable[datetime],
) -> CommunityHealth:
    """Count what happened in the last 30 days up to `now`; later timestamps do not count yet."""
    start = window_start(now)

    def recent(moments: Iterable[datetime]) -> int:
        return sum(1 for moment in moments if start <= moment <= now)

    return CommunityHealth(
        active_members=active_members,
        joined=recent(joined_at),
        stories=recent(shared_at),
        left=recent(left_at),
    )
