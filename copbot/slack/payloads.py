"""Parsing what Slack sends into plain, validated values."""

from __future__ import annotations

import shlex

from pydantic import BaseModel, Field

from copbot.domain.errors import NotFound


class CommandText(BaseModel):
    """`/cop <name> <args…>`: the subcommand name (lower-cased, "" when none) and its arguments."""

    name: str = ""
    args: list[str] = Field(default_factory=list)


def parse_command_text(text: str) -> CommandText:
    """Split command text like a shell would, but never fail on an unbalanced quote."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    if not words:
        return CommandText()
    return CommandText(name=words[0].lower(), args=words[1:])


def button_community_id(value: object) -> int:
    """The community id a button carries; anything but plain digits names no community."""
    digits = str(value or "")
    if not digits.isascii() or not digits.isdigit():
        raise NotFound("That community no longer exists.")
    return int(digits)
