"""Holding a community's short name and name while it is being created, before its row can exist.

Creating a community in a new channel asks Slack for the channel first (its id goes in the row). Without a
hold, fifty simultaneous creates of one short name would make fifty channels and one community. The hold is
taken in a transaction of its own, committed at once, so that the others see it before asking Slack;
it is given up by the transaction that stores the community (or on failure), and lapses after a while if
its process died.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from copbot.clock import Clock
from copbot.store.db import unit_of_work
from copbot.store.models import NameReservation
from copbot.store.upsert import insert_if_absent

HOLD_FOR = timedelta(minutes=2)


class _HeldElsewhere(Exception):
    pass


class Reservations:
    def __init__(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock

    @contextmanager
    def hold(self, team_id: str, keys: list[str]) -> Iterator[bool]:
        """Yield True when all `keys` are now held by the caller (False: someone else holds one).

        Leaving the block by an exception gives the hold up; leaving it normally keeps it until
        `release` runs in the caller's own transaction (so the names pass straight to the new row).
        """
        held = self._take(team_id, keys)
        try:
            yield held
        except BaseException:
            if held:
                with unit_of_work(self._session_factory) as session:
                    release(session, team_id=team_id, keys=keys)
            raise

    def _take(self, team_id: str, keys: list[str]) -> bool:
        now = self._clock.now()
        try:
            with unit_of_work(self._session_factory) as session:
                _forget_lapsed(session, team_id, keys, now)
                for key in keys:
                    self._insert(session, team_id, key, now)
        except _HeldElsewhere:
            return False  # the transaction rolled back: the keys this call did take are free again
        return True

    @staticmethod
    def _insert(session: Session, team_id: str, key: str, now: datetime) -> None:
        values = {"team_id": team_id, "key": key, "expires_at": now + HOLD_FOR}
        if not insert_if_absent(session, NameReservation, ["team_id", "key"], **values):
            raise _HeldElsewhere


def release(session: Session, *, team_id: str, keys: list[str]) -> None:
    session.execute(
        delete(NameReservation).where(NameReservation.team_id == team_id, NameReservation.key.in_(keys))
    )


def _forget_lapsed(session: Session, team_id: str, keys: list[str], now: datetime) -> None:
    session.execute(
        delete(NameReservation).where(
            NameReservation.team_id == team_id,
            NameReservation.key.in_(keys),
            NameReservation.expires_at <= now,
        )
    )
