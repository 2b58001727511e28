"""The activity log: one row for each thing that happens in a community, read by the statistics."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind
from copbot.store import turnout
from copbot.store.models import Activity, Community


def record_activity(
    session: Session,
    community: Community,
    user_id: str | None,
    kind: ActivityKind,
    now: datetime,
    **data: object,
) -> None:
    """Log `kind` for the person (None once they are erased), with any details as `data`.

    An RSVP's `answer` and an `occurrence` are also kept in columns of their own, which the stats index,
    and in the person's row of that date in `turnout` (copbot.store.turnout).
    """
    answer, occurrence = data.get("answer"), data.get("occurrence")
    session.add(
        Activity(
            team_id=community.team_id,
            community_id=community.id,
            user_id=user_id,
            kind=kind,
            at=now,
            data=data,
            answer=None if answer is None else str(answer),
            occurrence=None if occurrence is None else str(occurrence),
        )
    )
    if occurrence is not None:
        turnout.note(
            session,
            team_id=community.team_id,
            community_id=community.id,
            user_id=user_id,
            kind=kind,
            at=now,
            occurrence=str(occurrence),
            answer=None if answer is None else str(answer),
        )
