"""`/cop stories mine`: a person's own stories, which only they may edit or delete.

An edit redraws the channel post; a deletion keeps a tombstone (deleted_at, the words emptied: see
migration 0004) and deletes the post.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copbot.domain.errors import NotAllowed, NotFound
from copbot.domain.stories import StoryDraft
from copbot.services.helped import REFRESH, refresh_post
from copbot.services.outbox import deliver
from copbot.store import search
from copbot.store.models import Community, Story

UNPOST = "stories.unpost"  # chat.delete of a deleted story's channel post
MINE_SHOWN = 10  # stories per page


@dataclass(frozen=True)
class MyStory:
    id: int
    title: str
    community_name: str
    created_at: datetime
    permalink: str | None


@dataclass(frozen=True)
class EditableStory:
    """A story as its edit form starts."""

    id: int
    community_name: str
    title: str
    body: str
    lesson: str
    tags: tuple[str, ...]
    ask_me: bool


@dataclass(frozen=True)
class MyStoriesPage:
    """One page of the person's stories, newest first."""

    stories: list[MyStory]
    page: int
    pages: int


def my_stories(session: Session, *, team_id: str, user_id: str, page: int = 1) -> MyStoriesPage:
    """A page of the person's stories in the workspace, newest first (past the last: the last)."""
    mine = (Story.team_id == team_id, Story.author_user_id == user_id, Story.deleted_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Story).where(*mine)) or 0
    pages = max(1, math.ceil(total / MINE_SHOWN))
    page = min(max(page, 1), pages)
    query = (
        select(Story, Community.name)
        .join(Community, Community.id == Story.community_id)
        .where(*mine)
        .order_by(Story.created_at.desc(), Story.id.desc())
        .limit(MINE_SHOWN)
        .offset((page - 1) * MINE_SHOWN)
    )
    stories = [
        MyStory(story.id, story.title, name, story.created_at, story.permalink)
        for story, name in session.execute(query)
    ]
    return MyStoriesPage(stories, page, pages)


def editable_story(session: Session, *, team_id: str, user_id: str, story_id: int) -> EditableStory:
    story = _own(session, team_id, user_id, story_id)
    community = session.get(Community, story.community_id)
    assert community is not None
    return EditableStory(
        story.id, community.name, story.title, story.body, story.lesson, tuple(story.tags), story.ask_me
    )


def edit_story(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    story_id: int,
    draft: StoryDraft,
    origin: str,
    now: datetime,
) -> None:
    """Change the story; its channel post is redrawn after the commit."""
    story = _own(session, team_id, user_id, story_id)
    story.title, story.body, story.lesson = draft.title, draft.body, draft.lesson
    story.tags, story.ask_me, story.updated_at = list(draft.tags), draft.ask_me, now
    search.index_story(session, story)
    refresh_post(session, story, key=f"{REFRESH}:{story.id}:edit:{origin}", now=now)


def delete_story(session: Session, *, team_id: str, user_id: str, story_id: int, now: datetime) -> str:
    """Delete the story (a tombstone stays) and its channel post; its title, for the confirmation."""
    story = _own(session, team_id, user_id, story_id)
    title = story.title
    story.title, story.body, story.lesson, story.tags = "", "", "", []
    story.deleted_at = story.updated_at = now
    search.index_story(session, story)
    if story.channel_id is not None and story.message_ts is not None:
        deliver(
            session,
            team_id=team_id,
            kind=UNPOST,
            key=f"{UNPOST}:{story.id}",
            payload={"channel_id": story.channel_id, "ts": story.message_ts},
            now=now,
            community_id=story.community_id,
            channel_id=story.channel_id,
        )
    return title


def _own(session: Session, team_id: str, user_id: str, story_id: int) -> Story:
    """The person's own story; someone else's is refused, a deleted one is gone."""
    story = session.get(Story, story_id)
    if story is None or story.team_id != team_id or story.deleted_at is not None:
        raise NotFound("That story is no longer shared.")
    if story.author_user_id != user_id:
        raise NotAllowed("Only its author can change or delete this story.")
    return story
