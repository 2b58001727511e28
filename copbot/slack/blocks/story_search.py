"""`/cop stories`: one page of found stories, each with its author, date and link, and paging buttons."""

from __future__ import annotations

import json
from typing import Any

from copbot.i18n import Translator
from copbot.services.story_search import FoundStory, OtherReading, StoriesFound
from copbot.slack.blocks.common import (
    SHORT_DAY,
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    section,
    slack_date,
)
from copbot.slack.ids import STORIES_NEXT, STORIES_PREVIOUS


def build_stories_found(tr: Translator, found: StoriesFound) -> dict[str, Any]:
    """The ephemeral answer: a heading, the page's stories, and Previous / Next when there are more pages."""
    heading = _heading(tr, found)
    blocks: list[Block] = [section(heading)]
    if found.other is not None:
        blocks.append(context(_other_way(tr, found.other)))
    for story in found.stories:
        blocks += [divider(), *_story(tr, story)]
    if found.pages > 1:
        blocks.append(context(tr.gettext("Page {page} of {pages}", page=found.page, pages=found.pages)))
        blocks.append(actions(*_paging(tr, found)))
    return {"response_type": "ephemeral", "text": heading, "blocks": blocks}


def page_value(community_id: int, words: str, page: int) -> str:
    """A paging button's value: the search it continues (checked again when clicked)."""
    return json.dumps({"community_id": community_id, "words": words, "page": page}, ensure_ascii=False)


def story_date(story: FoundStory) -> str:
    """The story's date as a Slack date token: each reader sees it their way; the fallback is ISO."""
    return slack_date(story.created_at, story.created_at.date().isoformat(), token=SHORT_DAY)


def _heading(tr: Translator, found: StoriesFound) -> str:
    name, words = escape(found.community_name), escape(found.words)
    if not found.words:
        if not found.total:
            return tr.gettext(
                "No story has been shared in {community} yet. Be the first: `/cop share {slug}`",
                community=name,
                slug=found.community_slug,
            )
        return tr.gettext("The latest stories shared in {community}", community=name)
    if not found.total:
        return tr.gettext("No story in {community} matches “{words}”.", community=name, words=words)
    return tr.ngettext(
        "{count} story in {community} matches “{words}”",
        "{count} stories in {community} match “{words}”",
        found.total,
        community=name,
        words=words,
    )


def _story(tr: Translator, story: FoundStory) -> list[Block]:
    title = escape(story.title)
    linked = f"<{story.permalink}|{title}>" if story.permalink else title
    author = f"<@{story.author_user_id}>" if story.author_user_id else tr.gettext("A former member")
    return [
        section(f"*{linked}*\n{escape(story.excerpt)}"),
        context(tr.gettext("{author}, {date}", author=author, date=story_date(story))),
    ]


def _other_way(tr: Translator, other: OtherReading) -> str:
    """How to ask for what the command could also have meant."""
    name, words = escape(other.community_name), escape(other.words)
    if other.named_is_member:
        return tr.gettext(
            "To search {community} for “{words}” instead: `/cop stories {slug} {words}`",
            community=name,
            words=words,
            slug=other.community_slug,
        )
    return tr.gettext(
        "“{word}” is also the community {community}, which you are not in: `/cop join {slug}` to search it.",
        word=words,
        community=name,
        slug=other.community_slug,
    )


def _paging(tr: Translator, found: StoriesFound) -> list[Block]:
    buttons = []
    if found.page > 1:
        value = page_value(found.community_id, found.words, found.page - 1)
        buttons.append(button(tr.gettext("Previous"), STORIES_PREVIOUS, value))
    if found.page < found.pages:
        value = page_value(found.community_id, found.words, found.page + 1)
        buttons.append(button(tr.gettext("Next"), STORIES_NEXT, value))
    return buttons
