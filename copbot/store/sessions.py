"""Session series in the store: rules, exceptions, the answers per date and the reminders posted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from copbot.domain.enums import RsvpAnswer
from copbot.domain.recurrence import Overrides, SeriesRule
from copbot.store import dialect
from copbot.store.models import Community, Meetup, Rsvp, SessionChange, SessionPost


def rule_of(series: Meetup) -> SeriesRule:
    """The series' rule: its first start, read as a local date and wall time in its zone."""
    local = series.starts_at.astimezone(ZoneInfo(series.timezone))
    return SeriesRule(series.repeat, local.date(), local.time(), series.timezone, series.repeat_until)


def live_series(session: Session, *, community_ids: Sequence[int]) -> list[Meetup]:
    """The series of these communities that are not cancelled, oldest first."""
    query = select(Meetup).where(Meetup.community_id.in_(community_ids), Meetup.cancelled_at.is_(None))
    return list(session.scalars(query.order_by(Meetup.id)))


def all_live_series(session: Session, *, cancelled_since: datetime) -> list[tuple[Meetup, Community]]:
    """Every series of a running community (not archived, not paused), for the planner: live or just ended.

    A series cancelled after `cancelled_since` still has its last session asked about.
    """
    live = or_(Meetup.cancelled_at.is_(None), Meetup.cancelled_at > cancelled_since)
    query = (
        select(Meetup, Community)
        .join(Community, Community.id == Meetup.community_id)
        .where(live, Community.archived_at.is_(None), Community.paused_at.is_(None))
        .order_by(Meetup.id)
    )
    return [(series, community) for series, community in session.execute(query)]


def overrides_of(session: Session, series_ids: Sequence[int]) -> dict[int, Overrides]:
    """Each series' cancelled and moved dates (series with none are absent)."""
    cancelled: dict[int, set[str]] = defaultdict(set)
    moved: dict[int, dict[str, datetime]] = defaultdict(dict)
    query = select(SessionChange).where(SessionChange.session_id.in_(series_ids))
    for change in session.scalars(query):
        if change.cancelled_at is not None:
            cancelled[change.session_id].add(change.occurrence_key)
        elif change.moved_to is not None:
            moved[change.session_id][change.occurrence_key] = change.moved_to
    return {
        series_id: Overrides(frozenset(cancelled[series_id]), moved[series_id])
        for series_id in {*cancelled, *moved}
    }


def change_of(session: Session, *, series_id: int, key: str) -> SessionChange | None:
    query = select(SessionChange).where(
        SessionChange.session_id == series_id, SessionChange.occurrence_key == key
    )
    return session.scalar(query)


@dataclass(frozen=True)
class Answers:
    """Who answered what for one occurrence: those going in the order they said so, and the counts."""

    going: tuple[str, ...]
    maybe: int
    cant: int


def answers(session: Session, *, series_id: int, key: str) -> Answers:
    query = (
        select(Rsvp.user_id, Rsvp.answer)
        .where(Rsvp.session_id == series_id, Rsvp.occurrence_key == key)
        .order_by(Rsvp.answered_at, Rsvp.id)
    )
    rows = session.execute(query).all()
    going = tuple(user for user, answer in rows if answer is RsvpAnswer.YES and user is not None)
    maybe = sum(1 for _, answer in rows if answer is RsvpAnswer.MAYBE)
    cant = sum(1 for _, answer in rows if answer is RsvpAnswer.NO)
    return Answers(going, maybe, cant)


def going_ids(session: Session, *, series_id: int, key: str) -> list[str]:
    return list(answers(session, series_id=series_id, key=key).going)


def answer_of(session: Session, *, series_id: int, key: str, user_id: str) -> RsvpAnswer | None:
    query = select(Rsvp.answer).where(
        Rsvp.session_id == series_id, Rsvp.occurrence_key == key, Rsvp.user_id == user_id
    )
    return session.scalar(query)


