"""The `/cop stats` answer fits Slack's limits with the largest figures and words, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from copbot.domain.stats import Change, Cohort, Period, cohort_months, window_of
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks
from copbot.services.stats import Activation, CommunityStats, PairingFigures, PromptDraw
from copbot.slack.blocks.stats import build_stats
from copbot.store.stats import Learned, Sessions

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def _largest() -> CommunityStats:
    big = Change(10_000, 9_000)
    sessions = Sessions(held=50, planned=5_000, attendances=4_000, attendees=3_000, returning=2_000)
    months = cohort_months(window_of(Period.DAYS_365, NOW))
    return CommunityStats(
        community_name="n" * 80,
        period=Period.DAYS_365,
        members=big,
        joined=big,
        left=Change(3, 0),
        active=big,
        activation=Activation(newcomers=9_000, activated=4_000, median_days=12.5),
        cohorts=[Cohort(month, 1_000, {30: 900, 60: 0}, {30: 800}) for month in months],
        stories=big,
        weeks=53,
        top_prompts=[PromptDraw("p" * 500 + "<&>", 1_000)] * 3,
        top_themes=[("t" * 40, 1_000)] * 3,
        sessions=sessions,
        sessions_held_before=40,
        pairing=PairingFigures(big, big, 500, 400, 4_950, [("a" * 80, "b" * 80)] * 5, 4_550),
        learned=[Learned("U0123456789", NOW, "x" * 3_000 + "<script>")] * 3,
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_largest_answer_is_valid_block_kit(language):
    """80-character names, 3,000-character answers, 13 cohorts: every block within Slack's limits."""
    answer = build_stats(translator(language), _largest())
    assert check_message_blocks(answer["blocks"]) == []
    assert len(answer["blocks"]) <= 50
    assert "<script>" not in str(answer)


def test_changes_from_nothing_and_missing_shares_are_dashes_not_errors():
    """A figure with nothing before says so; a cohort too young shows — rather than 0 %."""
    text = str(build_stats(translator("en"), _largest()))
    assert "(+3, none before)" in text
    assert "joined 1000 · 89% · — · —" in text
