"""Search results, similar stories, prompts, the prompt list and `/cop stories mine` fit Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from copbot.domain.enums import PromptCadence
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks, check_view
from copbot.services.my_stories import MINE_SHOWN, EditableStory, MyStoriesPage, MyStory
from copbot.services.prompt_library import PromptEntry, PromptList
from copbot.services.prompts import PromptView, SlowerSuggestion
from copbot.services.stories import SimilarNote, SimilarStory
from copbot.services.story_search import FoundStory, StoriesFound
from copbot.slack.blocks.my_stories import build_edit_modal, build_my_stories
from copbot.slack.blocks.prompts import build_prompt_list, build_prompt_message, build_slower_offer
from copbot.slack.blocks.stories import build_similar
from copbot.slack.blocks.story_search import build_stories_found

WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LANGUAGES = pytest.mark.parametrize("language", ["en", "fr"])
LINK = "https://acme.slack.com/archives/C0TEST/p1700000000000100"


@LANGUAGES
def test_a_full_search_page_of_the_longest_stories_is_valid(language):
    """Five stories with titles and excerpts that escaping grows, on a middle page, pass Slack's checks."""
    stories = [FoundStory(n, "<" * 150, "&" * 280, "U0CHEN", WHEN, LINK) for n in range(5)]
    found = StoriesFound(1, "<Testing>", "testing", "&" * 200, stories, 300, page=2, pages=60)
    message = build_stories_found(translator(language), found)
    assert check_message_blocks(message["blocks"]) == []
    assert [e["action_id"] for e in message["blocks"][-1]["elements"]] == ["stories_previous", "stories_next"]


@LANGUAGES
def test_similar_stories_and_prompts_are_valid(language):
    """The similar-stories note, a prompt post after a silent one, and the slower-rhythm offer."""
    tr = translator(language)
    similar = SimilarNote("U0CHEN", "C0TEST", "<T>", [SimilarStory("&" * 150, LINK, WHEN, "U0ANA")] * 3)
    prompt = PromptView(7, "C0TEST", language, "<" * 500, "A theme", quiet_before=True)
    offer = SlowerSuggestion(1, "&" * 80, "U0ANA", PromptCadence.FORTNIGHTLY)
    for message in (
        build_similar(tr, similar),
        build_prompt_message(tr, prompt),
        build_slower_offer(tr, offer),
    ):
        assert check_message_blocks(message["blocks"]) == []


@LANGUAGES
def test_a_very_long_prompt_list_is_cut_within_fifty_blocks(language):
    """Hundreds of 500-character prompts: the list stays a valid message and says it was cut."""
    entries = [PromptEntry(f"own-{n}", None, "&" * 500) for n in range(300)]
    message = build_prompt_list(translator(language), PromptList("Testing", "testing", entries))
    assert check_message_blocks(message["blocks"]) == []
    assert len(message["blocks"]) <= 50


@LANGUAGES
def test_my_stories_and_the_edit_modal_are_valid(language):
    """A page of stories with Edit, Delete and paging, and the edit modal filled with the longest story."""
    tr = translator(language)
    stories = [MyStory(n, "<" * 150, "Testing", WHEN, LINK if n % 2 else None) for n in range(MINE_SHOWN)]
    assert check_message_blocks(build_my_stories(tr, MyStoriesPage(stories, 2, 3))["blocks"]) == []
    story = EditableStory(1, "Testing", "T" * 150, "b" * 3000, "l" * 3000, ("a", "b"), ask_me=False)
    modal = build_edit_modal(tr, metadata="sealed", story=story)
    assert check_view(modal) == []
    [ask] = [block for block in modal["blocks"] if block.get("block_id") == "ask_me"]
    assert "initial_options" not in ask["element"]
