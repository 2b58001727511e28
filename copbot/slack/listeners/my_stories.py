"""`/cop stories mine`, and its Edit and Delete buttons and edit modal: authors only."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

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
from copbot.slack.blocks.stories import ASK_ME
from copbot.slack.client import SlackBusy
from copbot.slack.ids import MINE_NEXT, MINE_PREVIOUS, STORY_DELETE, STORY_EDIT, STORY_EDIT_VIEW
from copbot.slack.listeners.commands import CommandRequest
from copbot.slack.listeners.membership import tell
from copbot.slack.modal_values import ModalValues
from copbot.slack.payloads import story_id
from copbot.slack.request import Request

SUBCOMMANDS = ()  # `/cop stories mine` is routed here by `/cop stories`


def handle_mine(request: CommandRequest) -> None:
    mine = my_stories.my_stories(request.session, team_id=request.team_id, user_id=request.user_id)
    request.ack(**build_my_stories(request.tr, mine))


def turn_page(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Previous / Next: the page asked for replaces the one clicked (through its response_url)."""
    ack()
    request = Request.of(context)
    value = str(body["actions"][0].get("value") or "")
    page = int(value) if value.isdigit() else 1
    mine = my_stories.my_stories(request.session, team_id=request.team_id, user_id=request.user_id, page=page)
    notices.respond(
        request.session,
        team_id=request.team_id,
        response_url=body["response_url"],
        body={"replace_original": True, **build_my_stories(request.tr, mine)},
        key=request.origin,
        now=request.now,
    )


def register(app: App) -> None:
    app.action(MINE_PREVIOUS)(turn_page)
    app.action(MINE_NEXT)(turn_page)
    app.action(STORY_EDIT)(open_edit)
    app.action(STORY_DELETE)(delete)
    app.view(STORY_EDIT_VIEW)(submit_edit)


def open_edit(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    request = Request.of(context)
    try:
        story = my_stories.editable_story(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            story_id=story_id(body["actions"][0].get("value")),
        )
        metadata = request.deps.seal.seal({"story_id": story.id})
        request.client.views_open(
            trigger_id=body["trigger_id"],
            view=build_edit_modal(request.tr, metadata=metadata, story=story),
        )
    except (SlackBusy, CopbotError) as error:
        tell(request, body, error)


def submit_edit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)
    form = ModalValues(view)
    try:
        sealed = request.deps.seal.open(view.get("private_metadata") or "")
        draft = validate_story(
            form.text(TITLE_FIELD),
            form.text(BODY_FIELD),
            form.text(TAGS_FIELD),
            form.text(LESSON_FIELD),
            ask_me=form.ticked(ASK_ME_FIELD, ASK_ME),
        )
        my_stories.edit_story(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            story_id=int(sealed["story_id"]),
            draft=draft,
            origin=request.origin,
            now=request.now,
        )
    except CopbotError as error:
        ack(**request.modal_errors(error, default_block=TITLE_FIELD))
        return
    ack()


def delete(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    request = Request.of(context)
    try:
        title = my_stories.delete_story(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            story_id=story_id(body["actions"][0].get("value")),
            now=request.now,
        )
    except CopbotError as error:
        tell(request, body, error)
        return
    notices.respond(
        request.session,
        team_id=request.team_id,
        response_url=body["response_url"],
        body=build_deleted(request.tr, title),
        key=request.origin,
        now=request.now,
    )
