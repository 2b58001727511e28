"""The `/cop` slash command: one entry point that routes to subcommands."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from copbot.domain.errors import CopbotError
from copbot.i18n import N_
from copbot.slack.blocks.help import HelpEntry, build_help, build_help_modal
from copbot.slack.errors import refusal
from copbot.slack.ids import COMMAND, HOME_HELP
from copbot.slack.payloads import CommandText, parse_command_text
from copbot.slack.request import Request


@dataclass(frozen=True)
class CommandRequest(Request):
    """A request, with what only a slash command has; its handler must call `ack` exactly once."""

    channel_id: str
    trigger_id: str
    response_url: str  # where an answer that takes longer than Slack's 3 seconds goes
    text: CommandText
    ack: Ack
    respond: Respond

    def refuse(self, error: CopbotError) -> None:
        """Answer the command with a private explanation of `error`."""
        self.ack(response_type="ephemeral", **refusal(self.tr, error))

    def open_modal(self, build: Callable[[], dict[str, Any]]) -> None:
        """Open the modal `build` returns, then answer; on a CopbotError (SlackBusy too) refuse instead.

        views.open comes first: the answer to Slack is only sent when this listener returns, and a
        refusal must be able to replace it.
        """
        try:
            self.client.views_open(trigger_id=self.trigger_id, view=build())
        except CopbotError as error:
            self.refuse(error)
            return
        self.ack()


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str  # "join [community]": a catalog id too, so the words in brackets are translated
    summary: str
    handle: Callable[[CommandRequest], None]


HELP = "help"
HELP_SUMMARY = N_("show this help")


def register(app: App, subcommands: Sequence[Subcommand] = ()) -> None:
    """Register `/cop`; help lists exactly the subcommands given here."""
    by_name = {sub.name: sub for sub in subcommands}
    entries = [HelpEntry(sub.usage, sub.summary) for sub in sorted(subcommands, key=lambda sub: sub.name)]
    entries.append(HelpEntry(HELP, HELP_SUMMARY))

    def handle_cop(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
        request = _request(ack, respond, command, context)
        name = request.text.name or HELP
        subcommand = by_name.get(name)
        if subcommand is not None:
            subcommand.handle(request)
        elif name == HELP:
            ack(**build_help(request.tr, entries))
        else:
            close = difflib.get_close_matches(name, [*by_name, HELP], n=1, cutoff=0.5)
            ack(**build_help(request.tr, entries, unknown=name, suggestion=close[0] if close else None))

    app.command(COMMAND)(handle_cop)

    def open_help(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        """The App Home's Help button: the same list, in a modal."""
        ack()
        request = Request.of(context)
        request.client.views_open(trigger_id=body["trigger_id"], view=build_help_modal(request.tr, entries))

    app.action(HOME_HELP)(open_help)


def _request(ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> CommandRequest:
    return CommandRequest.of(
        context,
        channel_id=command.get("channel_id", ""),
        trigger_id=command.get("trigger_id", ""),
        response_url=command.get("response_url", ""),
        text=parse_command_text(command.get("text", "")),
        ack=ack,
        respond=respond,
    )
