"""Mark who came: the organisers' button under a session's takeaway question, and the modal it opens."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from copbot.domain.attendance import ATTENDED
from copbot.domain.errors import CopbotError, NotFound
from copbot.domain.sessions import UNKNOWN_SESSION
from copbot.services import attendance
from copbot.slack import ids
from copbot.slack.blocks.attendance import build_attendance_modal
from copbot.slack.listeners.commands import Subcommand
from copbot.slack.listeners.membership import tell
from copbot.slack.modal_values import ModalValues
from copbot.slack.request import Request

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def open_attendance(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """The "who came?" modal; anyone else than the community's organisers is told why not."""
    ack()
    request = Request.of(context)
    try:
        form = attendance.attendance_form(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            ref=action.get("value"),
            now=request.now,
        )
        sealed = request.deps.seal.seal({"community_id": form.community_id, "ref": form.view.ref})
        view = build_attendance_modal(request.tr, form.view, came=form.came, private_metadata=sealed)
        request.client.views_open(trigger_id=body["trigger_id"], view=view)
    except CopbotError as error:
        tell(request, body, error)


def submit_attendance(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """Keep who came, or show why not on the picker."""
    request = Request.of(context)
    try:
        sealed = request.deps.seal.open(view.get("private_metadata") or "")
        community_id = sealed.get("community_id")
        if not isinstance(community_id, int):
            raise NotFound(UNKNOWN_SESSION)
        attendance.mark_attendance(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            community_id=community_id,
            ref=sealed.get("ref"),
            picked=ModalValues(view).users(ATTENDED),
            now=request.now,
        )
    except CopbotError as error:
        ack(**request.modal_errors(error, default_block=ATTENDED))
        return
    ack()


def register(app: App) -> None:
    app.action(ids.SESSION_ATTENDANCE_BUTTON)(open_attendance)
    app.view(ids.SESSION_ATTENDANCE_VIEW)(submit_attendance)
