"""Small Block Kit pieces shared by the builders: texts, blocks, elements and the modal around them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from copbot.domain.wallclock import LocalDay

if TYPE_CHECKING:
    from copbot.i18n import Translator

Block = dict[str, Any]

MODAL_TEXT_MAX = 24  # a modal's title, submit and close labels
OPTION_TEXT_MAX = 75
MAX_OPTIONS = 100  # in one static select
SECTION_TEXT_MAX = 3000


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": mrkdwn(text), **extra}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text) for text in texts]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text[:150])}


def divider() -> Block:
    return {"type": "divider"}


def actions(*elements: Block) -> Block:
    return {"type": "actions", "elements": list(elements)}


def escape(text: str) -> str:
    """Escape user-provided text for mrkdwn, as Slack asks (&, < and >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Slack's date token formats: each reader sees the moment in their own zone and locale.
DATE_AND_TIME = "{date_long_pretty} {time}"
DAY = "{date_long_pretty}"
SHORT_DAY = "{date_short}"


def slack_date(moment: datetime, fallback: str, *, token: str = DATE_AND_TIME) -> str:
    """A moment as Slack's `<!date^…>` token (the reader's zone and locale); `fallback` where it is not read.

    The one way copbot writes a date or time in a message: callers give the fallback in the community's
    zone and language (or a plain ISO date).
    """
    return f"<!date^{int(moment.timestamp())}^{token}|{escape(fallback)}>"


def slack_day(tr: Translator, day: LocalDay) -> str:
    """A day as Slack's token at noon in its zone (one day for every reader); ours as fallback."""
    return slack_date(day.noon(), format_date(day.day, "long", locale=tr.language), token=DAY)


def escaped_chunks(text: str, limit: int) -> list[str]:
    """Split `text` so that each piece, once escaped for mrkdwn, fits in `limit` characters.

    Escaping can grow a text (& becomes &amp;), so 3,000 typed characters may not fit one section.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        escaped = escape(char)
        if size + len(escaped) > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(escaped)
        size += len(escaped)
    return [*chunks, "".join(current)]


def modal(
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = None,
    close: str | None = None,
    callback_id: str | None = None,
    private_metadata: str | None = None,
) -> dict[str, Any]:
    """A modal view; without `close` Slack shows its own Cancel button, in the user's language."""
    view: dict[str, Any] = {"type": "modal", "title": plain(title[:MODAL_TEXT_MAX])}
    if submit is not None:
        view["submit"] = plain(submit[:MODAL_TEXT_MAX])
    if close is not None:
        view["close"] = plain(close[:MODAL_TEXT_MAX])
    if callback_id is not None:
        view["callback_id"] = callback_id
    if private_metadata is not None:
        view["private_metadata"] = private_metadata
    return {**view, "blocks": blocks}


def button(
    text: str, action_id: str, value: str, *, style: str | None = None, confirm: Block | None = None
) -> Block:
    """A button; `style` is "primary" or "danger" (Slack's grey default without one).

    `confirm`: a dialog Slack shows before the press is sent (see `confirm_dialog`).
    """
    element = {"type": "button", "text": plain(text), "action_id": action_id, "value": value}
    return element | ({"style": style} if style else {}) | ({"confirm": confirm} if confirm else {})


CONFIRM_TITLE_MAX = 100
CONFIRM_TEXT_MAX = 300
CONFIRM_BUTTON_MAX = 30


def confirm_dialog(title: str, text: str, yes: str, no: str, *, danger: bool = False) -> Block:
    """Slack's confirmation dialog for a button: a title, a text, the confirm and deny labels."""
    dialog = {
        "title": plain(title[:CONFIRM_TITLE_MAX]),
        "text": mrkdwn(text[:CONFIRM_TEXT_MAX]),
        "confirm": plain(yes[:CONFIRM_BUTTON_MAX]),
        "deny": plain(no[:CONFIRM_BUTTON_MAX]),
    }
    return dialog | ({"style": "danger"} if danger else {})


def option(text: str, value: str) -> Block:
    return {"text": plain(text[:OPTION_TEXT_MAX]), "value": value}


def input_block(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None
) -> Block:
    block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element}
    return block | {"optional": optional} | ({"hint": plain(hint)} if hint else {})


def text_input(
    action_id: str,
    *,
    max_length: int,
    multiline: bool = False,
    initial: str | None = None,
    placeholder: str | None = None,
) -> Block:
    """A plain-text input; an `initial` text longer than `max_length` is cut to fit."""
    element: Block = {
        "type": "plain_text_input",
        "action_id": action_id,
        "max_length": max_length,
        "multiline": multiline,
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder)
    return element


def static_select(
    action_id: str, options: Sequence[Block], *, initial: str | None = None, placeholder: str | None = None
) -> Block:
    """A drop-down of the first 100 `options` (Slack's limit); `initial` is the chosen option's value."""
    element = _choice("static_select", action_id, options[:MAX_OPTIONS], initial)
    return element | ({"placeholder": plain(placeholder)} if placeholder else {})


def radio_buttons(action_id: str, options: Sequence[Block], *, initial: str | None = None) -> Block:
    return _choice("radio_buttons", action_id, options, initial)


def checkboxes(action_id: str, options: Sequence[Block], *, initial: Sequence[str] = ()) -> Block:
    """Checkboxes; `initial` holds the values of the options ticked to begin with."""
    element: Block = {"type": "checkboxes", "action_id": action_id, "options": list(options)}
    ticked = [choice for choice in options if choice["value"] in initial]
    return element | ({"initial_options": ticked} if ticked else {})


def _choice(kind: str, action_id: str, options: Sequence[Block], initial: str | None) -> Block:
    element: Block = {"type": kind, "action_id": action_id, "options": list(options)}
    chosen = next((choice for choice in options if choice["value"] == initial), None)
    return element | ({"initial_option": chosen} if chosen is not None else {})


def build_notice(tr: Translator, text: str, *, title: str | None = None) -> dict[str, Any]:
    """A small modal that only says something: how an App Home button answers (why it could not go on).

    The Home tab has no message to answer beside, so every Home button answers this one way.
    """
    shown = title or tr.gettext("That didn't work")
    return modal(shown[:MODAL_TEXT_MAX], [section(text)], close=tr.gettext("Got it"))
