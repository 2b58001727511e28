"""The `/cop help` message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copbot.i18n import Translator
from copbot.slack.blocks.common import context, escape, modal, section
from copbot.slack.ids import COMMAND


@dataclass(frozen=True)
class HelpEntry:
    usage: str  # e.g. "join [community]", shown after the command name; a catalog message id too
    summary: str  # a catalog message id, translated here


def build_help(
    tr: Translator, entries: list[HelpEntry], *, unknown: str | None = None, suggestion: str | None = None
) -> dict[str, Any]:
    """Ephemeral help: one line per subcommand; when the user mistyped, what we did not understand first."""
    lines = [f"`{COMMAND} {tr.gettext(entry.usage)}` — {tr.gettext(entry.summary)}" for entry in entries]
    blocks = []
    if unknown is not None:
        blocks.append(section(_unknown_text(tr, unknown, suggestion)))
    blocks.append(section(tr.gettext("*copbot* runs this workspace's communities of practice. You can:")))
    blocks.append(section("\n".join(lines)))
    blocks.append(context(tr.gettext("Type `{command} help` to see this again.", command=COMMAND)))
    fallback = tr.gettext("copbot commands:") + "\n" + "\n".join(lines)
    return {"response_type": "ephemeral", "text": fallback, "blocks": blocks}


def build_help_modal(tr: Translator, entries: list[HelpEntry]) -> dict[str, Any]:
    """The App Home's Help: the same list as `/cop help`, in a modal."""
    lines = [f"`{COMMAND} {tr.gettext(entry.usage)}` — {tr.gettext(entry.summary)}" for entry in entries]
    blocks = [
        section(tr.gettext("*copbot* runs this workspace's communities of practice. You can:")),
        section("\n".join(lines)),
        context(tr.gettext("Type `{command} help` to see this again.", command=COMMAND)),
    ]
    return modal(tr.gettext("Help"), blocks, close=tr.gettext("Close"))


def _unknown_text(tr: Translator, unknown: str, suggestion: str | None) -> str:
    unknown = escape(unknown[:40].replace("`", "'"))
    if suggestion is None:
        return tr.gettext("I don't know the command `{name}`.", name=unknown)
    return tr.gettext(
        "I don't know the command `{name}`. Did you mean `{command} {suggestion}`?",
        name=unknown,
        command=COMMAND,
        suggestion=suggestion,
    )
