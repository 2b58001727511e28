"""The session modals: Edit and Cancel from the list, the takeaway's share modal, and their submissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from copbot.domain import sessions as fields
from copbot.domain.enums import Repeat
from copbot.domain.errors import CopbotError, NotFound
from copbot.i18n import Translator
from copbot.services import session_planning, sessions, stories
from copbot.services.home import refresh_home
from copbot.services.session_planning import SessionForm
from copbot.slack import ids
from copbot.slack.blocks.session_modal import (
    CANCEL_SERIES,
    CANCEL_WHICH,
    build_cancel_modal,
    build_session_modal,
)
from copbot.slack.client import SlackBusy
from copbot.slack.deps import Deps
from copbot.slack.listeners.membership import tell
from copbot.slack.listeners.stories import share_modal
from copbot.slack.modal_values import ModalValues
from copbot.slack.request import Request


def register(app: App) -> None:
    app.action(ids.SESSION_EDIT_BUTTON)(open_edit)
    app.action(ids.SESSION_CANCEL_BUTTON)(open_cancel)
    app.action(ids.SESSION_TAKEAWAY_BUTTON)(open_takeaway)
    app.view(ids.SESSION_NEW_VIEW)(submit_new)
    app.view(ids.SESSION_EDIT_VIEW)(submit_edit)
    app.view(ids.SESSION_CANCEL_VIEW)(submit_cancel)


def open_edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Edit, beside a session in the list (organisers)."""
    request = Request.of(context)

    def view() -> dict[str, Any]:
        form = session_planning.edit_form(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            ref=action.get("value"),
            now=request.now,
        )
        return session_modal(request.tr, request.deps, form, editing=True)

    _open(ack, body, request, view)


def open_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Cancel, beside a session in the list (organisers): confirm, and for a series say which."""
    request = Request.of(context)

    def view() -> dict[str, Any]:
        form = session_planning.edit_form(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            ref=action.get("value"),
            now=request.now,
        )
        sealed = request.deps.seal.seal({"community_id": form.community_id, "ref": form.ref})
        repeats = form.values.repeat is not Repeat.NONE
        return build_cancel_modal(
            request.tr, title=form.values.title, repeats=repeats, private_metadata=sealed
        )

    _open(ack, body, request, view)


def open_takeaway(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Share what you learned, under the takeaway question: the share modal, linked to the session."""
    request = Request.of(context)

    def view() -> dict[str, Any]:
        target = sessions.takeaway_target(
            request.session, team_id=request.team_id, user_id=request.user_id, ref=action.get("value")
        )
        share = stories.ShareTarget(fixed=target.community, choices=[])
        return share_modal(request.tr, request.deps.seal, share, session_id=target.series_id)

    _open(ack, body, request, view)


def submit_new(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)

    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        session_planning.plan_session(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            community_id=_sealed_community(sealed),
            values=values,
            now=request.now,
        )
        # An organiser who planned it from the App Home sees it there.
        refresh_home(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            origin=request.origin,
            now=request.now,
        )

    _submit(ack, view, request, save)


def submit_edit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)

    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        session_planning.edit_session(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            community_id=_sealed_community(sealed),
            ref=sealed.get("ref"),
            values=values,
            now=request.now,
        )

    _submit(ack, view, request, save)


def submit_cancel(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    request = Request.of(context)

    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        session_planning.cancel_session(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            community_id=_sealed_community(sealed),
            ref=sealed.get("ref"),
            whole_series=values.get(CANCEL_WHICH) == CANCEL_SERIES,
            now=request.now,
        )

    _submit(ack, view, request, save, default_block=CANCEL_WHICH)


def _submit(
    ack: Ack,
    view: dict[str, Any],
    request: Request,
    save: Callable[[dict[str, Any], dict[str, str | None]], None],
    *,
    default_block: str = fields.TITLE,
) -> None:
    try:
        save(request.deps.seal.open(view.get("private_metadata") or ""), form_values(view))
    except CopbotError as error:
        has_block = any(block.get("block_id") == default_block for block in view.get("blocks", []))
        ack(**request.modal_errors(error, default_block=default_block if has_block else fields.TITLE))
        return
    ack()


def form_values(view: dict[str, Any]) -> dict[str, str | None]:
    """Each input's answer by block id, as the raw string the domain's form rules read (None when empty)."""
    form = ModalValues(view)
    return {block_id: form.text(block_id) for block_id in form.blocks()}


def _open(ack: Ack, body: dict[str, Any], request: Request, view: Callable[[], dict[str, Any]]) -> None:
    ack()
    try:
        request.client.views_open(trigger_id=body["trigger_id"], view=view())
    except CopbotError as error:
        tell(request, body, error)
    except SlackApiError:  # the trigger expired or was used: the person clicks again
        tell(request, body, SlackBusy())


def session_modal(tr: Translator, deps: Deps, form: SessionForm, *, editing: bool = False) -> dict[str, Any]:
    sealed = deps.seal.seal({"community_id": form.community_id, "ref": form.ref})
    return build_session_modal(tr, form.values, zone=form.zone, private_metadata=sealed, editing=editing)


def _sealed_community(sealed: dict[str, Any]) -> int:
    community_id = sealed.get("community_id")
    if not isinstance(community_id, int):
        raise NotFound("That community no longer exists.")
    return community_id
