"""Organiser changes confirmed: the Confirm and Cancel under the question `/cop organisers add|remove` asks.

The command (copbot.slack.listeners.communities) checks the change as if made, undoes it and asks; Confirm
makes it, tells the person by DM and replaces the question with what was done.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from copbot.domain.errors import CopbotError
from copbot.services import notices
from copbot.services.home import refresh_home
from copbot.services.lookup import get_community
from copbot.slack.blocks import communities as messages
from copbot.slack.ids import ORGANISER_CANCEL, ORGANISER_CONFIRM
from copbot.slack.listeners.commands import Subcommand
from copbot.slack.listeners.communities import OrganiserChange, apply_organiser_change
from copbot.slack.listeners.membership import tell
from copbot.slack.payloads_communities import parse_organiser_change
from copbot.slack.request import Request

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: App) -> None:
    app.action(ORGANISER_CONFIRM)(confirm_organiser)
    app.action(ORGANISER_CANCEL)(cancel_organiser)


def confirm_organiser(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Confirm: the change is made, the person told by DM, and the question replaced by what was done."""
    ack()
    request = Request.of(context)
    session, team_id = request.session, request.team_id
    try:
        asked = parse_organiser_change(body["actions"][0].get("value"))
        by = request.actor()
        community = get_community(session, team_id=team_id, community_id=int(asked.community or 0))
        change = OrganiserChange(asked.action, asked.user_id or "", by, request.origin)
        apply_organiser_change(session, request.deps, request.client, community, change)
    except CopbotError as error:
        session.rollback()  # before Slack is called; only the note a busy Slack leaves is kept
        tell(request, body, error)
        return
    build = messages.build_organiser_added if asked.action == "add" else messages.build_organiser_removed
    answer = {"replace_original": True, **build(request.tr, community.name, change.user_id)}
    _reply(request, body, answer)
    for person in {request.user_id, change.user_id}:
        refresh_home(session, team_id=team_id, user_id=person, origin=request.origin, now=request.now)


def cancel_organiser(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Cancel: the question goes, and nothing changes."""
    ack()
    _reply(Request.of(context), body, {"delete_original": True})


def _reply(request: Request, body: dict[str, Any], answer: dict[str, Any]) -> None:
    url = body.get("response_url")
    if url:
        notices.respond(
            request.session,
            team_id=request.team_id,
            response_url=str(url),
            body=answer,
            key=request.origin,
            now=request.now,
        )
