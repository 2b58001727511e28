"""What a session message shows when it is sent, read from the store then (for the delivery kinds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from copbot.domain.errors import CopbotError
from copbot.domain.sessions import OccurrenceRef
from copbot.services.sessions import Found, find, shown_occurrence, view_of
from copbot.services.sessions_view import OccurrenceView
from copbot.store import sessions as store
from copbot.store.models import SessionPost


@dataclass(frozen=True)
class SessionMessage:
    """Where a message about an occurrence goes (maybe in its last reminder's thread) and what it shows."""

    channel_id: str
    thread_ts: str | None
    language: str  # the community's
    view: OccurrenceView
    answers: list[object]  # what it shows of the answers, for comparing with the store later
    mark_attendance: bool = False  # the community's organisers mark who came


@dataclass(frozen=True)
class ReminderUpdate:
    """A posted reminder to draw again: `version` counts the answer changes this drawing includes."""

    channel_id: str
    ts: str
    version: int
    message: SessionMessage


def live_occurrence(session: Session, *, team_id: str, series_id: int, key: str) -> SessionMessage | None:
    """A live occurrence's message (None once cancelled or its series gone), posted in the channel itself."""
    try:
        found = find(session, team_id=team_id, ref=str(OccurrenceRef(series_id, key)))
    except CopbotError:
        return None
    return _message(session, found, thread_ts=None)


def held_occurrence(session: Session, *, team_id: str, series_id: int, key: str) -> SessionMessage | None:
    """A session that took place (even if its series was cancelled since), in its last reminder's thread."""
    try:
        found = find(session, team_id=team_id, ref=str(OccurrenceRef(series_id, key)), held=True)
    except CopbotError:
        return None
    return _message(
        session,
        found,
        thread_ts=_thread_of(found, store.last_post(session, series_id=series_id, key=key)),
    )


def shown(
    session: Session, *, series_id: int, key: str, starts_at: datetime | None = None
) -> SessionMessage | None:
    """An occurrence's message, cancelled or not, for a DM or a notice in the channel itself."""
    found = shown_occurrence(session, series_id=series_id, key=key, starts_at=starts_at)
    return None if found is None else _message(session, found, thread_ts=None)


def in_reminder_thread(
    session: Session, *, series_id: int, key: str, whole_series: bool = False
) -> SessionMessage | None:
    """An occurrence's message in the thread of its last reminder (of the series' last, for the series)."""
    found = shown_occurrence(session, series_id=series_id, key=key)
    if found is None:
        return None
    post = (
        _last_of_series(session, series_id)
        if whole_series
        else store.last_post(session, series_id=series_id, key=key)
    )
    return _message(session, found, thread_ts=_thread_of(found, post))


def reminder_update(session: Session, *, team_id: str, post_id: int) -> ReminderUpdate | None:
    """The reminder as it must look now; the version is read before the answers, so it never overstates."""
    post = session.get(SessionPost, post_id)
    if post is None:
        return None
    version = post.version
    found = shown_occurrence(session, series_id=post.session_id, key=post.occurrence_key)
    if found is None or found.series.team_id != team_id:
        return None
    return ReminderUpdate(post.channel_id, post.message_ts, version, _message(session, found, thread_ts=None))


def _message(session: Session, found: Found, *, thread_ts: str | None) -> SessionMessage:
    view = view_of(session, found)
    answers: list[object] = [list(view.going), view.maybe_count, view.cant_count]
    community = found.community
    return SessionMessage(
        community.channel_id, thread_ts, community.language, view, answers, community.mark_attendance
    )


def _thread_of(found: Found, post: SessionPost | None) -> str | None:
    """The post's thread, if it is in the community's channel (the channel may have changed since)."""
    return post.message_ts if post is not None and post.channel_id == found.community.channel_id else None


def _last_of_series(session: Session, series_id: int) -> SessionPost | None:
    query = select(SessionPost).where(SessionPost.session_id == series_id)
    return session.scalar(query.order_by(SessionPost.posted_at.desc(), SessionPost.id.desc()).limit(1))
