"""`/cop stories mine`, and its Edit and Delete buttons and edit modal: authors only."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from copbot.domain.errors import CopbotError
from copbot.domain.stories import (
    ASK_ME_FIELD,
    BODY_FIELD,
    LESSON_FIELD,
    TAGS_FIELD,
    TITLE_FIELD,
    validate_story,
)
from copbot.services import my_stories, notices
from copbot.slack.blocks.my_stories import build_deleted, build_edit_modal, build_my_stories
from copbot.slack.blocks.stories import (
    ASK_ME,
    ASK_ME_INPUT,
    BODY_INPUT,
    LESSON_INPUT,
    TAGS_INPUT,
    TITLE_INPUT,
)
from copbot.slack.client import SlackBusy
from copbot.slack.errors import modal_errors
from copbot.slack.ids import MINE_NEXT, MINE_PREVIOUS, STORY_DELETE, STORY_EDIT, STORY_EDIT_VIEW
from copbot.slack.listeners.commands import CommandRequest
from copbot.slack.listeners.membership import tell
from copbot.slack.payloads import story_id

SUBCOMMANDS = ()  # `/cop stories mine` is routed here by `/cop stories`


def handle_mine(request: CommandRequest) -> None:
    mine = my_stories.my_stories(request.session, team_id=request.team_id, user_id=request.user_id)
    request.ack(**build_my_stories(request.tr, mine))


def turn_page(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Previous / Next: the page asked for replaces the one clicked (through its response_url)."""
    ack()
    team_id, user_id = str(context.team_id), str(context.user_id)
    value = str(body["actions"][0].get("value") or "")
    page = int(value) if value.isdigit() else 1
    mine = my_stories.my_stories(context["session"], team_id=team_id, user_id=user_id, page=page)
    notices.respond(
        context["session"],
        team_id=team_id,
        response_url=body["response_url"],
        body={"replace_original": True, **build_my_stories(context["tr"], mine)},
        key=context["origin"],
        now=context["deps"].clock.now(),
    )


def register(app: App) -> None:
    app.action(MINE_PREVIOUS)(turn_page)
    app.action(MINE_NEXT)(turn_page)
    app.action(STORY_EDIT)(open_edit)
    app.action(STORY_DELETE)(delete)
    app.view(STORY_EDIT_VIEW)(submit_edit)


def open_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    try:
        story = my_stories.editable_story(
            context["session"],
            team_id=str(context.team_id),
            user_id=str(context.user_id),
            story_id=story_id(body["actions"][0].get("value")),
        )
        metadata = context["deps"].seal.seal({"story_id": story.id})
        client.views_open(
            trigger_id=body["trigger_id"],
            view=build_edit_modal(context["tr"], metadata=metadata, story=story),
        )
    except (SlackBusy, CopbotError) as error:
        tell(context, body, error)


def submit_edit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    values = view["state"]["values"]

    def typed(block_id: str, action_id: str) -> Any:
        return (values.get(block_id, {}).get(action_id) or {}).get("value")

    ticked = (values.get(ASK_ME_FIELD, {}).get(ASK_ME_INPUT) or {}).get("selected_options") or []
    try:
        sealed = context["deps"].seal.open(view.get("private_metadata") or "")
        draft = validate_story(
            typed(TITLE_FIELD, TITLE_INPUT),
            typed(BODY_FIELD, BODY_INPUT),
            typed(TAGS_FIELD, TAGS_INPUT),
            typed(LESSON_FIELD, LESSON_INPUT),
            ask_me=any(option.get("value") == ASK_ME for option in ticked),
        )
        my_stories.edit_story(
            context["session"],
            team_id=str(context.team_id),
            user_id=str(context.user_id),
            story_id=int(sealed["story_id"]),
            draft=draft,
            origin=context["origin"],
            now=context["deps"].clock.now(),
        )
    except CopbotError as error:
        ack(**modal_errors(context["tr"], error, context, default_block=TITLE_FIELD))
        return
    ack()


def delete(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    try:
        title = my_stories.delete_story(
            context["session"],
            team_id=str(context.team_id),
            user_id=str(context.user_id),
            story_id=story_id(body["actions"][0].get("value")),
            now=context["deps"].clock.now(),
        )
    except CopbotError as error:
        tell(context, body, error)
        return
    notices.respond(
        context["session"],
        team_id=str(context.team_id),
        response_url=body["response_url"],
        body=build_deleted(context["tr"], title),
        key=context["origin"],
        now=context["deps"].clock.now(),
    )
