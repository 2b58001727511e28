"""Pausing, resuming, archiving, unarchiving and deleting a community, and its Slack channel archived.

Buttons, `/cop pause|resume|archive|unarchive|delete [community]` and the delete modal.

The buttons work from the App Home and from any message (their value is the community id). What they
refuse (not an organiser, a community deleted since the message was drawn) is said in a modal, and nothing
is changed; what they did redraws the person's Home.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel
from slack_bolt import Ack, App, BoltContext
from sqlalchemy.orm import Session

from copbot.domain.errors import CopbotError, NotAllowed
from copbot.i18n import N_
from copbot.services import community_life, notices
from copbot.services.communities import Actor
from copbot.services.community_life import LifeOutcome
from copbot.services.home import refresh_home
from copbot.slack.blocks.community_life import (
    CONFIRM_BLOCK,
    build_delete_modal,
    build_life_answer,
    life_answer_text,
)
from copbot.slack.ids import (
    COMMUNITY_ARCHIVE_ACTION,
    COMMUNITY_DELETE_ACTION,
    COMMUNITY_DELETE_VIEW,
    COMMUNITY_PAUSE_ACTION,
    COMMUNITY_RESUME_ACTION,
    COMMUNITY_UNARCHIVE_ACTION,
)
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.listeners.membership import tell
from copbot.slack.modal_values import ModalValues
from copbot.slack.payloads import button_community_id
from copbot.slack.payloads_communities import TAMPERED
from copbot.slack.request import Request


class Change(Protocol):
    def __call__(
        self, session: Session, *, team_id: str, community_id: int, actor: Actor, now: datetime
    ) -> LifeOutcome: ...


class DeleteMetadata(BaseModel):
    community_id: int
    team_id: str


CHANGES: dict[str, Change] = {
    COMMUNITY_PAUSE_ACTION: community_life.pause,
    COMMUNITY_RESUME_ACTION: community_life.resume,
    COMMUNITY_ARCHIVE_ACTION: community_life.archive,
    COMMUNITY_UNARCHIVE_ACTION: community_life.unarchive,
}


def register(app: App) -> None:
    for action_id, change in CHANGES.items():
        app.action(action_id)(_pressing(change))
    app.action(COMMUNITY_DELETE_ACTION)(press_delete)
    app.view(COMMUNITY_DELETE_VIEW)(submit_delete)
    app.event("channel_archive")(on_channel_archived)
    app.event("group_archive")(on_channel_archived)


# --- buttons -------------------------------------------------------------------------------------------


def _pressing(change: Change) -> Callable[..., None]:
    def press(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        request = Request.of(context)
        try:
            by = request.actor()
            outcome = change(
                request.session,
                team_id=request.team_id,
                community_id=button_community_id(body["actions"][0].get("value")),
                actor=by,
                now=request.now,
            )
        except CopbotError as error:
            _refused(body, request, error)
            return
        _after(request, outcome, response_url=body.get("response_url"))

    return press


def press_delete(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Delete opens the confirmation modal, where the community's short name must be typed."""
    ack()
    request = Request.of(context)
    try:
        community_id = button_community_id(body["actions"][0].get("value"))
        view = _delete_modal(request, community_id)
        request.client.views_open(trigger_id=body["trigger_id"], view=view)
    except CopbotError as error:
        _refused(body, request, error)


def _delete_modal(request: Request, community_id: int) -> dict[str, Any]:
    by, team_id = request.actor(), request.team_id
    outcome = community_life.deletable(request.session, team_id=team_id, community_id=community_id, actor=by)
    sealed = request.deps.seal.seal({"community_id": outcome.community_id, "team_id": team_id})
    return build_delete_modal(request.tr, outcome, private_metadata=sealed)


