"""Sharing a story: `/cop share [community]`, the Share button, and the share modal's submission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from slack_bolt import Ack, App, BoltContext

from copbot.domain.errors import CopbotError, InvalidInput, NotAllowed, NotFound
from copbot.domain.stories import (
    ASK_ME_FIELD,
    BODY_FIELD,
    LESSON_FIELD,
    TAGS_FIELD,
    TITLE_FIELD,
    validate_story,
)
from copbot.i18n import N_, Translator
from copbot.services import helped, notices, prompts, stories, story_posting
from copbot.slack.blocks.stories import (
    ASK_ME,
    COMMUNITY_BLOCK,
    build_share_modal,
)
from copbot.slack.ids import PROMPT_SHARE, SHARE_BUTTON, SHARE_VIEW, STORY_HELPED, STORY_POST_AGAIN
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.listeners.membership import tell
from copbot.slack.metadata import MetadataSeal
from copbot.slack.modal_values import ModalValues
from copbot.slack.payloads import button_community_id, prompt_post_id, story_id
from copbot.slack.request import Request

GONE = N_("That community no longer exists.")
POSTING_AGAIN = N_("I'm trying to post “{title}” again; I'll tell you if Slack refuses it once more.")
NAME_MAX = 80  # the longest community name: a longer argument cannot name one


class ShareForm(BaseModel):
    """What a share modal submits: the community (sealed when fixed, else picked), and the story."""

    community_id: int | None
    session_id: int | None = None  # the session whose takeaway question opened the modal
    title: str | None
    story: str | None
    tags: str | None
    lesson: str | None
    ask_me: bool
    prompt_post_id: int | None = None  # sealed: the prompt the story answers


def handle_share(request: CommandRequest) -> None:
    name = " ".join(request.text.args).strip() or None

    def view() -> dict[str, Any]:
        _require_person(request)
        target = stories.share_target(
            request.session, team_id=request.team_id, user_id=request.user_id, community_name=_name(name)
        )
        return share_modal(request.tr, request.deps.seal, target)

    request.open_modal(view)


SUBCOMMANDS = (
    Subcommand("share", N_("share [community]"), N_("share a story with your community"), handle_share),
)


def register(app: App) -> None:
    app.action(SHARE_BUTTON)(open_from_button)
    app.view(SHARE_VIEW)(submit_share)
    app.action(STORY_HELPED)(press_helped)
    app.action(PROMPT_SHARE)(open_from_prompt)
    app.action(STORY_POST_AGAIN)(press_post_again)


def press_helped(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The "This helped me" button: counted or taken back; the post is redrawn after the answer."""
    ack()
    request = Request.of(context)
    try:
        helped.toggle_helped(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            story_id=story_id(body["actions"][0].get("value")),
            origin=request.origin,
            now=request.now,
        )
    except CopbotError as error:
        tell(request, body, error)


def press_post_again(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The button in the DM saying Slack refused a story's post: a new try, and a word that it is on."""
    ack()
    request = Request.of(context)
    now = request.now
    try:
        title = story_posting.post_again(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            story_id=story_id(body["actions"][0].get("value")),
            now=now,
        )
    except CopbotError as error:
        tell(request, body, error)
        return
    notices.notify(
        request.session,
        team_id=request.team_id,
        user_id=request.user_id,
        message=POSTING_AGAIN,
        params={"title": title},
        key=request.origin,
        now=now,
        response_url=body.get("response_url"),
    )


def open_from_button(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """The Share button (App Home, channel messages): its value is the community's id."""
    ack()
    _open_share(
        body, Request.of(context), lambda: (button_community_id(body["actions"][0].get("value")), None)
    )


def open_from_prompt(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """A prompt's "Share your story": the modal shares with its community, and the story answers it."""
    ack()
    request = Request.of(context)

    def chosen() -> tuple[int, int | None]:
        post_id = prompt_post_id(body["actions"][0].get("value"))
        community_id = prompts.prompt_community(
            request.session, team_id=request.team_id, prompt_post_id=post_id
        )
        return community_id, post_id

    _open_share(body, request, chosen)


def _open_share(body: dict[str, Any], request: Request, chosen: Callable[[], tuple[int, int | None]]) -> None:
    try:
        _require_person(request)
        community_id, post_id = chosen()
        community = stories.shareable_community(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=community_id,
        )
        target = stories.ShareTarget(fixed=community, choices=[])
        view = share_modal(request.tr, request.deps.seal, target, prompt_post_id=post_id)
        request.client.views_open(trigger_id=body["trigger_id"], view=view)
    except CopbotError as error:  # SlackBusy too: `tell` falls back to a DM when no modal opens
        tell(request, body, error)


def submit_share(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)
    try:
        form = _read_form(view, request.deps.seal)
        _require_person(request)
        draft = validate_story(form.title, form.story, form.tags, form.lesson, ask_me=form.ask_me)
        stories.share_story(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=_chosen(form),
            draft=draft,
            prompt_post_id=form.prompt_post_id,
            session_id=form.session_id,
            origin=request.origin,
            now=request.now,
        )
    except CopbotError as error:
        ack(**request.modal_errors(error, default_block=_problem_block(view)))
        return
    ack()


def _problem_block(view: dict[str, Any]) -> str:
    """Where a problem with the whole form shows: on the community choice if there is one, else the title."""
    has_choice = any(block.get("block_id") == COMMUNITY_BLOCK for block in view["blocks"])
    return COMMUNITY_BLOCK if has_choice else TITLE_FIELD


def share_modal(
    tr: Translator,
    seal: MetadataSeal,
    target: stories.ShareTarget,
    *,
    prompt_post_id: int | None = None,
    session_id: int | None = None,
) -> dict[str, Any]:
    """The share modal; a story shared from a prompt or a session's takeaway question records it."""
    linked = {"prompt_post_id": prompt_post_id} if prompt_post_id else {}
    linked |= {"session_id": session_id} if session_id is not None else {}
    metadata = seal.seal(({"community_id": target.fixed.id} if target.fixed else {}) | linked)
    return build_share_modal(tr, metadata=metadata, fixed=target.fixed, choices=target.choices)


def _read_form(view: dict[str, Any], seal: MetadataSeal) -> ShareForm:
    sealed = seal.open(view.get("private_metadata") or "")
    form = ModalValues(view)
    picked = form.text(COMMUNITY_BLOCK)
    try:
        return ShareForm(
            community_id=sealed.get("community_id", picked),
            session_id=sealed.get("session_id"),
            title=form.text(TITLE_FIELD),
            story=form.text(BODY_FIELD),
            tags=form.text(TAGS_FIELD),
            lesson=form.text(LESSON_FIELD),
            ask_me=form.ticked(ASK_ME_FIELD, ASK_ME),
            prompt_post_id=sealed.get("prompt_post_id"),
        )
    except ValidationError:
        raise NotFound(GONE, field=COMMUNITY_BLOCK if picked else None) from None


def _chosen(form: ShareForm) -> int:
    if form.community_id is None:
        raise InvalidInput("Please choose a community.", field=COMMUNITY_BLOCK)
    return form.community_id


def _name(name: str | None) -> str | None:
    if name is not None and len(name) > NAME_MAX:
        raise NotFound(
            "There is no community called “{name}” here. `/cop list` shows them all.",
            name=name[:NAME_MAX] + "…",
        )
    return name


def _require_person(request: Request) -> None:
    if not request.actor().is_active:
        raise NotAllowed("Only people with an active account in this workspace can share stories.")
