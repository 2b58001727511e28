"""Story prompts: `/cop prompts add|list|remove [community]`, and the organisers' "slower rhythm" button."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from copbot.domain.errors import CopbotError, InvalidInput, NotFound
from copbot.i18n import N_
from copbot.services import notices, prompt_library, prompts
from copbot.slack.blocks.prompts import build_prompt_changed, build_prompt_list, build_slower_applied
from copbot.slack.ids import PROMPT_SLOWER
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.listeners.membership import tell
from copbot.slack.payloads import button_community_id
from copbot.slack.request import Request


def handle_prompts(request: CommandRequest) -> None:
    action = request.text.args[0].lower() if request.text.args else "list"
    handler = _ACTIONS.get(action)
    if handler is None:
        request.refuse(InvalidInput("Use `/cop prompts add`, `/cop prompts list` or `/cop prompts remove`."))
        return
    try:
        person = request.deps.people.get(request.client, request.team_id, request.user_id)
        organiser = prompt_library.Organiser(request.user_id, person is not None and person.is_admin)
        answer = handler(request, organiser, request.text.args[1:])
    except CopbotError as error:
        request.refuse(error)
        return
    request.ack(**answer)


def _add(request: CommandRequest, organiser: prompt_library.Organiser, words: list[str]) -> dict[str, Any]:
    typed = request.text.rest.split(None, 1)
    added = prompt_library.add_prompt(
        request.session,
        team_id=request.team_id,
        organiser=organiser,
        words=words,
        text=typed[1] if len(typed) > 1 else "",
        now=request.now,
    )
    return build_prompt_changed(request.tr, added, added=True)


def _list(request: CommandRequest, organiser: prompt_library.Organiser, words: list[str]) -> dict[str, Any]:
    listing = prompt_library.list_prompts(
        request.session, team_id=request.team_id, organiser=organiser, words=words
    )
    return build_prompt_list(request.tr, listing)


def _remove(request: CommandRequest, organiser: prompt_library.Organiser, words: list[str]) -> dict[str, Any]:
    removed = prompt_library.remove_prompt(
        request.session,
        team_id=request.team_id,
        organiser=organiser,
        words=words,
        now=request.now,
    )
    return build_prompt_changed(request.tr, removed, added=False)


_ACTIONS: dict[str, Callable[[CommandRequest, prompt_library.Organiser, list[str]], dict[str, Any]]] = {
    "add": _add,
    "list": _list,
    "remove": _remove,
}

SUBCOMMANDS = (
    Subcommand(
        "prompts",
        N_("prompts add|list|remove [community]"),
        N_("organisers: the story prompts of a community"),
        handle_prompts,
    ),
)


def register(app: App) -> None:
    app.action(PROMPT_SLOWER)(apply_slower)


def apply_slower(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """An organiser accepts the slower rhythm: it applies, and the DM says so in place of the offer."""
    ack()
    request = Request.of(context)
    try:
        community_id, cadence = _offer(body["actions"][0].get("value"))
        applied = prompts.apply_slower_rhythm(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            is_admin=request.actor().is_admin,
            community_id=community_id,
            cadence=cadence,
        )
    except CopbotError as error:
        tell(request, body, error)
        return
    notices.respond(
        request.session,
        team_id=request.team_id,
        response_url=body["response_url"],
        body=build_slower_applied(request.tr, applied),
        key=request.origin,
        now=request.now,
    )


def _offer(value: object) -> tuple[int, str]:
    community, _, cadence = str(value or "").partition(":")
    if cadence not in prompts.SLOWER_CADENCES:
        raise NotFound("That community no longer exists.")
    return button_community_id(community), cadence
