"""`/cop sessions` and `/cop session new`, the RSVP, Edit, Cancel and More buttons, and the session modals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from copbot.domain import sessions as fields
from copbot.domain.enums import Repeat
from copbot.domain.errors import CopbotError, InvalidInput, NotFound
from copbot.domain.sessions import UNKNOWN_SESSION
from copbot.i18n import N_, Translator
from copbot.services import membership, notices, rsvps, sessions, stories
from copbot.services.communities import Actor
from copbot.services.home import refresh_home
from copbot.services.sessions import SessionForm, SessionPage
from copbot.slack import ids
from copbot.slack.blocks.membership import build_join_modal
from copbot.slack.blocks.session_modal import (
    CANCEL_SERIES,
    CANCEL_WHICH,
    build_cancel_modal,
    build_session_modal,
)
from copbot.slack.blocks.sessions import RSVP_ANSWERS, build_session_list
from copbot.slack.deps import Deps
from copbot.slack.errors import modal_errors
from copbot.slack.listeners.commands import CommandRequest, Subcommand
from copbot.slack.listeners.communities import actor
from copbot.slack.listeners.membership import tell
from copbot.slack.listeners.stories import share_modal

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
            actor=_requester(request),
            name=_name(request.text.args),
            community_id=None,
            page=0,
            now=request.deps.clock.now(),
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
        form = sessions.new_session_form(
            request.session, team_id=request.team_id, actor=_requester(request), name=_name(args[1:])
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


def answer(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Going / Maybe / Can't: the answer is kept; someone outside the community is offered to join it."""
    ack()
    action_id = str(action["action_id"])
    try:
        answered = rsvps.answer(
            context["session"],
            team_id=_team(context),
            user_id=_user(context),
            ref=action.get("value"),
            choice=RSVP_ANSWERS[action_id],
            origin=context["origin"],
            now=context["deps"].clock.now(),
        )
    except rsvps.NotAMember as outsider:  # refused before anything was written, like the errors below
        _offer_to_join(body, client, context, outsider)
        return
    except CopbotError as error:
        tell(context, body, error)
        return
    if body.get("response_url"):
        _confirm(context, body, answered.title, action_id)


