"""The session modals: Edit and Cancel from the list, the takeaway's share modal, and their submissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copbot.domain import sessions as fields
from copbot.domain.enums import Repeat
from copbot.domain.errors import CopbotError, NotFound
from copbot.i18n import Translator
from copbot.services import session_planning, sessions, stories
from copbot.services.communities import Actor
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
from copbot.slack.errors import modal_errors
from copbot.slack.listeners.communities import actor
from copbot.slack.listeners.membership import tell
from copbot.slack.listeners.stories import share_modal


def register(app: App) -> None:
    app.action(ids.SESSION_EDIT_BUTTON)(open_edit)
    app.action(ids.SESSION_CANCEL_BUTTON)(open_cancel)
    app.action(ids.SESSION_TAKEAWAY_BUTTON)(open_takeaway)
    app.view(ids.SESSION_NEW_VIEW)(submit_new)
    app.view(ids.SESSION_EDIT_VIEW)(submit_edit)
    app.view(ids.SESSION_CANCEL_VIEW)(submit_cancel)


def open_edit(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Edit, beside a session in the list (organisers)."""

    def view() -> dict[str, Any]:
        deps = context["deps"]
        form = session_planning.edit_form(
            context["session"],
            team_id=team_of(context),
            actor=acting(context, client),
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
        form = session_planning.edit_form(
            context["session"],
            team_id=team_of(context),
            actor=acting(context, client),
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
            context["session"], team_id=team_of(context), user_id=user_of(context), ref=action.get("value")
        )
        share = stories.ShareTarget(fixed=target.community, choices=[])
        return share_modal(context["tr"], context["deps"].seal, share, session_id=target.series_id)

    _open(ack, body, client, context, view)


def submit_new(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        session_planning.plan_session(
            context["session"],
            team_id=team_of(context),
            actor=acting(context, client),
            community_id=_sealed_community(sealed),
            values=values,
            now=context["deps"].clock.now(),
        )
        # An organiser who planned it from the App Home sees it there.
        refresh_home(
            context["session"],
            team_id=team_of(context),
            user_id=user_of(context),
            origin=context["origin"],
            now=context["deps"].clock.now(),
        )

    _submit(ack, view, context, save)


def submit_edit(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        session_planning.edit_session(
            context["session"],
            team_id=team_of(context),
            actor=acting(context, client),
            community_id=_sealed_community(sealed),
            ref=sealed.get("ref"),
            values=values,
            now=context["deps"].clock.now(),
        )

    _submit(ack, view, context, save)


def submit_cancel(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    def save(sealed: dict[str, Any], values: dict[str, str | None]) -> None:
        session_planning.cancel_session(
            context["session"],
            team_id=team_of(context),
            actor=acting(context, client),
            community_id=_sealed_community(sealed),
            ref=sealed.get("ref"),
            whole_series=values.get(CANCEL_WHICH) == CANCEL_SERIES,
            now=context["deps"].clock.now(),
        )

    _submit(ack, view, context, save, default_block=CANCEL_WHICH)


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
    except SlackApiError:  # the trigger expired or was used: the person clicks again
        tell(context, body, SlackBusy())


def session_modal(tr: Translator, deps: Deps, form: SessionForm, *, editing: bool = False) -> dict[str, Any]:
    sealed = deps.seal.seal({"community_id": form.community_id, "ref": form.ref})
    return build_session_modal(tr, form.values, zone=form.zone, private_metadata=sealed, editing=editing)


def _sealed_community(sealed: dict[str, Any]) -> int:
    community_id = sealed.get("community_id")
    if not isinstance(community_id, int):
        raise NotFound("That community no longer exists.")
    return community_id


def acting(context: BoltContext, client: WebClient) -> Actor:
    return actor(context["deps"], client, team_of(context), user_of(context))


def team_of(context: BoltContext) -> str:
    assert context.team_id is not None
    return context.team_id


def user_of(context: BoltContext) -> str:
    assert context.user_id is not None
    return context.user_id
