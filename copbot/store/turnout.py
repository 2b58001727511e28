"""`turnout` and `turnout_dates`: who answered and came per session date, kept as activity is logged.

`turnout` has each person's latest answer and first attendance per date; `turnout_dates` each date's
counts of those rows (people going, people who came). record_activity calls `note` for every RSVP and
ATTENDED it logs; `forget_attended` and `anonymise` follow the activity log when attendance is marked
again or a person is erased. `rebuild` writes the same rows from the activity log in two statements (what
migration 0009 does for the rows logged before it), for histories inserted in bulk. The stats read both
(copbot.store.stats.sessions).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind, RsvpAnswer
from copbot.store import dialect
from copbot.store.models import Activity, Turnout, TurnoutDate

UNIQUE = ["community_id", "occurrence", "user_id"]
DATED = "%:____-__-__"
GOING = RsvpAnswer.YES.value


def occurs_on(occurrence: str) -> date | None:
    """The date in an occurrence key "<series id>:<YYYY-MM-DD>", or None for a key of another shape."""
    _, _, day = occurrence.partition(":")
    try:
        return date.fromisoformat(day)
    except ValueError:
        return None


def note(
    session: Session,
    *,
    team_id: str,
    community_id: int,
    user_id: str | None,
    kind: ActivityKind,
    at: datetime,
    occurrence: str,
    answer: str | None,
) -> None:
    """Keep an answer (the latest one wins; on a tie in time, the one logged last) or an attendance."""
    day = occurs_on(occurrence)
    if day is None or kind not in {ActivityKind.RSVP, ActivityKind.ATTENDED}:
        return
    row: dict[str, Any] = {
        "team_id": team_id,
        "community_id": community_id,
        "occurrence": occurrence,
        "occurs_on": day,
        "user_id": user_id,
    }
    statement = dialect.insert(session, Turnout)
    table = Turnout.__table__
    if kind == ActivityKind.RSVP:
        statement = statement.values(**row, answer=answer, answered_at=at)
        statement = statement.on_conflict_do_update(
            index_elements=UNIQUE,
            set_={"answer": statement.excluded.answer, "answered_at": statement.excluded.answered_at},
            where=table.c.answered_at.is_(None) | (table.c.answered_at <= statement.excluded.answered_at),
        )
    else:
        statement = statement.values(**row, attended_at=at)
        statement = statement.on_conflict_do_update(
            index_elements=UNIQUE,
            set_={"attended_at": statement.excluded.attended_at},
            where=table.c.attended_at.is_(None) | (table.c.attended_at > statement.excluded.attended_at),
        )
    session.execute(statement)
    dated = dialect.insert(session, TurnoutDate).values(
        team_id=team_id, community_id=community_id, occurrence=occurrence, occurs_on=day, going=0, came=0
    )
    session.execute(dated.on_conflict_do_nothing(index_elements=["community_id", "occurrence"]))
    _recount(session, community_id=community_id, occurrences=[occurrence])


def _recount(session: Session, *, community_id: int, occurrences: list[str]) -> None:
    """Count the dates' `going` and `came` again from their turnout rows; a date with none left goes."""
    if not occurrences:
        return
    rows = and_(
        Turnout.community_id == TurnoutDate.community_id,
        Turnout.occurrence == TurnoutDate.occurrence,
        Turnout.user_id.is_not(None),
    )
    counted = select(func.count()).where(rows)
    these = (TurnoutDate.community_id == community_id, TurnoutDate.occurrence.in_(occurrences))
    session.execute(
        update(TurnoutDate)
        .where(*these)
        .values(
            going=counted.where(Turnout.answer == GOING).scalar_subquery(),
            came=counted.where(Turnout.attended_at.is_not(None)).scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )
    kept = select(Turnout.id).where(
        Turnout.community_id == TurnoutDate.community_id, Turnout.occurrence == TurnoutDate.occurrence
    )
    session.execute(
        delete(TurnoutDate).where(*these, ~kept.exists()).execution_options(synchronize_session=False)
    )


def forget_attended(session: Session, *, community_id: int, occurrence: str) -> None:
    """What copbot.store.attendance.forget_attended does to the activity log (erased people's stay)."""
    mine = (
        Turnout.community_id == community_id,
        Turnout.occurrence == occurrence,
        Turnout.user_id.is_not(None),
    )
    session.execute(update(Turnout).where(*mine).values(attended_at=None))
    session.execute(delete(Turnout).where(*mine, Turnout.answer.is_(None)))
    _recount(session, community_id=community_id, occurrences=[occurrence])


def anonymise(session: Session, *, community_id: int, user_id: str) -> None:
    """An erased person's dates stay (sessions held still count them), without their id."""
    theirs = (Turnout.community_id == community_id, Turnout.user_id == user_id)
    occurrences = list(session.scalars(select(Turnout.occurrence).where(*theirs)))
    session.execute(
        update(Turnout)
        .where(Turnout.community_id == community_id, Turnout.user_id == user_id)
        .values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    _recount(session, community_id=community_id, occurrences=occurrences)


def rebuild(session: Session, *, community_id: int) -> None:
    """The community's rows again from its activity log, in one statement: as `note` would have kept them.

    Rows with no person (erased) are grouped per date: one row each keeps the date counted as held.
    """
    session.execute(delete(TurnoutDate).where(TurnoutDate.community_id == community_id))
    session.execute(delete(Turnout).where(Turnout.community_id == community_id))
    logged = and_(
        Activity.community_id == community_id,
        Activity.kind.in_((ActivityKind.RSVP, ActivityKind.ATTENDED)),
        Activity.occurrence.like(DATED),  # what occurs_on reads; any other key is left out, as by `note`
    )
    person = (Activity.community_id, Activity.occurrence, Activity.user_id)
    latest = func.row_number().over(
        partition_by=(*person, Activity.kind), order_by=(Activity.at.desc(), Activity.id.desc())
    )
    ranked = select(
        Activity.team_id,
        *person,
        Activity.kind,
        Activity.answer,
        Activity.at,
        latest.label("rank"),
    ).where(logged)
    rows = ranked.subquery()
    answered = and_(rows.c.kind == ActivityKind.RSVP, rows.c.rank == 1)
    came = rows.c.kind == ActivityKind.ATTENDED
    query = (
        select(
            func.min(rows.c.team_id),
            rows.c.community_id,
            rows.c.occurrence,
            dialect.as_date(session, dialect.after_first_colon(session, rows.c.occurrence)),
            rows.c.user_id,
            func.max(case((answered, rows.c.answer))),
            func.max(case((answered, rows.c.at))),
            func.min(case((came, rows.c.at))),
        )
        .where(answered | came)
        .group_by(rows.c.community_id, rows.c.occurrence, rows.c.user_id)
    )
    columns = ["team_id", *UNIQUE[:2], "occurs_on", "user_id", "answer", "answered_at", "attended_at"]
    session.execute(insert(Turnout).from_select(columns, query))
    people = Turnout.user_id.is_not(None)
    dates = (
        select(
            func.min(Turnout.team_id),
            Turnout.community_id,
            Turnout.occurrence,
            func.min(Turnout.occurs_on),
            func.count(case((and_(people, Turnout.answer == GOING), 1))),
            func.count(case((and_(people, Turnout.attended_at.is_not(None)), 1))),
        )
        .where(Turnout.community_id == community_id)
        .group_by(Turnout.community_id, Turnout.occurrence)
    )
    session.execute(
        insert(TurnoutDate).from_select(
            ["team_id", "community_id", "occurrence", "occurs_on", "going", "came"], dates
        )
    )
