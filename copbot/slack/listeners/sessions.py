"""`/cop sessions` and `/cop session new`, the RSVP and More buttons (the modals: `session_forms`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from copbot.domain.errors import CopbotError, InvalidInput, NotFound
from copbot.domain.sessions import UNKNOWN_SESSION
from copbot.i18n import N_, Translator
from copbot.services import membership, notices, rsvps, session_planning, sessions
from copbot.services.sessions import SessionPage
from copbot.slack import ids
from copbot.slack.blocks.membership import build_join_modal
from copbot.slack.blocks.sessions import RSVP_ANSWERS, build_session_list
from copbot.slack.listeners import session_forms
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.listeners.membership import tell
from copbot.slack.listeners.session_forms import session_modal
from copbot.slack.request import Request

USAGE = N_("Usage: `/cop session new [community]`")
NAME_MAX = 80  # no community name is longer
PAGE_VALUE_MAX = 24  # two ids: longer is forged
ANSWERED = {
    ids.RSVP_GOING: N_("You are going to *{title}*."),
    ids.RSVP_MAYBE: N_("You might go to *{title}*."),
    ids.RSVP_CANT: N_("You can't go to *{title}*."),
}


def _sessions_command(request: CommandRequest) -> None:
    try:
        page = sessions.list_sessions(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            name=_name(request.text.args),
            community_id=None,
            page=0,
            now=request.now,
        )
    except CopbotError as error:
        request.refuse(error)
        return
    request.ack(response_type="ephemeral", **_list(request.tr, page))


def _session_command(request: CommandRequest) -> None:
    args = request.text.args
    if not args or args[0].lower() != "new":
        request.refuse(InvalidInput(USAGE))
        return

    def view() -> dict[str, Any]:
        form = session_planning.new_session_form(
            request.session, team_id=request.team_id, actor=request.actor(), name=_name(args[1:])
        )
        return session_modal(request.tr, request.deps, form)

    request.open_modal(view)


SUBCOMMANDS = (
    Subcommand(
        "sessions",
        N_("sessions [community]"),
        N_("see a community's upcoming sessions, and say if you are going"),
        _sessions_command,
    ),
    Subcommand(
        "session",
        N_("session new [community]"),
        N_("plan a session or a series (organisers)"),
        _session_command,
    ),
)


def answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Going / Maybe / Can't: the answer is kept; someone outside the community is offered to join it."""
    ack()
    request, action_id = Request.of(context), str(action["action_id"])
    try:
        answered = rsvps.answer(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            ref=action.get("value"),
            choice=RSVP_ANSWERS[action_id],
            origin=request.origin,
            now=request.now,
        )
    except rsvps.NotAMember as outsider:  # refused before anything was written, like the errors below
        _offer_to_join(body, request, outsider)
        return
    except CopbotError as error:
        tell(request, body, error)
        return
    if body.get("response_url"):
        _confirm(request, body, answered.title, action_id)


def more(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """More sessions: the list's next page replaces it."""
    ack()
    request = Request.of(context)
    try:
        community_id, page = _page_value(action.get("value"))
        shown = sessions.list_sessions(
            request.session,
            team_id=request.team_id,
            actor=request.actor(),
            name=None,
            community_id=community_id,
            page=page,
            now=request.now,
        )
    except CopbotError as error:
        tell(request, body, error)
        return
    if body.get("response_url"):
        replaced = {"replace_original": True, "response_type": "ephemeral", **_list(request.tr, shown)}
        notices.respond(
            request.session,
            team_id=request.team_id,
            response_url=str(body["response_url"]),
            body=replaced,
            key=request.origin,
            now=request.now,
        )


def register(app: App) -> None:
    for action_id in RSVP_ANSWERS:
        app.action(action_id)(answer)
    app.action(ids.SESSIONS_MORE)(more)
    session_forms.register(app)


def _offer_to_join(body: dict[str, Any], request: Request, outsider: rsvps.NotAMember) -> None:
    """The join modal for the session's community; if Slack will not open it, say how to join."""
    try:
        form = membership.join_form(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=outsider.community_id,
        )
        metadata = request.deps.seal.seal({"community_id": outsider.community_id})
        request.client.views_open(
            trigger_id=body["trigger_id"], view=build_join_modal(request.tr, form, metadata=metadata)
        )
    except (CopbotError, SlackApiError):  # e.g. the trigger expired: the refusal says how to join
        tell(request, body, outsider)


def _confirm(request: Request, body: dict[str, Any], title: str, action_id: str) -> None:
    notices.notify(
        request.session,
        team_id=request.team_id,
        user_id=request.user_id,
        message=ANSWERED[action_id],
        params={"title": title},
        key=request.origin,
        now=request.now,
        response_url=str(body["response_url"]),
    )


def _list(tr: Translator, page: SessionPage) -> dict[str, Any]:
    more = None if page.next_page is None else f"{page.community_id}:{page.next_page}"
    return build_session_list(
        tr, page.community_name, page.views, manage=page.manage, slug=page.slug, more=more
    )


def _page_value(value: object) -> tuple[int, int]:
    """A More button's "<community id>:<page>"; anything else names nothing."""
    text = str(value or "")
    community, _, page = text.partition(":")
    digits = community.isascii() and community.isdigit() and page.isascii() and page.isdigit()
    if not digits or len(text) > PAGE_VALUE_MAX:
        raise NotFound(UNKNOWN_SESSION)
    return int(community), int(page)


def _name(args: list[str]) -> str | None:
    return " ".join(args)[:NAME_MAX] or None
