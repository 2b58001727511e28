"""Forgetting what is no longer needed: old event ids, finished deliveries, lapsed name holds."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from copbot.store import deliveries
from copbot.store.models import NameReservation

logger = logging.getLogger(__name__)

EVENTS_KEPT = timedelta(days=1)  # Slack redelivers an event within minutes; a day is plenty
DELIVERIES_KEPT = timedelta(days=30)  # finished deliveries stay a while for whoever investigates
EVERY = timedelta(hours=1)


class Housekeeping:
    """A planner that prunes, at most once an hour in each process."""

    def __init__(self) -> None:
        self._last_run: datetime | None = None

    def __call__(self, session: Session, now: datetime) -> None:
        if self._last_run is not None and now - self._last_run < EVERY:
            return
        pruned = deliveries.prune(session, now=now, events_kept=EVENTS_KEPT, deliveries_kept=DELIVERIES_KEPT)
        session.execute(delete(NameReservation).where(NameReservation.expires_at <= now))
        self._last_run = now
        if pruned:
            logger.info("housekeeping: forgot %d old event ids and finished deliveries", pruned)
