"""Story prompts: what an organiser may write, which prompt comes next, and when prompts go unanswered.

A community's pool is the built-in prompts it did not hide plus its own. The rotation goes through the
pool in rounds: no prompt comes back before every prompt of the pool has been posted since its last turn
(a prompt added mid-round joins the round; a hidden or removed one leaves it). Within a round, the themes
that drew stories in this community before come sooner: each candidate is drawn with its theme's weight,
from a generator seeded by the caller (the community and the slot), so that a replay picks the same one.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from copbot.domain.enums import PromptCadence
from copbot.domain.errors import InvalidInput
from copbot.domain.text import one_line
from copbot.domain.wallclock import local_day, to_utc

PROMPT_TEXT_MAX = 500
OWN_THEME = "own"  # the theme of the prompts a community writes itself
OWN_KEY_PREFIX = "own-"
# A theme whose every post drew a story weighs 1 + THEME_BOOST; one that never did, or was never posted, 1.
THEME_BOOST = 4.0
SILENT_PROMPTS_FOR_SUGGESTION = 3
# A slot missed by more than this (copbot was down) is skipped: a prompt posted hours late reads oddly.
SLOT_WORTH = timedelta(hours=6)
# Fortnightly slots are two weeks apart; a day's leeway absorbs a DST change between them.
_APART = {PromptCadence.WEEKLY: timedelta(days=6), PromptCadence.FORTNIGHTLY: timedelta(days=13)}


@dataclass(frozen=True)
class PoolPrompt:
    """A prompt the community may be sent: its stable key and its theme."""

    key: str
    theme: str


@dataclass(frozen=True)
class PastPrompt:
    """A prompt posted in the community: which, when, and how many stories answered it."""

    key: str
    theme: str
    slot_at: datetime
    stories: int


def own_prompt_key(prompt_id: int) -> str:
    """The rotation's key for a community's own prompt (a row of the prompts table)."""
    return f"{OWN_KEY_PREFIX}{prompt_id}"


def validate_prompt_text(text: str | None) -> str:
    """A prompt an organiser wrote, on one line; InvalidInput when empty or too long."""
    clean = one_line(text)
    if not clean:
        raise InvalidInput("Please write the prompt: the question your community will be asked.")
    if len(clean) > PROMPT_TEXT_MAX:
        raise InvalidInput(
            "A prompt can be at most {max} characters (this one has {length}).",
            max=PROMPT_TEXT_MAX,
            length=len(clean),
        )
    return clean


def choose_prompt(
    pool: Sequence[PoolPrompt], history: Iterable[PastPrompt], *, seed: str
) -> PoolPrompt | None:
    """The next prompt for a community, or None when its pool is empty. Same arguments, same prompt."""
    past = _in_order(history)
    candidates = _not_yet_this_round(pool, past)
    if not candidates:
        return None
    last_theme = past[-1].theme if past else None
    varied = [prompt for prompt in candidates if prompt.theme != last_theme] or candidates
    weights = theme_weights(past)
    draw = random.Random(seed)  # noqa: S311 - a rotation, not a secret: a replay must draw the same
    return draw.choices(varied, [weights.get(prompt.theme, 1.0) for prompt in varied])[0]


def theme_weights(history: Iterable[PastPrompt]) -> dict[str, float]:
    """How much each theme posted in the community is preferred: by the share of its posts answered."""
    posts: dict[str, int] = defaultdict(int)
    answered: dict[str, int] = defaultdict(int)
    for post in history:
        posts[post.theme] += 1
        answered[post.theme] += post.stories > 0
    return {theme: 1.0 + THEME_BOOST * answered[theme] / posts[theme] for theme in posts}


def silent_streak(history: Iterable[PastPrompt]) -> int:
    """How many of the latest prompts in a row drew no story."""
    streak = 0
    for post in reversed(_in_order(history)):
        if post.stories:
            break
        streak += 1
    return streak


def suggests_slower_rhythm(history: Iterable[PastPrompt]) -> bool:
    """True when the latest prompt made the silent streak reach the count that warrants one DM.

    Exactly at the count, so the organisers are told once per streak, not after every further prompt.
    """
    return silent_streak(history) == SILENT_PROMPTS_FOR_SUGGESTION


def slower_cadence(cadence: PromptCadence) -> PromptCadence | None:
    """The next slower rhythm to suggest, or None when there is none slower (other than stopping)."""
    return {PromptCadence.WEEKLY: PromptCadence.FORTNIGHTLY}.get(cadence)


def due_slot(
    cadence: PromptCadence,
    *,
    weekday: int,
    at: time,
    zone: str,
    now: datetime,
    last_slot: datetime | None,
) -> datetime | None:
    """The slot (UTC) a community's prompt is due at now, or None: on its weekday and wall time, in its zone.

    The latest such moment not after `now`, unless it was missed by more than SLOT_WORTH or comes too soon
    after `last_slot` for the rhythm (every other week for fortnightly).
    """
    if cadence not in _APART:
        return None
    today = local_day(now, zone)
    day = today - timedelta(days=(today.weekday() - weekday) % 7)
    slot = to_utc(day, at, zone)
    if slot > now:
        slot = to_utc(day - timedelta(days=7), at, zone)
    if now - slot > SLOT_WORTH:
        return None
    if last_slot is not None and slot - last_slot < _APART[cadence]:
        return None
    return slot


def _in_order(history: Iterable[PastPrompt]) -> list[PastPrompt]:
    return sorted(history, key=lambda post: post.slot_at)


def _not_yet_this_round(pool: Sequence[PoolPrompt], past: Sequence[PastPrompt]) -> list[PoolPrompt]:
    """The pool's prompts not posted since the current round began, in the pool's order."""
    keys = {prompt.key for prompt in pool}
    used: set[str] = set()
    for post in past:
        if post.key in keys:
            used.add(post.key)
            if used == keys:  # the round is complete: the next one starts empty
                used = set()
    return [prompt for prompt in pool if prompt.key not in used]