def open_edit(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Edit, beside a session in the list (organisers)."""

    def view() -> dict[str, Any]:
        deps = context["deps"]
        form = sessions.edit_form(
            context["session"],
            team_id=_team(context),
            actor=_actor(context, client),
            ref=action.get("value"),
            now=deps.clock.now(),
        )
        return session_modal(context["tr"], deps, form, editing=True)

    _open(ack, body, client, context, view)


def open_cancel(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Cancel, beside a session in the list (organisers): confirm, and for a series say which."""

    def view() -> dict[str, Any]:
        deps = context["deps"]
        form = sessions.edit_form(
            context["session"],
            team_id=_team(context),
            actor=_actor(context, client),
            ref=action.get("value"),
            now=deps.clock.now(),
        )
        sealed = deps.seal.seal({"community_id": form.community_id, "ref": form.ref})
        repeats = form.values.repeat is not Repeat.NONE
        return build_cancel_modal(
            context["tr"], title=form.values.title, repeats=repeats, private_metadata=sealed
        )

    _open(ack, body, client, context, view)


def open_takeaway(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Share what you learned, under the takeaway question: the share modal, linked to the session."""

    def view() -> dict[str, Any]:
        target = sessions.takeaway_target(
            context["session"], team_id=_team(context), user_id=_user(context), ref=action.get("value")
        )
        share = stories.ShareTarget(fixed=target.community, choices=[])
        return share_modal(context["tr"], context["deps"].seal, share, session_id=target.series_id)

    _open(ack, body, client, context, view)


def more(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """More sessions: the list's next page replaces it."""
    ack()
    try:
        community_id, page = _page_value(action.get("value"))
        shown = sessions.list_sessions(
            context["session"],
            team_id=_team(context),
            actor=_actor(context, client),
            name=None,
            community_id=community_id,
            page=page,
            now=context["deps"].clock.now(),
        )
    except CopbotError as error:
        tell(context, body, error)
        return
    if body.get("response_url"):
        replaced = {"replace_original": True, "response_type": "ephemeral", **_list(context["tr"], shown)}
        notices.respond(
            context["session"],
            team_id=_team(context),
            response_url=str(body["response_url"]),
            body=replaced,
            key=context["origin"],
            now=context["deps"].clock.now(),
        )


def submit_new(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        sessions.plan_session(
            context["session"],
            team_id=_team(context),
            actor=_actor(context, client),
            community_id=_sealed_community(sealed),
            values=values,
            now=context["deps"].clock.now(),
        )
        # An organiser who planned it from the App Home sees it there.
        refresh_home(
            context["session"],
            team_id=_team(context),
            user_id=_user(context),
            origin=context["origin"],
            now=context["deps"].clock.now(),
        )

    _submit(ack, view, context, save)


def submit_edit(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        sessions.edit_session(
            context["session"],
            team_id=_team(context),
            actor=_actor(context, client),
            community_id=_sealed_community(sealed),
            ref=sealed.get("ref"),
            values=values,
            now=context["deps"].clock.now(),
        )

    _submit(ack, view, context, save)


def submit_cancel(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        sessions.cancel_session(
            context["session"],
            team_id=_team(context),
            actor=_actor(context, client),
            community_id=_sealed_community(sealed),
            ref=sealed.get("ref"),
            whole_series=values.get(CANCEL_WHICH) == CANCEL_SERIES,
            now=context["deps"].clock.now(),
        )

    _submit(ack, view, context, save, default_block=CANCEL_WHICH)


def register(app: App) -> None:
    for action_id in RSVP_ANSWERS:
        app.action(action_id)(answer)
    app.action(ids.SESSION_EDIT_BUTTON)(open_edit)
    app.action(ids.SESSION_CANCEL_BUTTON)(open_cancel)
    app.action(ids.SESSIONS_MORE)(more)
    app.action(ids.SESSION_TAKEAWAY_BUTTON)(open_takeaway)
    app.view(ids.SESSION_NEW_VIEW)(submit_new)
    app.view(ids.SESSION_EDIT_VIEW)(submit_edit)
    app.view(ids.SESSION_CANCEL_VIEW)(submit_cancel)


def _submit(
    ack: Ack,
    view: dict[str, Any],
    context: BoltContext,
    save: Callable[[dict[str, Any], dict[str, str | None]], None],
    *,
    default_block: str = fields.TITLE,
) -> None:
    try:
        save(context["deps"].seal.open(view.get("private_metadata") or ""), form_values(view))
    except CopbotError as error:
        has_block = any(block.get("block_id") == default_block for block in view.get("blocks", []))
        ack(
            **modal_errors(
                context["tr"], error, context, default_block=default_block if has_block else fields.TITLE
            )
        )
        return
    ack()


def form_values(view: dict[str, Any]) -> dict[str, str | None]:
    """Each input's answer by block id, as the raw string the domain's form rules read (None when empty)."""
    values: dict[str, str | None] = {}
    for block_id, answers in (view.get("state", {}).get("values", {}) or {}).items():
        element: dict[str, Any] = next(iter(answers.values()), {}) if isinstance(answers, dict) else {}
        picked = element.get("selected_option") or {}
        raw = (
            element.get("value")
            or element.get("selected_date")
            or element.get("selected_time")
            or picked.get("value")
        )
        values[block_id] = raw if isinstance(raw, str) else None
    return values


def _open(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    view: Callable[[], dict[str, Any]],
) -> None:
    ack()
    try:
        client.views_open(trigger_id=body["trigger_id"], view=view())
    except CopbotError as error:
        tell(context, body, error)


def _offer_to_join(
    body: dict[str, Any], client: WebClient, context: BoltContext, outsider: rsvps.NotAMember
) -> None:
    """The join modal for the session's community; if Slack will not open it, say how to join."""
    try:
        form = membership.join_form(
            context["session"],
            team_id=_team(context),
            user_id=_user(context),
            community_id=outsider.community_id,
        )
        metadata = context["deps"].seal.seal({"community_id": outsider.community_id})
        client.views_open(
            trigger_id=body["trigger_id"], view=build_join_modal(context["tr"], form, metadata=metadata)
        )
    except CopbotError:
        tell(context, body, outsider)


def _confirm(context: BoltContext, body: dict[str, Any], title: str, action_id: str) -> None:
    notices.notify(
        context["session"],
        team_id=_team(context),
        user_id=_user(context),
        message=ANSWERED[action_id],
        params={"title": title},
        key=context["origin"],
        now=context["deps"].clock.now(),
        response_url=str(body["response_url"]),
    )


def _list(tr: Translator, page: SessionPage) -> dict[str, Any]:
    more = None if page.next_page is None else f"{page.community_id}:{page.next_page}"
    return build_session_list(
        tr, page.community_name, page.views, manage=page.manage, slug=page.slug, more=more
    )


def session_modal(tr: Translator, deps: Deps, form: SessionForm, *, editing: bool = False) -> dict[str, Any]:
    sealed = deps.seal.seal({"community_id": form.community_id, "ref": form.ref})
    return build_session_modal(tr, form.values, zone=form.zone, private_metadata=sealed, editing=editing)


def _page_value(value: object) -> tuple[int, int]:
    """A More button's "<community id>:<page>"; anything else names nothing."""
    text = str(value or "")
    community, _, page = text.partition(":")
    digits = community.isascii() and community.isdigit() and page.isascii() and page.isdigit()
    if not digits or len(text) > PAGE_VALUE_MAX:
        raise NotFound(UNKNOWN_SESSION)
    return int(community), int(page)


def _sealed_community(sealed: dict[str, Any]) -> int:
    community_id = sealed.get("community_id")
    if not isinstance(community_id, int):
        raise NotFound("That community no longer exists.")
    return community_id


def _name(args: list[str]) -> str | None:
    return " ".join(args)[:NAME_MAX] or None


def _requester(request: CommandRequest) -> Actor:
    return actor(request.deps, request.client, request.team_id, request.user_id)


def _actor(context: BoltContext, client: WebClient) -> Actor:
    return actor(context["deps"], client, _team(context), _user(context))


def _team(context: BoltContext) -> str:
    assert context.team_id is not None
    return context.team_id


def _user(context: BoltContext) -> str:
    assert context.user_id is not None
    return context.user_id
