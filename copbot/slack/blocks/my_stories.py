"""`/cop stories mine`: the person's stories with Edit and Delete, and the edit modal."""

from __future__ import annotations

from typing import Any

from copbot.i18n import Translator
from copbot.services.my_stories import EditableStory, MyStoriesPage, MyStory
from copbot.slack.blocks.common import (
    SHORT_DAY,
    Block,
    actions,
    button,
    context,
    escape,
    modal,
    plain,
    section,
    slack_date,
)
from copbot.slack.blocks.stories import story_inputs
from copbot.slack.ids import MINE_NEXT, MINE_PREVIOUS, STORY_DELETE, STORY_EDIT, STORY_EDIT_VIEW


def build_my_stories(tr: Translator, mine: MyStoriesPage) -> dict[str, Any]:
    """The ephemeral list: each story with its community, date, Edit / Delete, and Previous / Next."""
    if not mine.stories:
        text = tr.gettext("You have not shared a story yet. Share one with `/cop share`.")
        return {"response_type": "ephemeral", "text": text}
    heading = tr.gettext("Your stories, newest first:")
    blocks: list[Block] = [section(heading)]
    for story in mine.stories:
        title = escape(story.title)
        linked = f"<{story.permalink}|{title}>" if story.permalink else title
        when = slack_date(story.created_at, story.created_at.date().isoformat(), token=SHORT_DAY)
        blocks.append(section(f"*{linked}*\n{escape(story.community_name)}, {when}"))
        blocks.append(actions(button(tr.gettext("Edit"), STORY_EDIT, str(story.id)), _delete(tr, story)))
    if mine.pages > 1:
        blocks.append(context(tr.gettext("Page {page} of {pages}", page=mine.page, pages=mine.pages)))
        blocks.append(actions(*_paging(tr, mine)))
    return {"response_type": "ephemeral", "text": heading, "blocks": blocks}


def _paging(tr: Translator, mine: MyStoriesPage) -> list[Block]:
    buttons = []
    if mine.page > 1:
        buttons.append(button(tr.gettext("Previous"), MINE_PREVIOUS, str(mine.page - 1)))
    if mine.page < mine.pages:
        buttons.append(button(tr.gettext("Next"), MINE_NEXT, str(mine.page + 1)))
    return buttons


def build_edit_modal(tr: Translator, *, metadata: str, story: EditableStory) -> dict[str, Any]:
    where = section(tr.gettext("Your story in *{community}*.", community=escape(story.community_name)))
    return modal(
        tr.gettext("Edit your story"),
        [where, *story_inputs(tr, story)],
        submit=tr.gettext("Save"),
        close=tr.gettext("Not now"),
        callback_id=STORY_EDIT_VIEW,
        private_metadata=metadata,
    )


def build_deleted(tr: Translator, title: str) -> dict[str, Any]:
    text = tr.gettext("Your story “{title}” is deleted, and so is its post.", title=escape(title))
    return {"replace_original": False, "response_type": "ephemeral", "text": text}


def _delete(tr: Translator, story: MyStory) -> Block:
    confirm = {
        "title": plain(tr.gettext("Delete this story?")),
        "text": plain(tr.gettext("“{title}” and its channel post will be deleted.", title=story.title)[:300]),
        "confirm": plain(tr.gettext("Delete")),
        "deny": plain(tr.gettext("Keep it")),
        "style": "danger",
    }
    return button(tr.gettext("Delete"), STORY_DELETE, str(story.id), style="danger") | {"confirm": confirm}