def put_answer(
    session: Session,
    *,
    series: Meetup,
    key: str,
    user_id: str,
    member_id: int | None,
    answer: RsvpAnswer,
    now: datetime,
) -> None:
    """The person's one answer for the date: a new row, or theirs changed (the unique constraint decides)."""
    insert = dialect.insert(session, Rsvp)
    statement = insert.values(
        team_id=series.team_id,
        session_id=series.id,
        occurrence_key=key,
        member_id=member_id,
        user_id=user_id,
        answer=answer,
        answered_at=now,
    )
    # Changing one's answer counts as answering now: the list of those going is in the order they said so.
    changed = {"answer": statement.excluded.answer, "answered_at": statement.excluded.answered_at}
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["session_id", "occurrence_key", "user_id"], set_=changed
        )
    )


def posts_of(session: Session, *, series_id: int, key: str) -> list[SessionPost]:
    """The reminders posted for an occurrence, the last one last."""
    query = select(SessionPost).where(SessionPost.session_id == series_id, SessionPost.occurrence_key == key)
    return list(session.scalars(query.order_by(SessionPost.posted_at, SessionPost.id)))


def last_post(session: Session, *, series_id: int, key: str) -> SessionPost | None:
    posts = posts_of(session, series_id=series_id, key=key)
    return posts[-1] if posts else None


def bump_posts(session: Session, *, series_id: int, key: str) -> list[tuple[int, int]]:
    """Count one more change of answers on each reminder of the occurrence: (post id, update batch) each.

    The UPDATE takes the posts' row locks (SQLite: the write lock), so that the caller's reading of the
    update deliveries and the sender's recording of one do not interleave.
    """
    statement = (
        update(SessionPost)
        .where(SessionPost.session_id == series_id, SessionPost.occurrence_key == key)
        .values(version=SessionPost.version + 1)
        .returning(SessionPost.id, SessionPost.update_batch)
        .execution_options(synchronize_session=False)
    )
    return sorted((post_id, batch) for post_id, batch in session.execute(statement))


def next_batch(session: Session, *, post_id: int) -> int:
    """Start a new update batch for the post (the last one was sent or ended); its number."""
    statement = (
        update(SessionPost)
        .where(SessionPost.id == post_id)
        .values(update_batch=SessionPost.update_batch + 1)
        .returning(SessionPost.update_batch)
        .execution_options(synchronize_session=False)
    )
    batch: int = session.execute(statement).scalar_one()
    return batch


def post_version(session: Session, *, post_id: int) -> int | None:
    version: int | None = session.scalar(select(SessionPost.version).where(SessionPost.id == post_id))
    return version


def lock_series(session: Session, *, series_id: int) -> Meetup | None:
    """The series, its row locked until the transaction ends (PostgreSQL; SQLite has one writer anyway)."""
    return session.scalar(select(Meetup).where(Meetup.id == series_id).with_for_update())


def ref_id(series: Meetup) -> int:
    """The id buttons carry for the series' dates: that of the series a part was cut from, if it is one."""
    return series.split_from_id or series.id


def parts_of(session: Session, *, series_id: int) -> list[Meetup]:
    """The parts cut from a series when its rule changed after it met (its past dates), oldest first."""
    query = select(Meetup).where(Meetup.split_from_id == series_id).order_by(Meetup.id)
    return list(session.scalars(query))


def keys_in_use(session: Session, *, series_id: int) -> set[str]:
    """The dates of a series that people know of: answered, or reminded in the channel."""
    answered = select(Rsvp.occurrence_key).where(Rsvp.session_id == series_id)
    posted = select(SessionPost.occurrence_key).where(SessionPost.session_id == series_id)
    return set(session.scalars(answered)) | set(session.scalars(posted))


def posted_reminders(
    session: Session, *, series_ids: Sequence[int], since: date
) -> dict[tuple[int, str, int], datetime]:
    """When the last reminder was posted, by (series id, date, offset), for these dates from `since` on."""
    query = (
        select(
            SessionPost.session_id,
            SessionPost.occurrence_key,
            SessionPost.offset_minutes,
            func.max(SessionPost.posted_at),
        )
        .where(SessionPost.session_id.in_(series_ids), SessionPost.occurrence_key >= since.isoformat())
        .group_by(SessionPost.session_id, SessionPost.occurrence_key, SessionPost.offset_minutes)
    )
    return {(series_id, key, offset): last for series_id, key, offset, last in session.execute(query)}
