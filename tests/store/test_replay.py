"""The replay record: each signature is acted on once, and forgotten after Slack's window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from copbot.store.db import autocommitted
from copbot.store.replay import KEEP, first_sight, forget_old


def test_a_signature_is_new_once_then_forgotten_after_the_window(engine):
    """Seen once, a signature is a replay; once older than KEEP it is deleted and would count as new."""
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    with autocommitted(engine) as connection:
        assert first_sight(connection, signature="v0=old", now=now - KEEP - timedelta(seconds=1))
        assert first_sight(connection, signature="v0=recent", now=now - KEEP + timedelta(seconds=1))
        assert not first_sight(connection, signature="v0=recent", now=now)
        assert forget_old(connection, now=now) == 1
        assert first_sight(connection, signature="v0=old", now=now)
        assert not first_sight(connection, signature="v0=recent", now=now)
