"""The loop: every tick, the planners add what became due to the outbox, then the sender sends what is due.

Runs in `copbot run`, in each `copbot serve` worker and alone as `copbot worker` (APScheduler 3's
BackgroundScheduler, one job). Any number of loops may share a database: planners add deliveries under
unique work keys and the sender claims each delivery once, so together they send everything exactly once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from copbot import metrics
from copbot.clock import Clock
from copbot.slack.outbox.sender import Sender
from copbot.store.db import unit_of_work

logger = logging.getLogger(__name__)
JOB_ID = "copbot-tick"
STALL_TICKS, STALL_SECONDS = 3, 60.0  # /healthz calls the loop stalled after both have passed quietly


class Planner(Protocol):
    """Adds the deliveries that are due by `now` (work keys make a second call add nothing)."""

    def __call__(self, session: Session, now: datetime) -> None: ...


class Loop:
    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        clock: Clock,
        sender: Sender,
        planners: Sequence[Planner],
        tick_seconds: float,
        stall_after: float | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._sender = sender
        self._planners = planners
        self._tick_seconds = tick_seconds
        self._stall_after = stall_after or max(STALL_TICKS * tick_seconds, STALL_SECONDS)
        self._scheduler: BackgroundScheduler | None = None
        self.last_tick_at: datetime | None = None
        self._started = time.monotonic()
        self._tick_started: float | None = None  # monotonic; None between ticks
        self._tick_ended: float | None = None

    def start(self) -> None:
        scheduler = BackgroundScheduler(timezone=UTC)
        trigger = IntervalTrigger(seconds=self._tick_seconds, timezone=UTC)
        first = datetime.now(UTC)  # APScheduler keeps real time; copbot's own clock is for the work
        scheduler.add_job(
            self.scheduled_tick, trigger, id=JOB_ID, max_instances=1, coalesce=True, next_run_time=first
        )
        self._started = time.monotonic()
        scheduler.start()
        self._scheduler = scheduler
        logger.info("copbot loop started: a tick every %s s", self._tick_seconds)

    def stop(self) -> None:
        """Stop ticking; what the sender holds is finished or given back before this returns."""
        self._sender.stop()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None

    def tick(self) -> int:
        """Plan, then send what is due; the number of deliveries handled."""
        started = time.monotonic()
        if self._tick_ended is not None and self._tick_started is None:
            metrics.loop_lag(started - self._tick_ended - self._tick_seconds)
        self._tick_started = started
        try:
            now = self._clock.now()
            for planner in self._planners:
                self._plan(planner, now)
            handled = self._sender.send_due(seconds=self._tick_seconds)
        finally:
            self._tick_started, self._tick_ended = None, time.monotonic()
        self.last_tick_at = self._clock.now()
        return handled

    def scheduled_tick(self) -> None:
        """The scheduler's job: while the database is away (a restart), one line a tick, not a traceback.

        The next tick tries again; the pool's pre-ping replaces the connections the restart closed.
        """
        try:
            self.tick()
        except OperationalError as error:
            reason = str(error.orig).splitlines()[0] if error.orig is not None else type(error).__name__
            logger.warning("tick skipped, the database does not answer: %s", reason)

    def stalled(self) -> bool:
        """True when this process runs the loop and it has not ticked for a while (for /healthz)."""
        if self._scheduler is None or self._tick_started is not None:
            return False  # not ours to run here, or ticking now (a long send is progress, not a stall)
        quiet_for = time.monotonic() - (self._tick_ended or self._started)
        return quiet_for > self._stall_after

    def _plan(self, planner: Planner, now: datetime) -> None:
        """One planner, one transaction: what it adds is sent by the send that follows."""
        try:
            with unit_of_work(self._session_factory) as session:
                planner(session, now)
        except OperationalError:
            raise  # the database is away: the whole tick is skipped (scheduled_tick)
        except Exception:
            logger.exception("planner %s failed; the next tick tries again", _name(planner))


def _name(planner: Callable[..., object]) -> str:
    return getattr(planner, "__qualname__", repr(planner))
