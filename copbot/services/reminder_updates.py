"""Keeping each reminder message equal to the answers stored, and drawing it again after a change.

Each reminder posted for an occurrence is updated in place (chat.update) by an outbox delivery, rendered
from the store when it is sent. Many presses at once coalesce:

- a press counts one more change on the reminder (`version`, under the reminder row's lock) and asks for the
  update delivery of the reminder's current batch (`update_batch`); while that delivery waits, later presses
  join it, as its rendering will read their answers;
- once that delivery is claimed, a press cannot know whether the rendering read its answer: the delivery,
  once sent, compares the version it rendered with the version now, and asks for one more update if they
  differ. So at most one update per message is in flight, they reach Slack in order, and the last one shows
  the answers as stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from copbot.domain.enums import DeliveryStatus
from copbot.services.outbox import deliver
from copbot.store import deliveries
from copbot.store import sessions as store

UPDATE = "sessions.update"  # chat.update of a reminder, drawn from the store when sent
UPDATE_WORTH = timedelta(days=2)
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)


def refresh_reminders(session: Session, *, team_id: str, series_id: int, key: str, now: datetime) -> None:
    """Have every reminder of the occurrence drawn again: join the waiting update, or start a new one."""
    for post_id, current in store.bump_posts(session, series_id=series_id, key=key):
        status = deliveries.status_of(session, update_key(post_id, current))
        if status in WAITING:
            continue
        # Sent, failed or expired: that batch is over.
        batch = current if status is None else store.next_batch(session, post_id=post_id)
        _deliver_update(session, team_id=team_id, post_id=post_id, batch=batch, now=now)


def update_sent(session: Session, *, team_id: str, post_id: int, rendered: int, now: datetime) -> None:
    """An update went out showing version `rendered`: one more if answers changed since it was read.

    The batch moves on first: that UPDATE waits for a press holding the reminder's row, so the version read
    after it counts every press that saw this update still claimed.
    """
    batch = store.next_batch(session, post_id=post_id)
    current = store.post_version(session, post_id=post_id)
    if current is not None and current > rendered:
        _deliver_update(session, team_id=team_id, post_id=post_id, batch=batch, now=now)


def update_key(post_id: int, batch: int) -> str:
    return f"{UPDATE}:{post_id}:{batch}"


def _deliver_update(session: Session, *, team_id: str, post_id: int, batch: int, now: datetime) -> None:
    deliver(
        session,
        team_id=team_id,
        kind=UPDATE,
        key=update_key(post_id, batch),
        payload={"post_id": post_id},
        now=now,
        worth=UPDATE_WORTH,
    )