def submit_delete(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The typed short name must be the community's: otherwise an inline error, and nothing is deleted."""
    request = Request.of(context)
    try:
        community_id = _sealed_community(request, view)
        by = request.actor()
        typed = ModalValues(view).text(CONFIRM_BLOCK) or ""
        outcome = community_life.delete(
            request.session,
            team_id=request.team_id,
            community_id=community_id,
            actor=by,
            typed=typed,
            field=CONFIRM_BLOCK,
        )
    except CopbotError as error:
        ack(**request.modal_errors(error, default_block=CONFIRM_BLOCK))
        return
    ack()
    _after(request, outcome, response_url=None)


def _sealed_community(request: Request, view: dict[str, Any]) -> int:
    try:
        opened = request.deps.seal.open(view.get("private_metadata") or "")
        metadata = DeleteMetadata.model_validate(opened)
    except (CopbotError, ValueError):  # ValidationError is a ValueError
        raise NotAllowed(TAMPERED) from None
    if metadata.team_id != request.team_id:
        raise NotAllowed(TAMPERED)
    return metadata.community_id


def _refused(body: dict[str, Any], request: Request, error: CopbotError) -> None:
    """Nothing is changed; the reason is told as for any click: beside a message, from the Home in a modal.

    Rolled back here, before Slack is called: only the note `tell` may write afterwards is committed.
    """
    request.session.rollback()
    tell(request, body, error)


def _after(request: Request, outcome: LifeOutcome, *, response_url: str | None) -> None:
    """Redraw the person's Home; a click in a message also gets the answer beside it."""
    session, now = request.session, request.now
    team_id, user_id, origin = request.team_id, request.user_id, request.origin
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)
    if response_url:
        body = {"response_type": "ephemeral", "replace_original": False}
        body["text"] = life_answer_text(request.tr, outcome)
        notices.respond(session, team_id=team_id, response_url=response_url, body=body, key=origin, now=now)


# --- /cop pause|resume|archive|unarchive|delete [community] ------------------------------------------


def _command(change: Change, *, archived: bool | None) -> Callable[[CommandRequest], None]:
    def handle(request: CommandRequest) -> None:
        try:
            by = request.actor()
            community_id = _named(request, by, archived=archived)
            outcome = change(
                request.session,
                team_id=request.team_id,
                community_id=community_id,
                actor=by,
                now=request.now,
            )
        except CopbotError as error:
            request.session.rollback()
            request.refuse(error)
            return
        refresh_home(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            origin=request.origin,
            now=request.now,
        )
        request.ack(**build_life_answer(request.tr, outcome))

    return handle


def _named(request: CommandRequest, by: Actor, *, archived: bool | None) -> int:
    return community_life.community_named(
        request.session,
        team_id=request.team_id,
        actor=by,
        name=" ".join(request.text.args).strip() or None,
        archived=archived,
    )


def _delete_command(request: CommandRequest) -> None:
    def view() -> dict[str, Any]:
        by = request.actor()
        community_id = _named(request, by, archived=None)
        outcome = community_life.deletable(
            request.session, team_id=request.team_id, community_id=community_id, actor=by
        )
        sealed = request.deps.seal.seal({"community_id": outcome.community_id, "team_id": request.team_id})
        return build_delete_modal(request.tr, outcome, private_metadata=sealed)

    request.open_modal(view)


SUBCOMMANDS: tuple[Subcommand, ...] = (
    Subcommand(
        "pause",
        N_("pause [community]"),
        N_("stop a community's prompts, reminders and introductions until it is resumed"),
        _command(community_life.pause, archived=False),
    ),
    Subcommand(
        "resume",
        N_("resume [community]"),
        N_("start a paused community again"),
        _command(community_life.resume, archived=False),
    ),
    Subcommand(
        "archive",
        N_("archive [community]"),
        N_("hide a community and free its channel, keeping its history"),
        _command(community_life.archive, archived=False),
    ),
    Subcommand(
        "unarchive",
        N_("unarchive [community]"),
        N_("bring an archived community back"),
        _command(community_life.unarchive, archived=True),
    ),
    Subcommand(
        "delete",
        N_("delete [community]"),
        N_("delete a community and everything it holds"),
        _delete_command,
    ),
)


# --- events ----------------------------------------------------------------------------------------------


def on_channel_archived(event: dict[str, Any], context: BoltContext) -> None:
    """A community's channel archived in Slack: the community is paused, its organisers told by DM."""
    channel, request = event.get("channel"), Request.of(context)
    if request.team_id and isinstance(channel, str):
        community_life.channel_archived(
            request.session, team_id=request.team_id, channel_id=channel, now=request.now
        )
