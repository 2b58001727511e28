"""Sharing stories, on Slack's side: the channel post and, when it fails, a word to the author."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copbot.i18n import Translator, normalise_language, translator
from copbot.services.stories import SharedStory
from copbot.slack.blocks.stories import build_not_posted, build_story_message

logger = logging.getLogger(__name__)


class SlackStoryChannel:
    """The StoryChannel of copbot.services.stories: posts in the community's language, DMs in the author's."""

    def __init__(self, client: WebClient, *, author_tr: Translator, default_language: str) -> None:
        self._client = client
        self._author_tr = author_tr
        self._default_language = default_language

    def post(self, story: SharedStory) -> str | None:
        tr = translator(normalise_language(story.language, self._default_language))
        try:
            response = self._client.chat_postMessage(
                channel=story.channel_id, **build_story_message(tr, story)
            )
        except SlackApiError as error:
            logger.warning("story %s not posted in %s: %s", story.story_id, story.channel_id, _reason(error))
            return None
        return str(response["ts"])

    def tell_author_not_posted(self, story: SharedStory) -> None:
        message = build_not_posted(self._author_tr, story)
        try:
            self._client.chat_postMessage(channel=story.author_user_id, **message)
        except SlackApiError as error:
            logger.warning(
                "could not tell %s about story %s: %s", story.author_user_id, story.story_id, _reason(error)
            )


def _reason(error: SlackApiError) -> str:
    return str(error.response.get("error", "unknown"))
