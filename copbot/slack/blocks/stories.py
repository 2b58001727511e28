"""The share modal, a story as its community's channel shows it, and the notes to its author."""

from __future__ import annotations

from typing import Any

from copbot.domain.stories import (
    ASK_ME_FIELD,
    BODY_FIELD,
    BODY_MAX,
    LESSON_FIELD,
    LESSON_MAX,
    TAGS_FIELD,
    TITLE_FIELD,
    TITLE_MAX,
)
from copbot.domain.tags import TAG_MAX, TAGS_MAX
from copbot.i18n import Translator
from copbot.services.my_stories import EditableStory
from copbot.services.stories import CommunityChoice, SharedStory, SimilarNote, SimilarStory
from copbot.slack.blocks.common import (
    SECTION_TEXT_MAX,
    Block,
    actions,
    button,
    checkboxes,
    context,
    escape,
    escaped_chunks,
    input_block,
    modal,
    option,
    section,
    static_select,
    text_input,
)
from copbot.slack.ids import SHARE_VIEW, STORY_HELPED, STORY_POST_AGAIN

COMMUNITY_BLOCK = "community"
# The inputs' action ids; the story inputs' block ids are the field names of copbot.domain.stories.
COMMUNITY_INPUT = "community_select"
TITLE_INPUT = "title_input"
BODY_INPUT = "story_input"
TAGS_INPUT = "tags_input"
LESSON_INPUT = "lesson_input"
ASK_ME_INPUT = "ask_me_input"
ASK_ME = "yes"  # the value of the one "Others may ask me about this" checkbox
TAGS_TYPED_MAX = TAGS_MAX * (TAG_MAX + 2)  # room for the separators


def build_share_modal(
    tr: Translator, *, metadata: str, fixed: CommunityChoice | None, choices: list[CommunityChoice]
) -> dict[str, Any]:
    """The modal: which community (only when not already decided), then title, story and tags."""
    where = _fixed(tr, fixed) if fixed is not None else _community_select(tr, choices)
    return modal(
        tr.gettext("Share a story"),
        [where, *story_inputs(tr)],
        submit=tr.gettext("Share"),
        close=tr.gettext("Not now"),
        callback_id=SHARE_VIEW,
        private_metadata=metadata,
    )


def _fixed(tr: Translator, community: CommunityChoice) -> Block:
    return section(tr.gettext("Your story goes to *{community}*.", community=escape(community.name)))


def _community_select(tr: Translator, choices: list[CommunityChoice]) -> Block:
    picker = static_select(COMMUNITY_INPUT, [option(choice.name, str(choice.id)) for choice in choices])
    return input_block(COMMUNITY_BLOCK, tr.gettext("Which community?"), picker)


def story_inputs(tr: Translator, was: EditableStory | None = None) -> list[Block]:
    """The story's inputs: empty to share, or filled with the story `was` to edit it."""
    title = text_input(
        TITLE_INPUT,
        max_length=TITLE_MAX,
        initial=was.title if was else None,
        placeholder=tr.gettext("e.g. How we stopped our flaky tests"),
    )
    body = text_input(
        BODY_INPUT,
        max_length=BODY_MAX,
        multiline=True,
        initial=was.body if was else None,
        placeholder=tr.gettext("What happened, what did you try, what did you learn?"),
    )
    lesson = text_input(
        LESSON_INPUT,
        max_length=LESSON_MAX,
        multiline=True,
        initial=was.lesson if was else None,
        placeholder=tr.gettext("In a sentence or two: what would you tell someone facing the same?"),
    )
    ticked = [ASK_ME] if was is None or was.ask_me else []
    ask_me = checkboxes(
        ASK_ME_INPUT, [option(tr.gettext("Others may ask me about this"), ASK_ME)], initial=ticked
    )
    tags = text_input(
        TAGS_INPUT,
        max_length=TAGS_TYPED_MAX,
        initial=", ".join(was.tags) if was else None,
        placeholder=tr.gettext("e.g. ci, flaky-tests"),
    )
    tags_hint = tr.gettext("Up to {count} tags, separated by commas.", count=TAGS_MAX)
    return [
        input_block(TITLE_FIELD, tr.gettext("Title"), title),
        input_block(BODY_FIELD, tr.gettext("Your story"), body),
        input_block(LESSON_FIELD, tr.gettext("What I learned"), lesson, optional=True),
        input_block(TAGS_FIELD, tr.gettext("Tags"), tags, optional=True, hint=tags_hint),
        input_block(ASK_ME_FIELD, tr.gettext("Comparing notes"), ask_me, optional=True),
    ]


