"""Session messages: reminders and their in-place updates, the takeaway question, notices of changes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from copbot.services import reminder_updates, session_messages, session_notices, session_reminders
from copbot.services.session_messages import SessionMessage
from copbot.slack.blocks.sessions import (
    build_cancelled_notice,
    build_changed_notice,
    build_moved_notice,
    build_reminder_message,
    build_takeaway_question,
)
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent
from copbot.store.deliveries import Claimed


def _live(out: Outgoing) -> SessionMessage | None:
    with out.reading() as session:
        return session_messages.live_occurrence(
            session,
            team_id=out.delivery.team_id,
            series_id=int(out.payload["series_id"]),
            key=str(out.payload["key"]),
        )


def _in_thread(out: Outgoing, *, whole_series: bool = False) -> SessionMessage | None:
    with out.reading() as session:
        return session_messages.in_reminder_thread(
            session,
            series_id=int(out.payload["series_id"]),
            key=str(out.payload["key"]),
            whole_series=whole_series,
        )


class Reminder(DeliveryKind):
    """Posted in the channel, unless the session was cancelled, moved (its new time has its own) or began."""

    name = session_reminders.REMINDER

    def send(self, out: Outgoing) -> Sent | None:
        message = _live(out)
        if message is None:
            return None
        starts_at = message.view.starts_at
        if int(starts_at.timestamp()) != int(out.payload["starts_at"]) or starts_at <= out.now:
            return None
        sent = out.post(
            message.channel_id, build_reminder_message(out.translator_in(message.language), message.view)
        )
        return Sent(sent.channel_id, sent.ts, data={"answers": message.answers})

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        assert sent.channel_id is not None
        assert sent.ts is not None
        session_reminders.reminder_posted(
            session,
            series_id=int(delivery.payload["series_id"]),
            key=str(delivery.payload["key"]),
            offset=int(delivery.payload["offset"]),
            channel_id=sent.channel_id,
            ts=sent.ts,
            shown=list(sent.data["answers"]),
            now=now,
        )


class ReminderUpdate(DeliveryKind):
    """A reminder drawn again with the answers stored now (chat.update)."""

    name = reminder_updates.UPDATE

    def send(self, out: Outgoing) -> Sent | None:
        with out.reading() as session:
            update = session_messages.reminder_update(
                session, team_id=out.delivery.team_id, post_id=int(out.payload["post_id"])
            )
        if update is None:
            return None
        message = build_reminder_message(out.translator_in(update.message.language), update.message.view)
        out.client.chat_update(channel=update.channel_id, ts=update.ts, **message)
        return Sent(update.channel_id, update.ts, data={"version": update.version})

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        reminder_updates.update_sent(
            session,
            team_id=delivery.team_id,
            post_id=int(delivery.payload["post_id"]),
            rendered=int(sent.data["version"]),
            now=now,
        )


class Takeaway(DeliveryKind):
    """After the session, in the thread of its last reminder: what did you take away?"""

    name = session_reminders.TAKEAWAY

    def send(self, out: Outgoing) -> Sent | None:
        with out.reading() as session:  # None if it was cancelled after all
            message = session_messages.held_occurrence(
                session,
                team_id=out.delivery.team_id,
                series_id=int(out.payload["series_id"]),
                key=str(out.payload["key"]),
            )
        if message is None:
            return None
        question = build_takeaway_question(
            out.translator_in(message.language), message.view, mark_attendance=message.mark_attendance
        )
        return out.post(message.channel_id, question, **_thread(message))


class Cancelled(DeliveryKind):
    """The notice of a cancelled session or series, in the thread of the last reminder when there is one."""

    name = session_notices.CANCELLED

    def send(self, out: Outgoing) -> Sent | None:
        whole = bool(out.payload["whole_series"])
        message = _in_thread(out, whole_series=whole)
        if message is None:
            return None
        notice = build_cancelled_notice(out.translator_in(message.language), message.view, whole_series=whole)
        return out.post(message.channel_id, notice, **_thread(message))


class Moved(DeliveryKind):
    """A DM to someone going: their session has a new time."""

    name = session_notices.MOVED_DM

    def send(self, out: Outgoing) -> Sent | None:
        message = _live(out)
        if message is None:
            return None
        user_id = str(out.payload["user_id"])
        return out.post(user_id, build_moved_notice(out.translator_for(user_id), message.view))


class CancelledDm(DeliveryKind):
    """A DM to someone going: their session no longer takes place (the series' rule no longer gives it)."""

    name = session_notices.CANCELLED_DM

    def send(self, out: Outgoing) -> Sent | None:
        with out.reading() as session:
            message = session_messages.shown(
                session, series_id=int(out.payload["series_id"]), key=str(out.payload["key"])
            )
        if message is None:
            return None
        user_id = str(out.payload["user_id"])
        notice = build_cancelled_notice(out.translator_for(user_id), message.view, whole_series=False)
        return out.post(user_id, notice)


class Changed(DeliveryKind):
    """In the channel: an edit of the series dropped dates to come that nobody had answered."""

    name = session_notices.CHANGED

    def send(self, out: Outgoing) -> Sent | None:
        with out.reading() as session:
            message = session_messages.shown(
                session,
                series_id=int(out.payload["series_id"]),
                key=str(out.payload["key"]),
                starts_at=datetime.fromtimestamp(int(out.payload["starts_at"]), UTC),
            )
        if message is None:
            return None
        notice = build_changed_notice(out.translator_in(message.language), message.view)
        return out.post(message.channel_id, notice)


def _thread(message: SessionMessage) -> dict[str, str]:
    return {"thread_ts": message.thread_ts} if message.thread_ts else {}


KINDS: tuple[DeliveryKind, ...] = (
    Reminder(),
    ReminderUpdate(),
    Takeaway(),
    Cancelled(),
    Moved(),
    CancelledDm(),
    Changed(),
)
