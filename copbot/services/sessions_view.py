"""What people are shown of sessions: plain values the session services fill and the Block Kit builders read.

No ORM types here: a listener renders these without touching the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from copbot.domain.enums import Repeat


@dataclass(frozen=True)
class OccurrenceView:
    """One session of a series, as the list, a reminder and the App Home show it.

    `ref` is the occurrence's reference (`copbot.domain.sessions.OccurrenceRef` as a string), which its
    buttons carry. `going` holds the user ids of the first people going, in the order they answered;
    `going_count` counts them all.
    """

    ref: str
    title: str
    agenda: str
    starts_at: datetime  # UTC
    duration_minutes: int
    place: str
    timezone: str  # the community's: the time's fallback text is written in it
    going: tuple[str, ...] = ()
    going_count: int = 0
    maybe_count: int = 0
    cant_count: int = 0
    cancelled: bool = False  # a reminder drawn again after its session was cancelled: no buttons


@dataclass(frozen=True)
class SessionFormValues:
    """What the session modal shows pre-filled: a blank plan, or a series being edited (local values)."""

    title: str = ""
    agenda: str = ""
    day: date | None = None
    at: time | None = None
    duration_minutes: int = 60
    place: str = ""
    repeat: Repeat = Repeat.NONE
    until: date | None = None
