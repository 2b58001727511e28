"""What members type to control their pairing: a pause length, or a date it ends."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from copbot.domain.errors import InvalidInput

_DURATION = re.compile(r"^(\d{1,3})\s*([dwm])$")  # days, weeks, months (30 days)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30}
MAX_PAUSE = timedelta(days=366)
UNTIL_WORDS = ("until", "jusqu'au", "jusquau", "au")


def pause_end(words: list[str], *, now: datetime, timezone: str) -> datetime | None:
    """When a pause asked for with these words ends; None: until resumed. InvalidInput if unclear."""
    if not words:
        return None
    if words[0].casefold() in UNTIL_WORDS:
        return _until(" ".join(words[1:]), now=now, timezone=timezone)
    if len(words) == 1:
        match = _DURATION.match(words[0].casefold().replace("j", "d").replace("s", "w"))  # French j, s
        if match and int(match.group(1)) > 0:
            length = timedelta(days=int(match.group(1)) * _UNIT_DAYS[match.group(2)])
            return now + min(length, MAX_PAUSE)
    raise InvalidInput(
        "I don't understand “{words}”. Try `/cop pair pause 2w` or `/cop pair pause until 2026-05-04`.",
        words=" ".join(words)[:40],
    )


def _until(text: str, *, now: datetime, timezone: str) -> datetime:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            "“{text}” is not a date I can read: write it as YYYY-MM-DD, e.g. 2026-05-04.", text=text[:40]
        ) from None
    end = datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    if end <= now:
        raise InvalidInput("{day} has already passed: pick a date in the future.", day=day)
    if end - now > MAX_PAUSE:
        raise InvalidInput("A pause can last a year at most.")
    return end
