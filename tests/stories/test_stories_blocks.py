"""The share modal and the story post stay within Slack's Block Kit limits, whatever the data."""

from __future__ import annotations

from dataclasses import replace

from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks, check_view
from copbot.services.stories import CommunityChoice, SharedStory
from copbot.slack.blocks.common import build_notice
from copbot.slack.blocks.stories import build_not_posted, build_share_modal, build_story_message

EN, FR = translator("en"), translator("fr")


def _story(**changes) -> SharedStory:
    fields = {
        "story_id": 1,
        "author_user_id": "U0CHEN",
        "community_name": "Testing",
        "channel_id": "C0TEST",
        "language": "en",
        "title": "Title",
        "body": "Body",
        "tags": ("ci",),
    } | changes
    return SharedStory(**fields)


def test_fixed_modal_is_valid_in_both_languages():
    """The modal for a decided community passes Slack's checks (titles ≤24 characters) in both languages."""
    for tr in (EN, FR):
        view = build_share_modal(tr, metadata="sealed", fixed=CommunityChoice(1, "Testing"), choices=[])
        assert check_view(view) == []
        assert [b.get("block_id") for b in view["blocks"]] == [
            None,
            "title",
            "story",
            "lesson",
            "tags",
            "ask_me",
        ]


def test_choice_modal_caps_options_at_slacks_limit():
    """With more than 100 communities the select offers the first 100, each label cut to 75 characters."""
    choices = [CommunityChoice(n, f"{n:03} " + "n" * 80) for n in range(150)]
    view = build_share_modal(EN, metadata="sealed", fixed=None, choices=choices)
    assert check_view(view) == []
    options = view["blocks"][0]["element"]["options"]
    assert len(options) == 100
    assert {len(option["text"]["text"]) for option in options} == {75}


def test_community_name_is_escaped_in_the_modal():
    """A community name cannot inject mrkdwn mentions into the modal."""
    view = build_share_modal(EN, metadata="m", fixed=CommunityChoice(1, "<!here> & co"), choices=[])
    assert view["blocks"][0]["text"]["text"] == "Your story goes to *&lt;!here&gt; &amp; co*."


def test_longest_story_post_is_valid():
    """The longest title and a 3000-character story of characters that escaping grows make a valid post."""
    story = _story(title="<" * 150, body="&" * 3000, tags=tuple("abcde"))
    message = build_story_message(EN, replace(story, lesson=">" * 3000, helped=10_000))
    assert check_message_blocks(message["blocks"]) == []
    sections = [b["text"]["text"] for b in message["blocks"][2:] if b["type"] == "section"]
    assert "".join(sections) == "&amp;" * 3000 + "*What I learned*" + "&gt;" * 3000
    assert message["blocks"][-3]["elements"][0]["text"] == "`#a` `#b` `#c` `#d` `#e`"
    assert message["blocks"][-1]["elements"][0]["text"] == "This helped 10000 people"


def test_story_without_tags_has_no_tag_line():
    """No tags, no lesson, no press yet: the post ends with the story and its button."""
    message = build_story_message(FR, _story(tags=()))
    assert [b["type"] for b in message["blocks"]] == ["section", "section", "section", "actions"]
    assert message["blocks"][0]["text"]["text"] == "<@U0CHEN> a partagé une histoire"


def test_notes_to_the_author_are_valid():
    """The notice modal and the not-posted DM pass Slack's checks."""
    assert check_view(build_notice(FR, "Cette communauté n'existe plus.")) == []
    assert check_message_blocks(build_not_posted(EN, _story(title="<b>"))["blocks"]) == []
    assert "“&lt;b&gt;”" in build_not_posted(EN, _story(title="<b>"))["text"]
