"""Parsing what Slack sends into plain, validated values."""

from __future__ import annotations

import shlex

from pydantic import BaseModel, Field

from copbot.domain.errors import NotFound
from copbot.domain.text import N_


class CommandText(BaseModel):
    """`/cop <name> <args…>`: the subcommand name (lower-cased, "" when none) and its arguments."""

    name: str = ""
    args: list[str] = Field(default_factory=list)
    # The words after the name as typed, uncut (quotes and apostrophes kept): for free text, such as a prompt.
    rest: str = ""


COMMAND_TEXT_MAX = 2000  # no subcommand needs more (stories are told in a form); shlex on 1 MB takes seconds
ID_DIGITS_MAX = 18  # a longer number does not fit the database's 64-bit integers


def parse_command_text(text: str) -> CommandText:
    """Split command text like a shell would, never failing on an unbalanced quote; long text is cut."""
    typed, text = text, text[:COMMAND_TEXT_MAX]
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    if not words:
        return CommandText()
    parts = typed.split(None, 1)
    return CommandText(name=words[0].lower(), args=words[1:], rest=parts[1].strip() if len(parts) > 1 else "")


def button_id(value: object, gone: str) -> int:
    """The row id a button carries; anything but plain digits names nothing, and `gone` says so."""
    digits = str(value or "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > ID_DIGITS_MAX:
        raise NotFound(gone)
    return int(digits)


def button_community_id(value: object) -> int:
    return button_id(value, N_("That community no longer exists."))


def story_id(value: object) -> int:
    return button_id(value, N_("That story is no longer shared."))


def prompt_post_id(value: object) -> int:
    """The prompt post id a "Share your story" button carries."""
    return button_id(value, N_("That prompt is no longer open."))
