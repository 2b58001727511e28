"""Which prompt a community gets next, and when its organisers hear that prompts go unanswered."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from statistics import mean

import pytest

from copbot.domain.enums import PromptCadence
from copbot.domain.errors import InvalidInput
from copbot.domain.prompts import (
    OWN_THEME,
    PROMPT_TEXT_MAX,
    PastPrompt,
    PoolPrompt,
    choose_prompt,
    own_prompt_key,
    silent_streak,
    slower_cadence,
    suggests_slower_rhythm,
    theme_weights,
    validate_prompt_text,
)
from copbot.prompts.library import builtin_library

NEW_YEAR = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# 60 prompts due over a year: one every six days.
SLOTS = [NEW_YEAR + timedelta(days=6 * n) for n in range(60)]
ANSWERED_THEMES = {"mistake", "small-win"}


def _pool() -> list[PoolPrompt]:
    """The built-in library less two hidden prompts, plus two of the community's own."""
    hidden = {"mistake-estimate", "first-time-week"}
    builtin = [prompt.in_pool() for prompt in builtin_library().prompts if prompt.key not in hidden]
    return [*builtin, PoolPrompt(own_prompt_key(1), OWN_THEME), PoolPrompt(own_prompt_key(2), OWN_THEME)]


def _a_year(community: int, pool: list[PoolPrompt]) -> list[PastPrompt]:
    """Sixty prompts in a community where only ANSWERED_THEMES ever draw a story (two each time)."""
    history: list[PastPrompt] = []
    for slot in SLOTS:
        prompt = choose_prompt(pool, history, seed=f"{community}:{slot.isoformat()}")
        assert prompt is not None
        history.append(
            PastPrompt(prompt.key, prompt.theme, slot, 2 if prompt.theme in ANSWERED_THEMES else 0)
        )
    return history


def test_a_year_of_prompts_repeats_none_before_the_pool_is_used_up():
    """The first len(pool) prompts are the whole pool, once each; the next round has no repeat either."""
    pool = _pool()
    for community in range(20):
        keys = [post.key for post in _a_year(community, pool)]
        first_round, second_round = keys[: len(pool)], keys[len(pool) :]

        assert sorted(first_round) == sorted(prompt.key for prompt in pool)
        assert len(set(second_round)) == len(second_round) == len(SLOTS) - len(pool)


def test_themes_that_drew_stories_come_back_more_often():
    """Over a year, in each of 20 communities, answered themes are posted more often than the others.

    Fixed seeds make this exact; 20 communities and clear margins make it more than luck: once the pool is
    used up, answered themes take twice their share of the pool at least.
    """
    pool = _pool()
    themes = {prompt.theme for prompt in pool} - {OWN_THEME}
    pool_share = sum(prompt.theme in ANSWERED_THEMES for prompt in pool) / len(pool)
    answered, others, second_round_share = [], [], []
    for community in range(20):
        history = _a_year(community, pool)
        counts = Counter(post.theme for post in history)
        answered.append(mean(counts[theme] for theme in ANSWERED_THEMES))
        others.append(mean(counts[theme] for theme in themes - ANSWERED_THEMES))
        second_round = history[len(pool) :]
        second_round_share.append(mean(post.theme in ANSWERED_THEMES for post in second_round))

    assert all(a > o for a, o in zip(answered, others, strict=True))
    assert mean(answered) > 1.2 * mean(others)
    assert mean(second_round_share) > 2 * pool_share


def test_the_same_slot_gives_the_same_prompt():
    """The rotation is a function of its arguments: a replay of a slot picks what the first run picked."""
    pool = _pool()
    history = _a_year(7, pool)[:30]

    picks = {choose_prompt(pool, history, seed="7:slot").key for _ in range(5)}  # type: ignore[union-attr]

    assert len(picks) == 1


def test_history_order_does_not_matter():
    """Posts are taken in slot order whatever order the store returned them in."""
    pool = _pool()
    history = _a_year(3, pool)[:20]

    assert choose_prompt(pool, history[::-1], seed="s") == choose_prompt(pool, history, seed="s")


