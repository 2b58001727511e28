"""The small modals App Home buttons open: a community's story search, its prompts."""

from __future__ import annotations

from typing import Any

from copbot.domain.search_text import SEARCH_TEXT_MAX
from copbot.i18n import Translator
from copbot.services.prompt_library import PromptList
from copbot.services.story_search import StoriesFound
from copbot.slack.blocks.common import Block, context, input_block, modal, text_input
from copbot.slack.blocks.prompts import build_prompt_list
from copbot.slack.blocks.story_search import build_stories_found
from copbot.slack.ids import COMMAND, HOME_SEARCH_VIEW

SEARCH_FIELD = "home_search_words"
SEARCH_INPUT = "words"


def build_search_modal(
    tr: Translator, community_name: str, *, metadata: str, found: StoriesFound | None = None
) -> dict[str, Any]:
    """Words to search a community's stories for; once searched, the first page found below them."""
    words = text_input(
        SEARCH_INPUT,
        max_length=SEARCH_TEXT_MAX,
        initial=found.words if found else None,
        placeholder=tr.gettext("e.g. flaky tests"),
    )
    hint = tr.gettext("Leave it empty to see the latest stories of {community}.", community=community_name)
    blocks: list[Block] = [
        input_block(SEARCH_FIELD, tr.gettext("Search the stories for"), words, optional=True, hint=hint)
    ]
    if found is not None:
        blocks += _found(tr, found)
    return modal(
        tr.gettext("Search stories"),
        blocks,
        submit=tr.gettext("Search"),
        close=tr.gettext("Close"),
        callback_id=HOME_SEARCH_VIEW,
        private_metadata=metadata,
    )


def _found(tr: Translator, found: StoriesFound) -> list[Block]:
    """The stories found, as `/cop stories` shows them; the next pages are the command's."""
    blocks = [block for block in build_stories_found(tr, found)["blocks"] if block["type"] != "actions"]
    if found.pages > 1:
        more = f"{COMMAND} stories {found.community_slug} {found.words}".strip()
        blocks.append(context(tr.gettext("The next pages: `{command}`", command=more)))
    return blocks


def build_prompts_modal(tr: Translator, listing: PromptList) -> dict[str, Any]:
    """A community's story prompts, as `/cop prompts list` shows them."""
    blocks = build_prompt_list(tr, listing)["blocks"]
    return modal(tr.gettext("Prompts"), blocks, close=tr.gettext("Close"))
