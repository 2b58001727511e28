"""The plan/edit session modal, and the reminder offsets input of the community form.

Block ids are the field names of `copbot.domain.sessions` (and `copbot.domain.reminders.REMINDERS`), and
each input's action id is its block id, so FieldErrors land inline and answers are read by block id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from copbot.domain import sessions as fields
from copbot.domain.enums import Repeat
from copbot.domain.reminders import REMINDER_CHOICES, REMINDERS, REMINDERS_MAX
from copbot.i18n import Translator
from copbot.services.sessions_view import SessionFormValues
from copbot.slack.blocks.common import (
    Block,
    checkboxes,
    context,
    escape,
    input_block,
    modal,
    option,
    radio_buttons,
    static_select,
    text_input,
)
from copbot.slack.blocks.sessions import duration_text
from copbot.slack.ids import SESSION_CANCEL_VIEW, SESSION_EDIT_VIEW, SESSION_NEW_VIEW

CANCEL_WHICH = "which"  # the cancel modal's choice: CANCEL_ONE or CANCEL_SERIES
CANCEL_ONE, CANCEL_SERIES = "one", "series"


def build_session_modal(
    tr: Translator, values: SessionFormValues, *, zone: str, private_metadata: str, editing: bool = False
) -> dict[str, Any]:
    """The form to plan a series (or edit one): date and time are typed in the community's zone, `zone`."""
    title = tr.gettext("Edit session") if editing else tr.gettext("New session")
    return modal(
        title,
        _blocks(tr, values, zone, editing=editing),
        submit=tr.gettext("Save") if editing else tr.gettext("Plan"),
        close=tr.gettext("Cancel"),
        callback_id=SESSION_EDIT_VIEW if editing else SESSION_NEW_VIEW,
        private_metadata=private_metadata,
    )


def reminder_offsets_input(tr: Translator, offsets: Sequence[int]) -> Block:
    """Checkboxes for the community form: how long before each session its reminders go out."""
    choices = [
        option(tr.gettext("{duration} before", duration=duration_text(tr, minutes)), str(minutes))
        for minutes in REMINDER_CHOICES
    ]
    ticks = checkboxes(REMINDERS, choices, initial=[str(minutes) for minutes in offsets])
    hint = tr.gettext("Posted in the community's channel. Choose up to {max}.", max=REMINDERS_MAX)
    return input_block(REMINDERS, tr.gettext("Session reminders"), ticks, optional=True, hint=hint)


def build_cancel_modal(tr: Translator, *, title: str, repeats: bool, private_metadata: str) -> dict[str, Any]:
    """Confirm a cancellation: of this session only, or (for a series) of it and every later one."""
    blocks: list[Block] = [
        context(tr.gettext("Cancel *{title}*? A notice goes to the channel.", title=escape(title)))
    ]
    if repeats:
        choices = [
            option(tr.gettext("Only this session"), CANCEL_ONE),
            option(tr.gettext("This session and every later one"), CANCEL_SERIES),
        ]
        which = radio_buttons(CANCEL_WHICH, choices, initial=CANCEL_ONE)
        blocks.append(input_block(CANCEL_WHICH, tr.gettext("Which sessions?"), which))
    return modal(
        tr.gettext("Cancel session"),
        blocks,
        submit=tr.gettext("Cancel session"),
        close=tr.gettext("Keep it"),
        callback_id=SESSION_CANCEL_VIEW,
        private_metadata=private_metadata,
    )


def _blocks(tr: Translator, values: SessionFormValues, zone: str, *, editing: bool) -> list[Block]:
    where = tr.gettext("Date and time are in {zone}, the community's time zone.", zone=zone)
    if editing:
        scope = tr.gettext(
            "A new date or time moves only this session; the other fields change every session of the series."
        )
        return [context(where, scope), *_what(tr, values), *_when(tr, values, zone), *_series(tr, values)]
    return [context(where), *_what(tr, values), *_when(tr, values, zone), *_series(tr, values)]


def _what(tr: Translator, values: SessionFormValues) -> list[Block]:
    title = text_input(
        fields.TITLE,
        max_length=fields.TITLE_MAX,
        initial=values.title,
        placeholder=tr.gettext("e.g. Exploratory testing clinic"),
    )
    agenda = text_input(fields.AGENDA, max_length=fields.AGENDA_MAX, multiline=True, initial=values.agenda)
    place = text_input(
        fields.PLACE,
        max_length=fields.PLACE_MAX,
        initial=values.place,
        placeholder=tr.gettext("e.g. Room 4.2, or https://meet.example.com/cop"),
    )
    return [
        input_block(fields.TITLE, tr.gettext("Title"), title),
        input_block(fields.AGENDA, tr.gettext("Agenda"), agenda, optional=True),
        input_block(fields.PLACE, tr.gettext("Place or video link"), place, optional=True),
    ]


def _when(tr: Translator, values: SessionFormValues, zone: str) -> list[Block]:
    day: Block = {"type": "datepicker", "action_id": fields.DATE}
    if values.day is not None:
        day["initial_date"] = values.day.isoformat()
    # Slack shows a time picker's zone under it and sends it back with the answer.
    clock: Block = {"type": "timepicker", "action_id": fields.TIME, "timezone": zone}
    if values.at is not None:
        clock["initial_time"] = values.at.strftime("%H:%M")
    minutes = sorted({*fields.DURATION_CHOICES, values.duration_minutes})
    durations = [option(duration_text(tr, choice), str(choice)) for choice in minutes]
    return [
        input_block(fields.DATE, tr.gettext("Date"), day),
        input_block(fields.TIME, tr.gettext("Start time"), clock),
        input_block(
            fields.DURATION,
            tr.gettext("Duration"),
            static_select(fields.DURATION, durations, initial=str(values.duration_minutes)),
        ),
    ]


def _series(tr: Translator, values: SessionFormValues) -> list[Block]:
    repeats = [
        option(tr.gettext("Does not repeat"), Repeat.NONE.value),
        option(tr.gettext("Every week"), Repeat.WEEKLY.value),
        option(tr.gettext("Every {count} weeks", count=2), Repeat.FORTNIGHTLY.value),
        option(tr.gettext("Monthly on the nth weekday (e.g. 2nd Thursday)"), Repeat.MONTHLY_NTH.value),
        option(tr.gettext("Monthly on the last weekday (e.g. last Friday)"), Repeat.MONTHLY_LAST.value),
    ]
    until: Block = {"type": "datepicker", "action_id": fields.UNTIL}
    if values.until is not None:
        until["initial_date"] = values.until.isoformat()
    return [
        input_block(
            fields.REPEAT,
            tr.gettext("Repeat"),
            static_select(fields.REPEAT, repeats, initial=values.repeat.value),
            hint=tr.gettext("Monthly choices take the weekday and the week of the date above."),
        ),
        input_block(
            fields.UNTIL,
            tr.gettext("Repeat until"),
            until,
            optional=True,
            hint=tr.gettext("Leave empty to repeat with no end."),
        ),
    ]
