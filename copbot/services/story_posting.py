"""A story's channel post and how it went: posted, held up by Slack, refused, and tried again once it can be.

The story is kept whatever Slack answers. Its author hears once when Slack keeps failing for a while (the
story is kept, it will be posted when Slack recovers) and each time Slack refuses it for good (with a "Post
it again" button); the post is queued again when copbot is back in the channel (added again, the channel
unarchived) or when the author presses that button. Each new try has a work key made from the tries before
it (`stories.post:<story>:<n>`), so two reasons to try again at the same moment make one delivery; a try is
only queued while none is waiting and the story has no post, and a post is only sent while the story has
none: a story is posted once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from copbot.domain.enums import DeliveryStatus
from copbot.domain.errors import Conflict, NotAllowed
from copbot.services.outbox import deliver
from copbot.store import deliveries
from copbot.store.models import Community, Story

POST = "stories.post"
NOT_POSTED_DM = "stories.not_posted"  # Slack refused the post for good: the author is told, may try again
DELAYED_DM = "stories.delayed"  # Slack keeps failing for now: the author is told once the story waits
POSTED_LATE_DM = "stories.posted_late"  # the author was told of trouble: now it is posted, with its link
POST_WORTH = timedelta(days=7)  # a story is worth posting late: it is the community's memory
GAVE_UP = (DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)
STORY_GONE = "That story is no longer shared."
# When the author hears that Slack is slow to take their post: after this many failed tries (a one-off
# blip retried seconds later is not news), or at once when Slack asks to wait this long.
TELL_AFTER_TRIES = 2
TELL_AFTER_WAIT = timedelta(minutes=1)


def post_key(story_id: int) -> str:
    return f"{POST}:{story_id}"


def deliver_post(
    session: Session, story: Story, community: Community, *, now: datetime, key: str | None = None
) -> None:
    """The story's post in the community's channel, to be sent after the commit."""
    deliver(
        session,
        team_id=community.team_id,
        kind=POST,
        key=key or post_key(story.id),
        payload={"story_id": story.id},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
        worth=POST_WORTH,
    )


def story_posted(
    session: Session, *, story_id: int, work_key: str, channel_id: str, ts: str, permalink: str, now: datetime
) -> None:
    """The post is made: keep its link; an author who heard of trouble hears that it is posted now."""
    story = session.get(Story, story_id)
    if story is None:
        return
    story.channel_id, story.message_ts, story.permalink = channel_id, ts, permalink
    if story.author_user_id is not None and _author_heard_of_trouble(session, story.id, work_key):
        _tell_author(session, story, POSTED_LATE_DM, key=f"{POSTED_LATE_DM}:{story.id}", now=now)


def story_not_posted(session: Session, *, story_id: int, work_key: str, now: datetime) -> None:
    """Slack refused this try for good: the story stays kept, and its author is told (once per try)."""
    story = session.get(Story, story_id)
    if story is not None and story.author_user_id is not None:
        _tell_author(session, story, NOT_POSTED_DM, key=f"{NOT_POSTED_DM}:{work_key}", now=now)


def story_delayed(session: Session, *, story_id: int, tries: int, until: datetime, now: datetime) -> None:
    """The post waits until `until`: once that has lasted, the author is told (once) that the story waits.

    `tries`: how many tries Slack failed so far; 0 when Slack only asked to wait (a rate limit, the pace).
    """
    if tries < TELL_AFTER_TRIES and until - now < TELL_AFTER_WAIT:
        return
    story = session.get(Story, story_id)
    if story is not None and story.author_user_id is not None and story.message_ts is None:
        _tell_author(session, story, DELAYED_DM, key=f"{DELAYED_DM}:{story.id}", now=now)


def post_again(session: Session, *, team_id: str, user_id: str, story_id: int, now: datetime) -> str:
    """The author's "Post it again": a new try is queued (unless one waits). The story's title."""
    story = session.get(Story, story_id)
    community = session.get(Community, story.community_id) if story is not None else None
    if story is None or story.deleted_at is not None or community is None or story.team_id != team_id:
        raise NotAllowed(STORY_GONE)
    if story.author_user_id != user_id:
        raise NotAllowed("Only its author can post this story again.")
    if story.message_ts is not None:
        raise Conflict("“{title}” is posted already: {link}", title=story.title, link=story.permalink or "")
    _try_again(session, story, community, now=now)
    return story.title


def channel_back(session: Session, *, team_id: str, channel_id: str, now: datetime) -> int:
    """copbot may post in the channel again: the stories Slack refused there are tried again. How many."""
    query = (
        select(Story, Community)
        .join(Community, Community.id == Story.community_id)
        .where(
            Community.team_id == team_id,
            Community.channel_id == channel_id,
            Community.archived_at.is_(None),
            Story.message_ts.is_(None),
            Story.deleted_at.is_(None),
        )
        .order_by(Story.id)
    )
    queued = 0
    for story, community in session.execute(query):
        tries = deliveries.statuses_under(session, post_key(story.id))
        if tries and all(status in GAVE_UP for status in tries.values()):
            queued += _try_again(session, story, community, now=now, tries=tries)
    return queued


def _try_again(
    session: Session,
    story: Story,
    community: Community,
    *,
    now: datetime,
    tries: dict[str, DeliveryStatus] | None = None,
) -> bool:
    tries = deliveries.statuses_under(session, post_key(story.id)) if tries is None else tries
    if story.message_ts is not None or any(status in WAITING for status in tries.values()):
        return False
    key = f"{post_key(story.id)}:{len(tries)}" if tries else None
    deliver_post(session, story, community, now=now, key=key)
    return True


def _author_heard_of_trouble(session: Session, story_id: int, work_key: str) -> bool:
    """A later try follows a refusal the author was told of; a first one, a delay they may have heard of."""
    delayed = deliveries.status_of(session, f"{DELAYED_DM}:{story_id}")
    return work_key != post_key(story_id) or delayed in (DeliveryStatus.SENT, DeliveryStatus.CLAIMED)


def _tell_author(session: Session, story: Story, kind: str, *, key: str, now: datetime) -> None:
    assert story.author_user_id is not None
    deliver(
        session,
        team_id=story.team_id,
        kind=kind,
        key=key,
        payload={"story_id": story.id, "user_id": story.author_user_id},
        now=now,
        community_id=story.community_id,
    )
