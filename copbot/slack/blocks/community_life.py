"""A community's life in Block Kit: the channel's note, the answers, the delete modal, organiser checks."""

from __future__ import annotations

from typing import Any

from copbot.i18n import N_, Translator
from copbot.services.community_life import LifeOutcome, State
from copbot.slack.blocks.common import (
    actions,
    button,
    escape,
    input_block,
    modal,
    section,
    text_input,
)
from copbot.slack.ids import COMMUNITY_DELETE_VIEW, ORGANISER_CANCEL, ORGANISER_CONFIRM

CONFIRM_BLOCK = "delete_confirm"
CONFIRM_INPUT = "delete_confirm_slug"
SLUG_MAX = 40  # a short name's longest

ANSWERS = {
    State.PAUSED: N_("*{name}* is paused. Nothing scheduled goes out until you resume it."),
    State.RUNNING: N_("*{name}* is running: its schedule starts again from now."),
    State.ARCHIVED: N_(
        "*{name}* is archived: hidden from `/cop list`, its channel free for another community."
    ),
    State.DELETED: N_("*{name}* is deleted, with everything it held."),
}


def build_channel_note(tr: Translator, message: str, params: dict[str, Any]) -> dict[str, Any]:
    """A note in the community's channel, in its language; names are escaped for mrkdwn."""
    text = tr.gettext(message, **{k: escape(v) if isinstance(v, str) else v for k, v in params.items()})
    return {"text": text, "blocks": [section(text)]}


def life_answer_text(tr: Translator, outcome: LifeOutcome) -> str:
    """What the organiser is told once the change is made."""
    return tr.gettext(ANSWERS[outcome.state], name=escape(outcome.name))


def build_life_answer(tr: Translator, outcome: LifeOutcome) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": life_answer_text(tr, outcome)}


def build_delete_modal(tr: Translator, outcome: LifeOutcome, *, private_metadata: str) -> dict[str, Any]:
    """Deleting asks for the short name, typed: it removes every row of the community, for good."""
    warning = tr.gettext(
        "Deleting *{name}* removes its members, stories, prompts, sessions, answers, introductions and "
        "statistics for good. Its Slack channel stays as it is. To hide it but keep its history, archive "
        "it instead.",
        name=escape(outcome.name),
    )
    field = input_block(
        CONFIRM_BLOCK,
        tr.gettext("Type its short name to confirm: {slug}", slug=outcome.slug),
        text_input(CONFIRM_INPUT, max_length=SLUG_MAX, placeholder=outcome.slug),
    )
    return modal(
        tr.gettext("Delete a community"),
        [section(warning), field],
        submit=tr.gettext("Delete"),
        close=tr.gettext("Cancel"),
        callback_id=COMMUNITY_DELETE_VIEW,
        private_metadata=private_metadata,
    )


def build_organiser_question(
    tr: Translator, *, adding: bool, name: str, user_id: str, value: str
) -> dict[str, Any]:
    """Asked before an organiser is added or removed: Confirm or Cancel, seen only by the asker."""
    if adding:
        text = tr.gettext("Make <@{user}> an organiser of *{name}*?", user=user_id, name=escape(name))
    else:
        text = tr.gettext("Stop <@{user}> organising *{name}*?", user=user_id, name=escape(name))
    confirm = button(tr.gettext("Confirm"), ORGANISER_CONFIRM, value, style="primary")
    cancel = button(tr.gettext("Cancel"), ORGANISER_CANCEL, value)
    return {"response_type": "ephemeral", "text": text, "blocks": [section(text), actions(confirm, cancel)]}
