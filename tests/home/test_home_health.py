"""The organisers' health figures: what counts as the last 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from copbot.domain.health import CommunityHealth, community_health

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EDGE = NOW - timedelta(days=30)


def test_the_window_is_thirty_days_up_to_now_inclusive():
    """Exactly 30 days ago counts, a second earlier does not, and nothing later than now counts yet."""
    moments = [EDGE - timedelta(seconds=1), EDGE, NOW - timedelta(days=1), NOW, NOW + timedelta(seconds=1)]
    health = community_health(NOW, active_members=7, joined_at=moments, shared_at=moments[:3], left_at=[])
    assert health == CommunityHealth(active_members=7, joined=3, stories=2, left=0)


def test_a_quiet_community_counts_zero():
    """No recent rows give zeros, with the active count as given."""
    assert community_health(NOW, active_members=0, joined_at=[], shared_at=[], left_at=[]) == CommunityHealth(
        0, 0, 0, 0
    )


def test_figures_are_counted_independently():
    """Joins, stories and departures are each counted from their own timestamps."""
    recent = NOW - timedelta(days=2)
    health = community_health(
        NOW, active_members=2, joined_at=[recent], shared_at=[recent] * 4, left_at=[recent] * 2
    )
    assert (health.joined, health.stories, health.left) == (1, 4, 2)