def build_story_message(tr: Translator, story: SharedStory) -> dict[str, Any]:
    """The channel post, in the community's language: who shared it, the title, the story, its tags."""
    author = f"<@{story.author_user_id}>" if story.author_user_id else tr.gettext("A former member")
    blocks = [
        section(tr.gettext("{author} shared a story", author=author)),
        section(f"*{escape(story.title)}*"),
        *(section(chunk) for chunk in escaped_chunks(story.body, SECTION_TEXT_MAX)),
    ]
    if story.lesson:
        blocks.append(section(tr.gettext("*What I learned*")))
        blocks += [section(chunk) for chunk in escaped_chunks(story.lesson, SECTION_TEXT_MAX)]
    if story.tags:
        blocks.append(context(" ".join(f"`#{escape(tag)}`" for tag in story.tags)))
    blocks.append(actions(button(tr.gettext("This helped me"), STORY_HELPED, str(story.story_id))))
    if story.helped:
        blocks.append(
            context(tr.ngettext("This helped {count} person", "This helped {count} people", story.helped))
        )
    text = tr.gettext("{author} shared a story: {title}", author=author, title=escape(story.title))
    return {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def build_not_posted(tr: Translator, story: SharedStory) -> dict[str, Any]:
    """A DM to the author, in their language: the story is kept, the channel did not take it."""
    text = tr.gettext(
        "Your story “{title}” is saved in {community}, but I couldn't post it in <#{channel}>. "
        "The channel may be archived or private: please tell an organiser. "
        "I'll post it as soon as I can post there again, or when you press “Post it again”.",
        title=escape(story.title),
        community=escape(story.community_name),
        channel=story.channel_id,
    )
    again = button(tr.gettext("Post it again"), STORY_POST_AGAIN, str(story.story_id), style="primary")
    return {"text": text, "blocks": [section(text), actions(again)]}


def build_delayed(tr: Translator, story: SharedStory) -> dict[str, Any]:
    """A DM to the author while Slack fails: the story is kept and will be posted when Slack recovers."""
    text = tr.gettext(
        "Slack is having trouble right now: your story “{title}” is saved in {community} "
        "and will be posted in <#{channel}> as soon as Slack recovers.",
        title=escape(story.title),
        community=escape(story.community_name),
        channel=story.channel_id,
    )
    return {"text": text, "blocks": [section(text)]}


def build_posted_late(tr: Translator, story: SharedStory) -> dict[str, Any]:
    """A DM to an author who heard of trouble: the story is posted now."""
    text = tr.gettext(
        "Your story “{title}” is now posted in <#{channel}>: {link}",
        title=escape(story.title),
        channel=story.channel_id,
        link=story.permalink or "",
    )
    return {"text": text, "blocks": [section(text)]}


def build_similar(tr: Translator, note: SimilarNote) -> dict[str, Any]:
    """To the author alone: earlier stories alike, and who to compare notes with."""
    heading = tr.gettext(
        "Thanks for sharing! Stories like yours were told before in {community}:",
        community=escape(note.community_name),
    )
    return {"text": heading, "blocks": [section(heading), *(_alike(tr, story) for story in note.stories)]}


def _alike(tr: Translator, story: SimilarStory) -> Block:
    title = escape(story.title)
    line = f"• *<{story.permalink}|{title}>*" if story.permalink else f"• *{title}*"
    if story.ask_user_id:
        line += " " + tr.gettext("(you could ask <@{user}> about it)", user=story.ask_user_id)
    return section(line)
