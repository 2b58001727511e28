"""The one sender: claims due deliveries, has their kind send them, and records how it went.

Used by requests (what a request added is sent as soon as it is committed and answered) and by the loop
(everything else that is due: retries, scheduled work, what a dead process left). No Slack call happens
inside a database transaction: claiming, rendering and recording are each their own short transaction.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from copbot import metrics
from copbot.clock import Clock
from copbot.domain.deliveries import NO_ANSWER, SlackRefusal, Verdict, gives_up, retry_delay, verdict
from copbot.services import outbox
from copbot.services.community_life import HELD_KINDS
from copbot.slack.client import api_error_code
from copbot.slack.outbox.client import Gated, GateKeeper, SenderClient
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Refused, Sent
from copbot.slack.people import People
from copbot.slack.tokens import BotTokens
from copbot.store import community_life, deliveries
from copbot.store.db import unit_of_work
from copbot.store.deliveries import Claimed
from copbot.store.workspaces import refuse_token

logger = logging.getLogger(__name__)

NOT_INSTALLED = "not_installed"
RECORD_RETRY_SECONDS = 0.5  # between attempts to record a send while the database is away
T = TypeVar("T")


@dataclass(frozen=True)
class SenderSettings:
    api_url: str
    default_language: str
    lease: timedelta = timedelta(seconds=120)
    call_timeout: float = 10.0
    threads: int = 8
    batch: int = 16


def _finished(future: Future[None] | None) -> None:
    """Wait for a task; one cancelled by `stop` counts as finished (futures.wait() would never return)."""
    if future is not None:
        with contextlib.suppress(CancelledError):
            future.result()


def worker_name() -> str:
    """Who holds a claim: host, process and a random part (a restarted process is someone else)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Sender:
    def __init__(
        self,
        *,
        session_factory: sessionmaker[Session],
        clock: Clock,
        kinds: Mapping[str, DeliveryKind],
        tokens: BotTokens,
        people: People,
        settings: SenderSettings,
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._kinds = kinds
        self._tokens = tokens
        self._people = people
        self._settings = settings
        self._gate_keeper = GateKeeper(session_factory, clock)
        self.worker = worker_name()
        self._rng = random.Random()  # noqa: S311 - jitter, not secrecy
        self._pool = ThreadPoolExecutor(settings.threads, thread_name_prefix="copbot-sender")
        self._busy = 0
        self._counts: Counter[str] = Counter()
        self._idle = threading.Condition()
        self._stopping = threading.Event()

    # --- entry points ----------------------------------------------------------------------------------

    def send_soon(self, ids: list[int]) -> None:
        """Send these just-committed deliveries now, on the sender's threads (the caller does not wait)."""
        if ids and not self._stopping.is_set():
            self._submit(lambda: self._send_ids(ids))

    def send_due(self, *, seconds: float) -> int:
        """Send what is due, batch after batch, for at most about `seconds`; the number handled."""
        skipped = self._in_transaction(self._skip_unwanted)
        for kind in skipped:
            self._finished(kind, "skipped")
        if skipped:
            logger.info("skipped %d deliveries: past their time, or held by a paused community", len(skipped))
        handled, deadline = 0, time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < deadline:
            batch = self._in_transaction(self._claim_due)
            if not batch:
                break
            for future in [self._submit(self._delivering(claimed)) for claimed in batch]:
                _finished(future)
            handled += len(batch)
        return handled

    def _skip_unwanted(self, session: Session) -> list[str]:
        """What is past its time, and what a paused or archived community had planned: never sent late."""
        now = self._now()
        held = community_life.skip_held(session, kinds=HELD_KINDS, now=now)
        return deliveries.skip_expired(session, now=now) + held

    @property
    def counts(self) -> dict[str, int]:
        """How deliveries went here: sent, failed, retried, gated, skipped, token_refused, given_back."""
        with self._idle:
            return dict(self._counts)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is being sent by this sender (tests and the demo read Slack's state then)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def stop(self) -> None:
        """Stop taking work, let what is being sent finish, and give back what was claimed but not sent."""
        self._stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._idle:
            self._busy = 0  # cancelled tasks never ran: nothing is being sent any more
            self._idle.notify_all()
        released = self._in_transaction(
            lambda session: deliveries.release_all(session, worker=self.worker, now=self._now())
        )
        if released:
            logger.info("gave back %d claimed deliveries", released)

    # --- one delivery ------------------------------------------------------------------------------------

    def _send_ids(self, ids: list[int]) -> None:
        claimed = self._in_transaction(
            lambda session: deliveries.claim_ids(
                session, ids, now=self._now(), worker=self.worker, lease=self._settings.lease
            )
        )
        for delivery in claimed:
            self._submit(self._delivering(delivery))

    def _delivering(self, delivery: Claimed) -> Callable[[], None]:
        return lambda: self._deliver(delivery)

    def _deliver(self, delivery: Claimed) -> None:
        if self._lease_short(delivery):
            # It waited for a thread (the others recording while the database was away): with its lease
            # nearly over, another sender may take it and send it while this one does. Hand it back.
            logger.info("delivery %s waited past half its lease; given back unsent", delivery.work_key)
            self._count("given_back")
            self._release(delivery, self._now(), reason=None, counts_as_attempt=False)
            return
        kind = self._kinds.get(delivery.kind)
        token = self._tokens.bot_token_for(delivery.team_id)
        if kind is None or token is None:
            self._fail(delivery, kind, f"unknown kind {delivery.kind}" if kind is None else NOT_INSTALLED)
            return
        try:
            sent = kind.send(self._outgoing(delivery, token))
        except Gated as gated:
            self._count("gated")
            self._release(
                delivery, gated.until, reason=None, counts_as_attempt=False, kind=kind, failed=False
            )
        except SlackApiError as error:
            self._refused(delivery, kind, SlackRefusal(error.response.status_code, api_error_code(error)))
        except Refused as refused:
            self._refused(delivery, kind, SlackRefusal(refused.status, refused.error))
        except OSError as error:  # no answer: a timeout or a lost connection
            logger.warning("delivery %s: no answer from Slack (%s)", delivery.work_key, error)
            self._refused(delivery, kind, SlackRefusal(0, NO_ANSWER))
        else:
            self._sent(delivery, kind, sent)

    def _lease_short(self, delivery: Claimed) -> bool:
        """Whether less than half the delivery's lease is left: too little to send and record it safely."""
        if delivery.lease_expires_at is None:
            return False
        return self._now() > delivery.lease_expires_at - self._settings.lease / 2

    def _outgoing(self, delivery: Claimed, token: str) -> Outgoing:
        client = SenderClient(
            token=token,
            base_url=self._settings.api_url,
            timeout=self._settings.call_timeout,
            team_id=delivery.team_id,
            gate_keeper=self._gate_keeper,
        )
        return Outgoing(
            delivery=delivery,
            client=client,
            people=self._people,
            default_language=self._settings.default_language,
            now=self._now(),
            session_factory=self._session_factory,
        )

    def _sent(self, delivery: Claimed, kind: DeliveryKind, sent: Sent | None) -> None:
        def record(session: Session) -> None:
            now = self._now()
            ts = sent.ts if sent else None
            if deliveries.mark_sent(session, delivery.id, worker=self.worker, now=now, message_ts=ts):
                self._finished(delivery.kind, "sent")
                if sent is not None:
                    kind.after_sent(session, delivery, sent, now)
            else:
                logger.warning("delivery %s was sent after its lease ran out", delivery.work_key)

        self._recording(record)

    def _refused(self, delivery: Claimed, kind: DeliveryKind, refusal: SlackRefusal) -> None:
        if refusal.error in kind.done_errors:
            self._sent(delivery, kind, None)
            return
        decision = verdict(refusal)
        if decision is Verdict.TOKEN_REFUSED:
            self._count("token_refused")
            logger.error("Slack refused the token of %s (%s)", delivery.team_id, refusal.error)
            self._in_transaction(
                lambda session: refuse_token(
                    session, team_id=delivery.team_id, reason=refusal.error, now=self._now()
                )
            )
            self._release(delivery, self._now(), reason=refusal.error, counts_as_attempt=False)
        elif decision is Verdict.RETRY and not gives_up(delivery.attempts):
            when = self._now() + retry_delay(delivery.attempts, self._rng)
            self._count("retried")
            logger.info("delivery %s: %s, trying again at %s", delivery.work_key, refusal.error, when)
            reason = refusal.error or str(refusal.status)
            self._release(delivery, when, reason=reason, counts_as_attempt=True, kind=kind, failed=True)
        else:
            self._fail(delivery, kind, refusal.error or f"HTTP {refusal.status}")

    def _fail(self, delivery: Claimed, kind: DeliveryKind | None, reason: str) -> None:
        logger.warning("delivery %s failed: %s", delivery.work_key, reason)

        def record(session: Session) -> None:
            now = self._now()
            if deliveries.mark_failed(session, delivery.id, worker=self.worker, now=now, reason=reason):
                self._finished(delivery.kind, "failed")
                outbox.channel_refused(session, delivery, reason=reason, now=now)
                if kind is not None:
                    kind.after_failed(session, delivery, reason, now)

        self._in_transaction(record)

    def _release(
        self,
        delivery: Claimed,
        when: datetime,
        *,
        reason: str | None,
        counts_as_attempt: bool,
        kind: DeliveryKind | None = None,
        failed: bool = False,
    ) -> None:
        """Give the delivery back until `when`; its kind hears of the wait (a retry, a rate limit)."""

        def record(session: Session) -> None:
            now = self._now()
            released = deliveries.release(
                session,
                delivery.id,
                worker=self.worker,
                now=now,
                due_at=when,
                reason=reason,
                counts_as_attempt=counts_as_attempt,
            )
            if released and kind is not None:
                failed_tries = delivery.attempts if failed else 0
                kind.after_delayed(session, delivery, when, now, failed_tries=failed_tries)

        self._in_transaction(record)

    # --- plumbing ---------------------------------------------------------------------------------------

    def _claim_due(self, session: Session) -> list[Claimed]:
        return deliveries.claim_due(
            session,
            now=self._now(),
            worker=self.worker,
            lease=self._settings.lease,
            limit=self._settings.batch,
        )

    def _in_transaction(self, work: Callable[[Session], T]) -> T:
        """Run `work` in its own transaction; what it added to the outbox is sent once it is committed."""
        with unit_of_work(self._session_factory) as session:
            result = work(session)
            new_ids = deliveries.take_new_ids(session)
        self.send_soon(new_ids)
        return result

    def _recording(self, work: Callable[[Session], None]) -> None:
        """Record what Slack already did; while the database is away, keep trying for a lease and a half.

        Given up, the delivery would be taken over once its lease ends and sent a second time (a DM cannot
        be looked for first). Until the lease ends nobody else may take it, so the record is awaited that
        long whatever the outage; past it the record still lands if it comes before a takeover (the holder's
        name guards the row), and the retries every RECORD_RETRY_SECONDS usually beat the next claimer's tick.
        """
        deadline = time.monotonic() + self._settings.lease.total_seconds() * 1.5
        while True:
            try:
                self._in_transaction(work)
            except DBAPIError as error:
                if time.monotonic() > deadline or self._stopping.is_set():
                    raise
                logger.warning("cannot record a sent delivery yet (%s); trying again", type(error).__name__)
                time.sleep(RECORD_RETRY_SECONDS)
            else:
                return

    def _submit(self, task: Callable[[], None]) -> Future[None] | None:
        with self._idle:
            self._busy += 1
        try:
            return self._pool.submit(self._tracked, task)
        except RuntimeError:  # shut down: a lease or the pending status lets another sender take it
            self._done()
            return None

    def _tracked(self, task: Callable[[], None]) -> None:
        try:
            task()
        except Exception:
            logger.exception("the sender failed on a delivery; it will be tried again after its lease")
        finally:
            self._done()

    def _count(self, outcome: str) -> None:
        with self._idle:
            self._counts[outcome] += 1

    def _finished(self, kind: str, status: str) -> None:
        self._count(status)
        metrics.delivery_finished(kind, status)

    def _done(self) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def _now(self) -> datetime:
        return self._clock.now()
