"""Parsing what Slack sends into plain, validated values."""

from __future__ import annotations

import re
import shlex

from pydantic import BaseModel, Field

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


class CommandText(BaseModel):
    """`/cop <name> <args…>`: the subcommand name (lower-cased, "" when none) and its arguments."""

    name: str = ""
    args: list[str] = Field(default_factory=list)

    @property
    def mentioned_users(self) -> list[str]:
        return [match.group(1) for arg in self.args for match in _MENTION.finditer(arg)]


def parse_command_text(text: str) -> CommandText:
    """Split command text like a shell would, but never fail on an unbalanced quote."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    if not words:
        return CommandText()
    return CommandText(name=words[0].lower(), args=words[1:])
