"""`/cop stories [community] [words]` and its paging buttons."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError
from slack_bolt import Ack, App, BoltContext

from copbot.domain.errors import CopbotError, NotFound
from copbot.domain.search_text import validate_search_text
from copbot.i18n import N_
from copbot.services import notices, story_search
from copbot.slack.blocks.story_search import build_stories_found
from copbot.slack.ids import STORIES_NEXT, STORIES_PREVIOUS
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.listeners.membership import tell
from copbot.slack.listeners.my_stories import handle_mine
from copbot.slack.payloads import COMMAND_TEXT_MAX
from copbot.slack.request import Request

STALE = N_("That search has expired. Please search again with `/cop stories`.")


class PageRequest(BaseModel):
    """What a paging button carries."""

    community_id: int
    words: str
    page: int


def handle_stories(request: CommandRequest) -> None:
    if request.text.args[:1] == ["mine"]:
        handle_mine(request)
        return
    try:
        if len(request.text.rest) > COMMAND_TEXT_MAX:  # cut before parsing: refuse it with its real length
            validate_search_text(request.text.rest)
        found = story_search.find_stories(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            channel_id=request.channel_id,
            args=request.text.args,
        )
    except CopbotError as error:
        request.refuse(error)
        return
    request.ack(**build_stories_found(request.tr, found))


SUBCOMMANDS = (
    Subcommand(
        "stories",
        N_("stories [community] [words] | stories mine"),
        N_("search the stories your community shared, or edit your own"),
        handle_stories,
    ),
)


def register(app: App) -> None:
    app.action(STORIES_PREVIOUS)(turn_page)
    app.action(STORIES_NEXT)(turn_page)


def turn_page(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Another page replaces the one clicked (through its response_url, after the answer)."""
    ack()
    request = Request.of(context)
    try:
        wanted = _page_request(body["actions"][0].get("value"))
        found = story_search.stories_page(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=wanted.community_id,
            words=wanted.words,
            page=wanted.page,
        )
    except CopbotError as error:
        tell(request, body, error)
        return
    notices.respond(
        request.session,
        team_id=request.team_id,
        response_url=body["response_url"],
        body={"replace_original": True, **build_stories_found(request.tr, found)},
        key=request.origin,
        now=request.now,
    )


def _page_request(value: object) -> PageRequest:
    try:
        return PageRequest.model_validate(json.loads(str(value)))
    except (ValueError, ValidationError):
        raise NotFound(STALE) from None
