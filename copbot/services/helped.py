"""The "This helped me" button on a story's channel post: one per person, a second press takes it back.

The count on the post is redrawn by chat.update from the store when the update is sent. Presses arrive in
parallel and updates may reach Slack out of order, so each update records the count it showed: when the
store holds another by then, one more update follows (see `post_refreshed`). The last update Slack gets is
therefore always drawn after the last press.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import Session

from copbot.domain.errors import NotFound
from copbot.domain.text import N_
from copbot.services.outbox import deliver
from copbot.store.models import Story, StoryHelped
from copbot.store.upsert import insert_if_absent

REFRESH = "stories.refresh"  # chat.update of a story's channel post, drawn from the store when sent
REFRESH_WORTH = timedelta(days=1)
GONE = N_("That story is no longer shared.")


def toggle_helped(
    session: Session, *, team_id: str, user_id: str, story_id: int, origin: str, now: datetime
) -> bool:
    """Count the person's press, or take it back if they had pressed; True when it now counts."""
    story = session.get(Story, story_id)
    if story is None or story.team_id != team_id or story.deleted_at is not None:
        raise NotFound(GONE)
    mine = delete(StoryHelped).where(StoryHelped.story_id == story.id, StoryHelped.user_id == user_id)
    taken_back = session.execute(mine.execution_options(preserve_rowcount=True))
    assert isinstance(taken_back, CursorResult)
    counted = False
    if taken_back.rowcount == 0:  # two presses at once by one person: the unique row makes one count
        counted = insert_if_absent(
            session,
            StoryHelped,
            ["story_id", "user_id"],
            team_id=team_id,
            story_id=story.id,
            user_id=user_id,
            at=now,
        )
    refresh_post(session, story, key=f"{REFRESH}:{story.id}:{origin}", now=now)
    return counted


def helped_count(session: Session, *, story_id: int) -> int:
    return session.scalar(select(func.count(StoryHelped.id)).where(StoryHelped.story_id == story_id)) or 0


def refresh_post(session: Session, story: Story, *, key: str, now: datetime) -> None:
    """Have the story's channel post redrawn (a no-op when it was never posted)."""
    if story.message_ts is None or story.channel_id is None:
        return
    deliver(
        session,
        team_id=story.team_id,
        kind=REFRESH,
        key=key,
        payload={"story_id": story.id},
        now=now,
        community_id=story.community_id,
        channel_id=story.channel_id,
        worth=REFRESH_WORTH,
    )


def post_refreshed(session: Session, *, story_id: int, shown: int, delivery_id: int, now: datetime) -> None:
    """An update showed `shown` presses: if the store counts otherwise now, one more update follows."""
    story = session.get(Story, story_id)
    if story is not None and story.deleted_at is None and helped_count(session, story_id=story_id) != shown:
        refresh_post(session, story, key=f"{REFRESH}:{story_id}:after:{delivery_id}", now=now)
