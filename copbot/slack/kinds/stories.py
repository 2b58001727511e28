"""A story's post in its community's channel, and the note to its author when the channel refuses it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from copbot.services import stories
from copbot.services.stories import SharedStory
from copbot.slack.blocks.stories import build_not_posted, build_story_message
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent
from copbot.store.deliveries import Claimed


def _story(out: Outgoing) -> SharedStory | None:
    with out.reading() as session:
        return stories.shared_story(session, story_id=int(out.payload["story_id"]))


class Post(DeliveryKind):
    name = stories.POST

    def send(self, out: Outgoing) -> Sent | None:
        story = _story(out)
        if story is None:
            return None
        return out.post(story.channel_id, build_story_message(out.translator_in(story.language), story))

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:  # noqa: ARG002
        assert sent.channel_id is not None
        assert sent.ts is not None
        stories.story_posted(
            session, story_id=int(delivery.payload["story_id"]), channel_id=sent.channel_id, ts=sent.ts
        )

    def after_failed(self, session: Session, delivery: Claimed, reason: str, now: datetime) -> None:  # noqa: ARG002
        stories.story_not_posted(session, story_id=int(delivery.payload["story_id"]), now=now)


class NotPosted(DeliveryKind):
    name = stories.NOT_POSTED_DM

    def send(self, out: Outgoing) -> Sent | None:
        story = _story(out)
        if story is None or story.author_user_id is None:
            return None
        tr = out.translator_for(story.author_user_id)
        return out.post(story.author_user_id, build_not_posted(tr, story))


KINDS: tuple[DeliveryKind, ...] = (Post(), NotPosted())
