"""Who takes part in a round: the rules on what copbot stores, then the ones on what Slack says of the person.

The store's rules run when a round is asked for (opted in, not left, not paused, their rhythm); Slack's run
once per round, on a fresh users.info, when the round starts: a deactivated account, a bot, or someone whose
status says they are away (a 🌴, or words such as vacation, holiday, OOO, congés, vacances).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

AWAY_EMOJI = frozenset({":palm_tree:", ":desert_island:", "🌴"})
_AWAY_WORDS = re.compile(
    r"\b(vacation|vacations|holiday|holidays|ooo|out of office|pto|conges|conge|vacances)\b"
)


class Ineligible(StrEnum):
    OPTED_OUT = "opted_out"
    LEFT = "left"
    PAUSED = "paused"
    SKIPS_THIS_ROUND = "skips_this_round"  # every other round, and they were in the last one
    INACTIVE = "inactive"  # deactivated, a bot, or unknown to Slack
    AWAY = "away"  # their Slack status says so


@dataclass(frozen=True)
class Candidate:
    """A member as the store knows them, for the store's rules."""

    member_id: int
    user_id: str | None  # None once erased
    opted_in: bool
    left: bool
    paused_at: datetime | None
    paused_until: datetime | None
    every_other_round: bool
    in_last_round: bool


@dataclass(frozen=True)
class Presence:
    """What Slack's users.info says of the person this round (None fields: Slack did not say)."""

    known: bool
    deleted: bool = False
    is_bot: bool = False
    status_emoji: str = ""
    status_text: str = ""


def is_paused(paused_at: datetime | None, paused_until: datetime | None, now: datetime) -> bool:
    """Paused from `paused_at` on, until `paused_until` (never, when None)."""
    return paused_at is not None and (paused_until is None or paused_until > now)


def store_verdict(candidate: Candidate, now: datetime) -> Ineligible | None:
    """Why the store's rules leave the member out of this round; None when they are in."""
    if candidate.left or candidate.user_id is None:
        return Ineligible.LEFT
    if not candidate.opted_in:
        return Ineligible.OPTED_OUT
    if is_paused(candidate.paused_at, candidate.paused_until, now):
        return Ineligible.PAUSED
    if candidate.every_other_round and candidate.in_last_round:
        return Ineligible.SKIPS_THIS_ROUND
    return None


def slack_verdict(presence: Presence) -> Ineligible | None:
    """Why Slack's view of the person leaves them out of this round; None when they are in."""
    if not presence.known or presence.deleted or presence.is_bot:
        return Ineligible.INACTIVE
    if is_away(presence.status_emoji, presence.status_text):
        return Ineligible.AWAY
    return None


def is_away(emoji: str, text: str) -> bool:
    """A holiday emoji, or a status saying vacation, holiday, OOO, congés or vacances (any case, accents)."""
    if emoji.strip() in AWAY_EMOJI or "🌴" in text:
        return True
    return _AWAY_WORDS.search(_folded(text)) is not None


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
