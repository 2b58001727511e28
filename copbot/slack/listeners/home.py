"""The App Home tab, published afresh each time a person opens it, and the buttons only it has.

Every Home button answers the same way: what it opens in a modal, or why it cannot in a small modal
(copbot.slack.listeners.membership.tell); what it changes shows on the Home, drawn again after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext

from copbot.domain.errors import CopbotError
from copbot.domain.search_text import validate_search_text
from copbot.domain.stats import EXPORT_PERIOD
from copbot.services import lookup, prompt_library, session_planning, stats, story_search
from copbot.services.home import home_community, refresh_home
from copbot.slack import ids
from copbot.slack.blocks.common import build_notice
from copbot.slack.blocks.home_modals import SEARCH_FIELD, build_prompts_modal, build_search_modal
from copbot.slack.listeners.commands import Subcommand
from copbot.slack.listeners.communities import create_view, edit_view
from copbot.slack.listeners.membership import tell
from copbot.slack.listeners.session_forms import session_modal
from copbot.slack.modal_values import ModalValues
from copbot.slack.payloads import button_community_id
from copbot.slack.request import Request

SUBCOMMANDS: tuple[Subcommand, ...] = ()

Opener = Callable[[Request, int], dict[str, Any]]


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)
    app.action(ids.HOME_CREATE)(open_create)
    app.action(ids.HOME_EDIT)(_opening(_edit))
    app.action(ids.HOME_PLAN_SESSION)(_opening(_plan))
    app.action(ids.HOME_PROMPTS)(_opening(_prompts))
    app.action(ids.HOME_STATS)(_opening(_stats))
    app.action(ids.HOME_SEARCH)(_opening(_search))
    app.action(ids.HOME_SHOW)(show)
    app.view(ids.HOME_SEARCH_VIEW)(submit_search)


def on_home_opened(event: dict[str, Any], context: BoltContext) -> None:
    """Only the Home tab is ours to draw; opening the Messages tab sends this event too."""
    if event.get("tab") == "home" and isinstance(event.get("user"), str):
        _redraw(Request.of(context), event["user"])


def show(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """A folded community's Open: the Home is drawn again with it in full, first."""
    ack()
    request = Request.of(context)
    try:
        community_id = button_community_id(body["actions"][0].get("value"))
    except CopbotError as error:
        tell(request, body, error)
        return
    _redraw(request, request.user_id, focus=community_id)


def open_create(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Create: the same form as `/cop create`."""
    ack()
    request = Request.of(context)
    try:
        view = create_view(request)
        request.client.views_open(trigger_id=body["trigger_id"], view=view)
    except CopbotError as error:
        tell(request, body, error)


def _opening(opener: Opener) -> Callable[..., None]:
    """A Home button naming a community: the modal `opener` makes for it, or why there is none."""

    def open_modal(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        request = Request.of(context)
        try:
            view = opener(request, button_community_id(body["actions"][0].get("value")))
            request.client.views_open(trigger_id=body["trigger_id"], view=view)
        except CopbotError as error:
            tell(request, body, error)

    return open_modal


def _edit(request: Request, community_id: int) -> dict[str, Any]:
    community = lookup.get_community(request.session, team_id=request.team_id, community_id=community_id)
    return edit_view(request, community)


def _plan(request: Request, community_id: int) -> dict[str, Any]:
    session, team_id = request.session, request.team_id
    named = home_community(session, team_id=team_id, community_id=community_id)
    form = session_planning.new_session_form(session, team_id=team_id, actor=request.actor(), name=named.slug)
    return session_modal(request.tr, request.deps, form)


def _prompts(request: Request, community_id: int) -> dict[str, Any]:
    session, team_id, user_id = request.session, request.team_id, request.user_id
    named = home_community(session, team_id=team_id, community_id=community_id)
    person = request.deps.people.get(request.client, team_id, user_id)
    organiser = prompt_library.Organiser(user_id, person is not None and person.is_admin)
    listing = prompt_library.list_prompts(session, team_id=team_id, organiser=organiser, words=[named.slug])
    return build_prompts_modal(request.tr, listing)


def _stats(request: Request, community_id: int) -> dict[str, Any]:
    """The figures of the last year, the chart and the CSVs, by DM (as `/cop stats export`)."""
    session, team_id = request.session, request.team_id
    named = home_community(session, team_id=team_id, community_id=community_id)
    community = stats.viewable_community(session, team_id=team_id, actor=request.actor(), name=named.slug)
    stats.ask(
        session,
        kind=stats.EXPORT,
        community=community,
        user_id=request.user_id,
        period=EXPORT_PERIOD,
        origin=request.origin,
        now=request.now,
    )
    tr = request.tr
    text = tr.gettext(
        "The figures of *{name}* are being counted: the chart and the CSV files come by DM in a moment. "
        "`/cop stats {slug}` shows them here in Slack.",
        name=named.name,
        slug=named.slug,
    )
    return build_notice(tr, text, title=tr.gettext("Stats"))


def _search(request: Request, community_id: int) -> dict[str, Any]:
    named = home_community(request.session, team_id=request.team_id, community_id=community_id)
    metadata = request.deps.seal.seal({"community_id": named.id})
    return build_search_modal(request.tr, named.name, metadata=metadata)


def submit_search(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The search modal shows what it found in place of the question (the words stay, to search again)."""
    request = Request.of(context)
    tr = request.tr
    try:
        sealed = request.deps.seal.open(view.get("private_metadata", ""))
        words = ModalValues(view).text(SEARCH_FIELD) or ""
        found = story_search.stories_page(
            request.session,
            team_id=request.team_id,
            user_id=request.user_id,
            community_id=button_community_id(sealed.get("community_id")),
            words=validate_search_text(words),
            page=1,
        )
    except CopbotError as error:
        ack(**request.modal_errors(error, default_block=SEARCH_FIELD))
        return
    metadata = str(view.get("private_metadata", ""))
    ack(
        response_action="update",
        view=build_search_modal(tr, found.community_name, metadata=metadata, found=found),
    )


def _redraw(request: Request, user_id: str, *, focus: int | None = None) -> None:
    refresh_home(
        request.session,
        team_id=request.team_id,
        user_id=user_id,
        origin=request.origin,
        now=request.now,
        focus=focus,
    )