def test_a_prompt_added_mid_round_joins_it_and_a_hidden_one_leaves_it():
    """A new prompt comes before the round ends; a prompt taken out of the pool never comes back."""
    pool = [PoolPrompt(f"p{n}", "mistake") for n in range(4)]
    history = [PastPrompt("p0", "mistake", SLOTS[0], 0), PastPrompt("p1", "mistake", SLOTS[1], 0)]
    grown = [*pool[1:], PoolPrompt("new", "small-win")]  # p0 hidden, "new" added

    picks = []
    for slot in SLOTS[2:5]:
        prompt = choose_prompt(grown, history, seed=slot.isoformat())
        assert prompt is not None
        picks.append(prompt.key)
        history.append(PastPrompt(prompt.key, prompt.theme, slot, 0))

    assert sorted(picks) == ["new", "p2", "p3"]


def test_a_theme_does_not_come_twice_in_a_row_when_another_can():
    """After a prompt of one theme, the next is of another theme while the round still has one."""
    pool = [PoolPrompt("m1", "mistake"), PoolPrompt("m2", "mistake"), PoolPrompt("w1", "small-win")]
    history = [PastPrompt("m1", "mistake", SLOTS[0], 5)]

    assert all(choose_prompt(pool, history, seed=str(seed)).key == "w1" for seed in range(20))  # type: ignore[union-attr]


def test_an_empty_pool_gives_no_prompt():
    """Every prompt hidden and none of its own: there is nothing to post."""
    assert choose_prompt([], [], seed="s") is None


def test_theme_weights_follow_the_share_of_answered_posts():
    """A theme always answered weighs 5, half the time 3, never 1."""
    history = [
        PastPrompt("a", "mistake", SLOTS[0], 1),
        PastPrompt("b", "small-win", SLOTS[1], 3),
        PastPrompt("c", "small-win", SLOTS[2], 0),
        PastPrompt("d", "first-time", SLOTS[3], 0),
    ]

    assert theme_weights(history) == {"mistake": 5.0, "small-win": 3.0, "first-time": 1.0}


def _history(*stories: int) -> list[PastPrompt]:
    return [PastPrompt(f"p{n}", "mistake", SLOTS[n], count) for n, count in enumerate(stories)]


@pytest.mark.parametrize(
    ("stories", "streak", "suggest"),
    [
        ((), 0, False),
        ((1, 0), 1, False),
        ((0, 0), 2, False),
        ((2, 0, 0, 0), 3, True),
        ((0, 0, 0, 0), 4, False),
        ((0, 0, 0, 1), 0, False),
        ((0, 0, 0, 1, 0, 0, 0), 3, True),
    ],
)
def test_silent_prompts_are_counted_and_suggested_once_per_streak(stories, streak, suggest):
    """Unanswered prompts in a row are counted; the third in a row, not the fourth, calls for one DM."""
    assert silent_streak(_history(*stories)) == streak
    assert suggests_slower_rhythm(_history(*stories)) is suggest


def test_the_slower_rhythm_after_weekly_is_fortnightly():
    """Weekly slows to fortnightly; there is nothing slower to suggest after that."""
    assert slower_cadence(PromptCadence.WEEKLY) is PromptCadence.FORTNIGHTLY
    assert slower_cadence(PromptCadence.FORTNIGHTLY) is None


def test_an_organisers_prompt_is_put_on_one_line_up_to_500_characters():
    """Spaces collapse; 500 characters pass."""
    assert validate_prompt_text("  What   did you\nlearn? ") == "What did you learn?"
    assert validate_prompt_text("x" * PROMPT_TEXT_MAX) == "x" * PROMPT_TEXT_MAX


@pytest.mark.parametrize(("text", "params"), [("   ", {}), ("x" * 501, {"max": 500, "length": 501})])
def test_an_empty_or_over_long_prompt_is_refused(text, params):
    """An empty prompt, or one of 501 characters, is refused with a message saying why."""
    with pytest.raises(InvalidInput) as raised:
        validate_prompt_text(text)

    assert raised.value.params == params
