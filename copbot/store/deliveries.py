"""The outbox table: adding deliveries, claiming due ones with a lease, and recording how each went.

Claims are one statement on both backends: `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING …`, the inner
SELECT taking `FOR UPDATE SKIP LOCKED` on PostgreSQL (concurrent claimers pass each other by), while SQLite's
single writer makes the statement atomic by itself. A claim is a lease: when it runs out (the claimer died),
the row is due again for anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Select, and_, case, delete, or_, select, update
from sqlalchemy.orm import Session

from copbot.domain.deliveries import NO_ANSWER
from copbot.domain.enums import DeliveryStatus
from copbot.store.models import Delivery, ProcessedEvent, Workspace
from copbot.store.upsert import insert_returning_id

NEW_DELIVERIES = "copbot.new_deliveries"  # session.info key: ids this transaction added, to send after commit
EXPIRED = "expired"
# The last holder's lease ran out before it recorded anything: it may have died after Slack took the message.
INTERRUPTED = "interrupted: the sender stopped before recording an outcome"


@dataclass(frozen=True)
class NewDelivery:
    """A delivery as a service decides it; `expires_at` is when sending it stops being worth it."""

    team_id: str
    work_key: str
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    expires_at: datetime
    community_id: int | None = None
    channel_id: str | None = None


@dataclass(frozen=True)
class Claimed:
    """A delivery a sender holds, until `lease_expires_at`."""

    id: int
    team_id: str
    work_key: str
    kind: str
    payload: dict[str, Any]
    community_id: int | None
    channel_id: str | None
    attempts: int
    expires_at: datetime
    created_at: datetime
    last_error: str | None = None
    lease_expires_at: datetime | None = None

    @property
    def interrupted(self) -> bool:
        """Whether an earlier attempt may have reached Slack unrecorded (check before sending again)."""
        return self.last_error in (INTERRUPTED, NO_ANSWER)


def add(session: Session, delivery: NewDelivery, now: datetime) -> int | None:
    """Insert unless its work key exists; the new id (also noted for sending after commit), else None."""
    new_id = insert_returning_id(
        session,
        Delivery,
        ["work_key"],
        team_id=delivery.team_id,
        work_key=delivery.work_key,
        kind=delivery.kind,
        payload=delivery.payload,
        community_id=delivery.community_id,
        channel_id=delivery.channel_id,
        status=DeliveryStatus.PENDING,
        due_at=delivery.due_at,
        expires_at=delivery.expires_at,
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    if new_id is not None:
        session.info.setdefault(NEW_DELIVERIES, []).append(new_id)
    return new_id


def take_new_ids(session: Session) -> list[int]:
    """The ids the session's transaction added (and forget them): call once it is committed."""
    ids: list[int] = session.info.pop(NEW_DELIVERIES, [])
    return ids


def waiting(session: Session, *, kind: str, community_id: int) -> bool:
    """Whether a delivery of `kind` for the community is pending or being sent."""
    query = select(Delivery.id).where(
        Delivery.kind == kind,
        Delivery.community_id == community_id,
        Delivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)),
    )
    return session.scalar(query.limit(1)) is not None


KEYS_PER_QUERY = 500  # well under SQLite's limit of bound parameters


def existing_keys(session: Session, work_keys: list[str]) -> set[str]:
    """Which of these work keys have a delivery already (whatever its status)."""
    found: set[str] = set()
    for start in range(0, len(work_keys), KEYS_PER_QUERY):
        chunk = work_keys[start : start + KEYS_PER_QUERY]
        found.update(session.scalars(select(Delivery.work_key).where(Delivery.work_key.in_(chunk))))
    return found


def status_of(session: Session, work_key: str) -> DeliveryStatus | None:
    """The status of the delivery with this work key (None if there is none), as last committed.

    Its row is not locked: the sender holds it while it records a send, and callers that lock rows of their
    own first would deadlock with it.
    """
    return session.scalar(select(Delivery.status).where(Delivery.work_key == work_key))


def statuses_under(session: Session, work_key: str) -> dict[str, DeliveryStatus]:
    """The deliveries of this work key and of the keys made from it (`<key>:<more>`), with their status."""
    query = select(Delivery.work_key, Delivery.status).where(
        or_(Delivery.work_key == work_key, Delivery.work_key.like(f"{work_key}:%"))
    )
    return {key: status for key, status in session.execute(query)}  # noqa: C416 - rows are not pairs to dict()


def claim_due(session: Session, *, now: datetime, worker: str, lease: timedelta, limit: int) -> list[Claimed]:
    """Claim up to `limit` deliveries that are due, or whose claimer's lease ran out, oldest first."""
    due = and_(Delivery.status == DeliveryStatus.PENDING, Delivery.due_at <= now, Delivery.expires_at > now)
    abandoned = and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_expires_at < now)
    wanted = select(Delivery.id).where(or_(due, abandoned), _workspace_can_send()).order_by(Delivery.due_at)
    return _claim(session, wanted.limit(limit), now=now, worker=worker, lease=lease)


def claim_ids(
    session: Session, ids: list[int], *, now: datetime, worker: str, lease: timedelta
) -> list[Claimed]:
    """Claim these just-added deliveries, unless someone else already has or they are not due yet."""
    wanted = select(Delivery.id).where(
        Delivery.id.in_(ids),
        Delivery.status == DeliveryStatus.PENDING,
        Delivery.due_at <= now,
        Delivery.expires_at > now,
        _workspace_can_send(),
    )
    return _claim(session, wanted, now=now, worker=worker, lease=lease)


