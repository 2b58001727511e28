"""Story prompts: the organisers' "slower rhythm" button (and, with its issue slice, `/cop prompts`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from copbot.domain.errors import CopbotError, NotFound
from copbot.services import notices, prompts
from copbot.slack.blocks.prompts import build_slower_applied
from copbot.slack.ids import PROMPT_SLOWER
from copbot.slack.listeners.commands import Subcommand
from copbot.slack.listeners.membership import tell
from copbot.slack.payloads import button_community_id

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: App) -> None:
    app.action(PROMPT_SLOWER)(apply_slower)


def apply_slower(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """An organiser accepts the slower rhythm: it applies, and the DM says so in place of the offer."""
    ack()
    team_id, user_id = str(context.team_id), str(context.user_id)
    try:
        community_id, cadence = _offer(body["actions"][0].get("value"))
        person = context["deps"].people.get(client, team_id, user_id)
        applied = prompts.apply_slower_rhythm(
            context["session"],
            team_id=team_id,
            user_id=user_id,
            is_admin=person is not None and person.is_admin,
            community_id=community_id,
            cadence=cadence,
        )
    except CopbotError as error:
        tell(context, body, error)
        return
    notices.respond(
        context["session"],
        team_id=team_id,
        response_url=body["response_url"],
        body=build_slower_applied(context["tr"], applied),
        key=context["origin"],
        now=context["deps"].clock.now(),
    )


def _offer(value: object) -> tuple[int, str]:
    community, _, cadence = str(value or "").partition(":")
    if cadence not in prompts.SLOWER_CADENCES:
        raise NotFound("That community no longer exists.")
    return button_community_id(community), cadence
