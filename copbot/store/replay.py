"""Signatures already answered: a request is acted on once, however often it is replayed.

The database is shared by every replica and decides the race (INSERT … ON CONFLICT DO NOTHING), so a replay
sent to another replica, or two copies arriving at once, still find one winner. A signature only needs
remembering for Slack's 5-minute window; older rows are deleted now and then.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete

from copbot.store.models import SeenRequest
from copbot.store.upsert import insert_if_absent

KEEP = timedelta(minutes=10)  # twice Slack's window, so that clocks a little apart cannot matter


def first_sight(connection: Connection, *, signature: str, now: datetime) -> bool:
    """Record the signature; False when it was seen before (a replay)."""
    return insert_if_absent(connection, SeenRequest, ["signature"], signature=signature, seen_at=now)


def forget_old(connection: Connection, *, now: datetime) -> int:
    """Delete signatures older than any request Slack's signature window still accepts; return how many."""
    result = connection.execute(delete(SeenRequest).where(SeenRequest.seen_at < now - KEEP))
    return int(getattr(result, "rowcount", 0) or 0)
