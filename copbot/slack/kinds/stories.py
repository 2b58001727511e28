"""A story's post in its community's channel, and the note to its author when the channel refuses it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from copbot.i18n import Translator
from copbot.services import helped, my_stories, stories, story_posting
from copbot.services.stories import SharedStory
from copbot.slack.blocks.stories import (
    build_delayed,
    build_not_posted,
    build_posted_late,
    build_similar,
    build_story_message,
)
from copbot.slack.outbox.client import Gated
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent
from copbot.store.deliveries import Claimed


def _story(out: Outgoing) -> SharedStory | None:
    with out.reading() as session:
        return stories.shared_story(session, story_id=int(out.payload["story_id"]))


class Post(DeliveryKind):
    name = story_posting.POST

    def send(self, out: Outgoing) -> Sent | None:
        story = _story(out)
        if story is None or story.message_ts is not None:  # gone, or posted by an earlier try
            return None
        posted = out.post(story.channel_id, build_story_message(out.translator_in(story.language), story))
        assert posted.channel_id is not None
        assert posted.ts is not None
        return Sent(
            posted.channel_id, posted.ts, {"permalink": _permalink(out, posted.channel_id, posted.ts)}
        )

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        assert sent.channel_id is not None
        assert sent.ts is not None
        story_posting.story_posted(
            session,
            story_id=int(delivery.payload["story_id"]),
            work_key=delivery.work_key,
            channel_id=sent.channel_id,
            ts=sent.ts,
            permalink=str(sent.data["permalink"]),
            now=now,
        )

    def after_failed(self, session: Session, delivery: Claimed, reason: str, now: datetime) -> None:  # noqa: ARG002
        story_id = int(delivery.payload["story_id"])
        story_posting.story_not_posted(session, story_id=story_id, work_key=delivery.work_key, now=now)

    def after_delayed(
        self, session: Session, delivery: Claimed, until: datetime, now: datetime, *, failed_tries: int
    ) -> None:
        story_id = int(delivery.payload["story_id"])
        story_posting.story_delayed(session, story_id=story_id, tries=failed_tries, until=until, now=now)


def _permalink(out: Outgoing, channel_id: str, ts: str) -> str:
    """Slack's link to the post; if Slack cannot say now, the link built the way Slack builds it.

    The post is made: a failure here must not fail the delivery, or the story would be posted twice.
    """
    try:
        return str(out.client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"])
    except (SlackApiError, Gated, OSError):
        return f"https://slack.com/archives/{channel_id}/p{ts.replace('.', '')}"


class _ToAuthor(DeliveryKind):
    """A DM to a story's author about its post, in their language (nothing once the story is gone)."""

    def send(self, out: Outgoing) -> Sent | None:
        story = _story(out)
        if story is None or story.author_user_id is None or not self.still_news(story):
            return None
        message = self.render(out.translator_for(story.author_user_id), story)
        return out.post(story.author_user_id, message)

    def render(self, tr: Translator, story: SharedStory) -> dict[str, Any]:
        raise NotImplementedError

    def still_news(self, story: SharedStory) -> bool:  # noqa: ARG002 - most notes always are
        return True


class NotPosted(_ToAuthor):
    name = story_posting.NOT_POSTED_DM

    def render(self, tr: Translator, story: SharedStory) -> dict[str, Any]:
        return build_not_posted(tr, story)


class Delayed(_ToAuthor):
    """Slack keeps failing the post: said only while the story is still waiting for it."""

    name = story_posting.DELAYED_DM

    def render(self, tr: Translator, story: SharedStory) -> dict[str, Any]:
        return build_delayed(tr, story)

    def still_news(self, story: SharedStory) -> bool:
        return story.message_ts is None


class PostedLate(_ToAuthor):
    name = story_posting.POSTED_LATE_DM

    def render(self, tr: Translator, story: SharedStory) -> dict[str, Any]:
        return build_posted_late(tr, story)


def _similar_note(out: Outgoing) -> stories.SimilarNote | None:
    with out.reading() as session:
        return stories.similar_note(
            session,
            story_id=int(out.payload["story_id"]),
            similar_ids=[int(similar_id) for similar_id in out.payload["similar_ids"]],
        )


class Similar(DeliveryKind):
    """Earlier stories alike, shown to the author only, beside their new story in the channel."""

    name = stories.SIMILAR

    def send(self, out: Outgoing) -> Sent | None:
        note = _similar_note(out)
        if note is None:
            return None
        message = build_similar(out.translator_for(note.author_user_id), note)
        out.client.chat_postEphemeral(channel=note.channel_id, user=note.author_user_id, **message)
        return Sent(channel_id=note.channel_id)

    def after_failed(self, session: Session, delivery: Claimed, reason: str, now: datetime) -> None:
        stories.similar_not_shown(session, payload=delivery.payload, reason=reason, now=now)


class SimilarByDm(DeliveryKind):
    """The same note by DM, for an author the channel could not show it to (not in the channel…)."""

    name = stories.SIMILAR_DM

    def send(self, out: Outgoing) -> Sent | None:
        note = _similar_note(out)
        if note is None:
            return None
        return out.post(note.author_user_id, build_similar(out.translator_for(note.author_user_id), note))


class Refresh(DeliveryKind):
    """The story's channel post redrawn in place: its "This helped me" count, or an edit."""

    name = helped.REFRESH

    def send(self, out: Outgoing) -> Sent | None:
        story = _story(out)
        if story is None or story.message_ts is None:
            return None
        message = build_story_message(out.translator_in(story.language), story)
        out.client.chat_update(channel=story.channel_id, ts=story.message_ts, **message)
        return Sent(story.channel_id, story.message_ts, {"helped": story.helped})

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        helped.post_refreshed(
            session,
            story_id=int(delivery.payload["story_id"]),
            shown=int(sent.data["helped"]),
            delivery_id=delivery.id,
            now=now,
        )


class Unpost(DeliveryKind):
    """A deleted story's channel post, deleted too."""

    name = my_stories.UNPOST
    done_errors = frozenset({"message_not_found"})

    def send(self, out: Outgoing) -> Sent | None:
        channel, ts = str(out.payload["channel_id"]), str(out.payload["ts"])
        out.client.chat_delete(channel=channel, ts=ts)
        return Sent(channel, ts)


KINDS: tuple[DeliveryKind, ...] = (
    Post(),
    NotPosted(),
    Delayed(),
    PostedLate(),
    Similar(),
    SimilarByDm(),
    Refresh(),
    Unpost(),
)