def _workspace_can_send() -> Any:
    """Not for a workspace that removed copbot or whose token Slack refuses: those wait (or expire)."""
    stopped = select(Workspace.team_id).where(
        or_(Workspace.uninstalled_at.is_not(None), Workspace.token_refused_at.is_not(None))
    )
    return Delivery.team_id.not_in(stopped)


def _claim(
    session: Session, wanted: Select[int], *, now: datetime, worker: str, lease: timedelta
) -> list[Claimed]:
    statement = (
        update(Delivery)
        .where(Delivery.id.in_(wanted.with_for_update(skip_locked=True, of=Delivery).scalar_subquery()))
        .values(
            status=DeliveryStatus.CLAIMED,
            claimed_by=worker,
            lease_expires_at=now + lease,
            attempts=Delivery.attempts + 1,
            updated_at=now,
            # Evaluated on the row as it was: a holder still named means its lease ran out mid-send.
            last_error=case((Delivery.claimed_by.is_not(None), INTERRUPTED), else_=Delivery.last_error),
        )
        .returning(
            Delivery.id,
            Delivery.team_id,
            Delivery.work_key,
            Delivery.kind,
            Delivery.payload,
            Delivery.community_id,
            Delivery.channel_id,
            Delivery.attempts,
            Delivery.expires_at,
            Delivery.created_at,
            Delivery.last_error,
            Delivery.lease_expires_at,
        )
        .execution_options(synchronize_session=False)
    )
    return [Claimed(*row) for row in session.execute(statement)]


def mark_sent(
    session: Session, delivery_id: int, *, worker: str, now: datetime, message_ts: str | None
) -> bool:
    """Record a send; False when the lease had been taken over meanwhile (the row is left alone)."""
    return _finish(
        session,
        delivery_id,
        worker,
        status=DeliveryStatus.SENT,
        sent_at=now,
        updated_at=now,
        message_ts=message_ts,
        last_error=None,
    )


def keep_progress(session: Session, delivery_id: int, payload: dict[str, Any]) -> None:
    """A claimed delivery's payload with what its send found before Slack held it back, for the next try."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == DeliveryStatus.CLAIMED)
        .values(payload=payload)
        .execution_options(synchronize_session=False)
    )


def mark_failed(session: Session, delivery_id: int, *, worker: str, now: datetime, reason: str) -> bool:
    return _finish(
        session, delivery_id, worker, status=DeliveryStatus.FAILED, updated_at=now, last_error=reason[:500]
    )


def release(
    session: Session,
    delivery_id: int,
    *,
    worker: str,
    now: datetime,
    due_at: datetime,
    reason: str | None,
    counts_as_attempt: bool,
) -> bool:
    """Give the delivery back, due again at `due_at` (a retry, or a wait for a rate limit or a pace)."""
    values: dict[str, Any] = {"status": DeliveryStatus.PENDING, "due_at": due_at, "updated_at": now}
    if reason is not None:
        values["last_error"] = reason[:500]
    if not counts_as_attempt:
        values["attempts"] = Delivery.attempts - 1
    return _finish(session, delivery_id, worker, **values)


def release_all(session: Session, *, worker: str, now: datetime) -> int:
    """A stopping sender hands back whatever it claimed and did not finish."""
    statement = (
        update(Delivery)
        .where(Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_by == worker)
        .values(status=DeliveryStatus.PENDING, claimed_by=None, lease_expires_at=None, updated_at=now)
    )
    return _rowcount(session, statement)


def skip_expired(session: Session, *, now: datetime) -> list[str]:
    """Deliveries whose time has passed are skipped, never sent late in a burst; their kinds, one each."""
    expired = Delivery.expires_at <= now
    waiting = or_(
        Delivery.status == DeliveryStatus.PENDING,
        and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_expires_at < now),
    )
    statement = (
        update(Delivery)
        .where(expired, waiting)
        .values(
            status=DeliveryStatus.SKIPPED,
            claimed_by=None,
            lease_expires_at=None,
            last_error=EXPIRED,
            updated_at=now,
        )
        .returning(Delivery.kind)
        .execution_options(synchronize_session=False)
    )
    return list(session.scalars(statement))


def prune(session: Session, *, now: datetime, events_kept: timedelta, deliveries_kept: timedelta) -> int:
    """Forget processed event ids after `events_kept`, and finished deliveries after `deliveries_kept`."""
    finished = (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)
    statements = (
        delete(ProcessedEvent).where(ProcessedEvent.received_at < now - events_kept),
        delete(Delivery).where(Delivery.status.in_(finished), Delivery.updated_at < now - deliveries_kept),
    )
    return sum(_rowcount(session, statement) for statement in statements)


def _finish(session: Session, delivery_id: int, worker: str, **values: Any) -> bool:
    statement = (
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == DeliveryStatus.CLAIMED,
            Delivery.claimed_by == worker,
        )
        .values(claimed_by=None, lease_expires_at=None, **values)
    )
    return _rowcount(session, statement) == 1


def _rowcount(session: Session, statement: Any) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False, preserve_rowcount=True))
    assert isinstance(result, CursorResult)
    return result.rowcount
