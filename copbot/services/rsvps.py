"""Answering Going / Maybe / Can't: one answer per person and occurrence, and its reminders redrawn.

The unique constraint decides, so a double click or two replicas make one row, and a changed answer moves
it. Each reminder posted for the occurrence is then updated in place (`copbot.services.reminder_updates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind, RsvpAnswer
from copbot.domain.errors import NotAllowed
from copbot.domain.sessions import OccurrenceRef
from copbot.domain.text import N_
from copbot.services.home import refresh_home
from copbot.services.lookup import membership
from copbot.services.reminder_updates import refresh_reminders
from copbot.services.sessions import find
from copbot.store import sessions as store
from copbot.store.activity import record_activity

JOIN_FIRST = N_("Join {name} to answer: `/cop join {slug}`.")


class NotAMember(NotAllowed):
    """Someone outside the community answered: they are offered to join it."""

    def __init__(self, *, community_id: int, name: str, slug: str) -> None:
        super().__init__(JOIN_FIRST, name=name, slug=slug)
        self.community_id = community_id


@dataclass(frozen=True)
class Answered:
    title: str
    answer: RsvpAnswer


def answer(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    ref: str | None,
    choice: RsvpAnswer,
    origin: str,
    now: datetime,
) -> Answered:
    """Keep the person's answer for the occurrence; its reminders and the person's App Home follow."""
    found = find(session, team_id=team_id, ref=ref, now=now)
    community = found.community
    member = membership(session, community_id=community.id, user_id=user_id)
    if member is None or member.left_at is not None:
        raise NotAMember(community_id=community.id, name=community.name, slug=community.slug)
    key = found.occurrence.key
    store.lock_series(session, series_id=found.series.id)  # see session_reminders.reminder_posted
    # The same answer again (a double click) changes nothing: not its place among those going, nor the
    # activity counted (a second RSVP row would inflate the week's "going").
    if store.answer_of(session, series_id=found.series.id, key=key, user_id=user_id) is not choice:
        store.put_answer(
            session,
            series=found.series,
            key=key,
            user_id=user_id,
            member_id=member.id,
            answer=choice,
            now=now,
        )
        ref_id = store.ref_id(found.series)
        data = {"session_id": ref_id, "occurrence": str(OccurrenceRef(ref_id, key))}
        data["answer"] = choice.value
        record_activity(session, community, user_id, ActivityKind.RSVP, now, **data)
    refresh_reminders(session, team_id=team_id, series_id=found.series.id, key=key, now=now)
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)
    return Answered(found.series.title, choice)
