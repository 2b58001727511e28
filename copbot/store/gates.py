"""Slack gates: when a workspace may next call a method (after a 429) or post in a channel (pacing).

Kept in the database so that every sender on it, in any process, respects the same limits; each check is
one short statement, and nobody sleeps: a delivery that meets a closed gate is simply due again later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CursorResult, Executable, select, update
from sqlalchemy.orm import Session

from copbot.store import dialect
from copbot.store.models import SlackGate


def method_key(method: str) -> str:
    """Closed by a 429 for a method Slack limits per workspace (its tiers)."""
    return f"method:{method}"


def channel_key(channel_id: str) -> str:
    """Closed by a 429 for a post: Slack limits chat.postMessage per channel."""
    return f"channel:{channel_id}"


def pace_key(channel_id: str) -> str:
    """The pace of posts in a channel (one a second, short bursts)."""
    return f"pace:{channel_id}"


def closed_until(session: Session, *, team_id: str, key: str, now: datetime) -> datetime | None:
    """When the gate opens, if it is closed now."""
    query = select(SlackGate.not_before).where(
        SlackGate.team_id == team_id, SlackGate.key == key, SlackGate.not_before > now
    )
    return session.scalar(query)


def close_until(session: Session, *, team_id: str, key: str, until: datetime) -> None:
    """Keep the gate closed until `until` at least (a later closing already there wins)."""
    insert = dialect.insert(session, SlackGate).values(team_id=team_id, key=key, not_before=until)
    later = dialect.greatest(session, SlackGate.not_before, insert.excluded.not_before)
    upsert = insert.on_conflict_do_update(index_elements=["team_id", "key"], set_={"not_before": later})
    session.execute(upsert)


def pass_through(
    session: Session, *, team_id: str, key: str, now: datetime, interval: timedelta, burst: int
) -> datetime | None:
    """Go through a paced gate (one pass per `interval`, `burst` at once); else when it opens.

    GCRA: `not_before` holds the theoretical time of the next pass; a pass is allowed while that time
    is less than `burst - 1` intervals ahead. The update is a compare-and-swap on the value read, so of
    concurrent senders on any replica, each pass is counted once.
    """
    tolerance = interval * (burst - 1)
    while True:
        scheduled = _read(session, team_id, key)
        if scheduled is not None and scheduled - tolerance > now:
            return scheduled - tolerance
        if _swap(session, team_id, key, expected=scheduled, new=max(scheduled or now, now) + interval):
            return None


def _read(session: Session, team_id: str, key: str) -> datetime | None:
    query = select(SlackGate.not_before).where(SlackGate.team_id == team_id, SlackGate.key == key)
    return session.scalar(query)


def _swap(session: Session, team_id: str, key: str, *, expected: datetime | None, new: datetime) -> bool:
    statement: Executable
    if expected is None:
        inserted = dialect.insert(session, SlackGate).values(team_id=team_id, key=key, not_before=new)
        statement = inserted.on_conflict_do_nothing(index_elements=["team_id", "key"])
    else:
        statement = (
            update(SlackGate)
            .where(SlackGate.team_id == team_id, SlackGate.key == key, SlackGate.not_before == expected)
            .values(not_before=new)
        )
    result = session.execute(statement.execution_options(preserve_rowcount=True))
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
