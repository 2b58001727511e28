"""Who came to one occurrence of a series: `rsvps.attended`, and the ATTENDED activity the stats read."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind
from copbot.store import dialect, turnout
from copbot.store.models import Activity, Meetup, Rsvp


def attended_ids(session: Session, *, series_id: int, key: str) -> list[str]:
    """Those marked as having come, in the order they answered (or were marked)."""
    query = (
        select(Rsvp.user_id)
        .where(Rsvp.session_id == series_id, Rsvp.occurrence_key == key, Rsvp.attended.is_(True))
        .order_by(Rsvp.answered_at, Rsvp.id)
    )
    return [user for user in session.scalars(query) if user is not None]


def put_attended(
    session: Session, *, series: Meetup, key: str, came: Mapping[str, int], now: datetime
) -> None:
    """Mark exactly `came` (user id: member id) as having come; everyone else who answered did not.

    Someone who came without answering gets a row with no answer; unmarked again, that row goes.
    Erased people (no user id) keep what was marked for them.
    """
    insert = dialect.insert(session, Rsvp)
    for user_id, member_id in came.items():
        statement = insert.values(
            team_id=series.team_id,
            session_id=series.id,
            occurrence_key=key,
            member_id=member_id,
            user_id=user_id,
            answer=None,
            attended=True,
            answered_at=now,
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["session_id", "occurrence_key", "user_id"], set_={"attended": True}
            )
        )
    others = (
        Rsvp.session_id == series.id,
        Rsvp.occurrence_key == key,
        Rsvp.user_id.is_not(None),
        Rsvp.user_id.not_in(list(came)),
    )
    session.execute(delete(Rsvp).where(*others, Rsvp.answer.is_(None)))
    session.execute(update(Rsvp).where(*others, Rsvp.answer.is_not(None)).values(attended=False))


def forget_attended(session: Session, *, community_id: int, occurrence: str) -> None:
    """The ATTENDED activity of one occurrence, before it is recorded again (erased people's stays)."""
    turnout.forget_attended(session, community_id=community_id, occurrence=occurrence)
    session.execute(
        delete(Activity).where(
            Activity.community_id == community_id,
            Activity.kind == ActivityKind.ATTENDED,
            Activity.user_id.is_not(None),
            Activity.occurrence == occurrence,
        )
    )
