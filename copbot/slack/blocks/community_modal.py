"""The create/edit community modal. Block ids (and action ids) are the draft's field names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from babel import Locale
from babel.dates import get_day_names

from copbot.domain import communities as fields
from copbot.domain.enums import PromptCadence
from copbot.domain.reminders import DEFAULT_REMINDERS
from copbot.i18n import Translator
from copbot.slack.blocks.common import (
    Block,
    context,
    input_block,
    modal,
    option,
    plain,
    radio_buttons,
    static_select,
    text_input,
)
from copbot.slack.blocks.session_modal import reminder_offsets_input
from copbot.slack.ids import CREATE_VIEW, EDIT_VIEW


@dataclass(frozen=True)
class ModalValues:
    """What the modal shows pre-filled: a blank form in the creator's language and zone, or a community."""

    language: str
    timezone: str
    name: str = ""
    slug: str = ""
    purpose: str = ""
    audience: str = ""
    channel_id: str | None = None
    prompt_cadence: PromptCadence = PromptCadence.OFF
    prompt_weekday: int = 1
    prompt_time: time = time(10, 0)
    pairing_every_weeks: int = 0
    pairing_weekday: int = 0
    group_size: int = 2
    reminder_offsets: tuple[int, ...] = DEFAULT_REMINDERS


def build_create_modal(tr: Translator, values: ModalValues) -> dict[str, Any]:
    title, submit, close = tr.gettext("New community"), tr.gettext("Create"), tr.gettext("Cancel")
    return modal(title, _blocks(tr, values), submit=submit, close=close, callback_id=CREATE_VIEW)


def build_edit_modal(tr: Translator, values: ModalValues, *, private_metadata: str) -> dict[str, Any]:
    title, submit, close = tr.gettext("Edit community"), tr.gettext("Save"), tr.gettext("Cancel")
    return modal(
        title,
        _blocks(tr, values),
        submit=submit,
        close=close,
        callback_id=EDIT_VIEW,
        private_metadata=private_metadata,
    )


def _blocks(tr: Translator, values: ModalValues) -> list[Block]:
    return [
        context(tr.gettext("copbot posts a welcome message in the community's channel and pins it.")),
        *_about(tr, values),
        *_channel(tr, values),
        *_locale(tr, values),
        *_prompts(tr, values),
        *_pairing(tr, values),
        reminder_offsets_input(tr, values.reminder_offsets),
    ]


def _about(tr: Translator, values: ModalValues) -> list[Block]:
    return [
        _text(fields.NAME, tr.gettext("Name"), fields.NAME_MAX, values.name),
        _text(
            fields.SLUG,
            tr.gettext("Short name"),
            fields.SLUG_MAX,
            values.slug,
            optional=True,
            hint=tr.gettext(
                "Used in commands like /cop join testing. Leave empty to make one from the name."
            ),
        ),
        _text(
            fields.PURPOSE,
            tr.gettext("What does this community practise?"),
            fields.PURPOSE_MAX,
            values.purpose,
            multiline=True,
        ),
        _text(
            fields.AUDIENCE,
            tr.gettext("Who is it for?"),
            fields.AUDIENCE_MAX,
            values.audience,
            multiline=True,
        ),
    ]


def _channel(tr: Translator, values: ModalValues) -> list[Block]:
    picker: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": fields.CHANNEL,
        "placeholder": plain(tr.gettext("Pick a channel")),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if values.channel_id:
        picker["initial_conversation"] = values.channel_id
    hint = tr.gettext("For a private channel, invite @copbot to it first.")
    return [
        input_block(fields.CHANNEL, tr.gettext("Channel"), picker, optional=True, hint=hint),
        _text(
            fields.NEW_CHANNEL,
            tr.gettext("…or a new public channel"),
            fields.CHANNEL_NAME_MAX,
            "",
            optional=True,
            hint=tr.gettext(
                "copbot creates it, for example cop-testing. Leave empty to use the channel above."
            ),
        ),
    ]


def _locale(tr: Translator, values: ModalValues) -> list[Block]:
    # Each language is named in itself (English, français), as language pickers usually do.
    languages = [option(Locale.parse(code).get_display_name(code) or code, code) for code in fields.LANGUAGES]
    return [
        _select(fields.LANGUAGE, tr.gettext("Language"), languages, values.language),
        _text(
            fields.TIMEZONE,
            tr.gettext("Time zone"),
            fields.TIMEZONE_MAX,
            values.timezone,
            hint=tr.gettext("A name like Europe/Paris or America/New_York."),
        ),
    ]


def _prompts(tr: Translator, values: ModalValues) -> list[Block]:
    cadences = [
        option(tr.gettext("Off"), PromptCadence.OFF.value),
        option(tr.gettext("Every week"), PromptCadence.WEEKLY.value),
        option(tr.gettext("Every {count} weeks", count=2), PromptCadence.FORTNIGHTLY.value),
    ]
    clock = {
        "type": "timepicker",
        "action_id": fields.PROMPT_TIME,
        "initial_time": values.prompt_time.strftime("%H:%M"),
    }
    return [
        _select(fields.PROMPT_CADENCE, tr.gettext("Story prompts"), cadences, values.prompt_cadence.value),
        _select(fields.PROMPT_DAY, tr.gettext("Story prompt day"), _weekdays(tr), str(values.prompt_weekday)),
        input_block(fields.PROMPT_TIME, tr.gettext("Story prompt time"), clock),
    ]


def _pairing(tr: Translator, values: ModalValues) -> list[Block]:
    every = [option(tr.gettext("Off"), "0"), option(tr.gettext("Every week"), "1")]
    every += [option(tr.gettext("Every {count} weeks", count=weeks), str(weeks)) for weeks in (2, 4)]
    sizes = [option(tr.gettext("{count} people", count=size), str(size)) for size in fields.GROUP_SIZES]
    group_size = radio_buttons(fields.GROUP_SIZE, sizes, initial=str(values.group_size))
    return [
        _select(fields.PAIRING, tr.gettext("Pairing introductions"), every, str(values.pairing_every_weeks)),
        _select(fields.PAIRING_DAY, tr.gettext("Pairing day"), _weekdays(tr), str(values.pairing_weekday)),
        input_block(fields.GROUP_SIZE, tr.gettext("People per introduction"), group_size),
    ]


def _weekdays(tr: Translator) -> list[Block]:
    names = get_day_names("wide", locale=tr.language)
    return [option(str(names[day]).capitalize(), str(day)) for day in fields.WEEKDAYS]


def _text(
    block_id: str,
    label: str,
    limit: int,
    initial: str,
    *,
    multiline: bool = False,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    """A text input whose action id is its block id, as every input of this modal has."""
    element = text_input(block_id, max_length=limit, multiline=multiline, initial=initial)
    return input_block(block_id, label, element, optional=optional, hint=hint)


def _select(block_id: str, label: str, options: list[Block], initial: str) -> Block:
    return input_block(block_id, label, static_select(block_id, options, initial=initial))
