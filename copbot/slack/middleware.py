"""Global Bolt middleware: keep workspaces apart, record the workspace, pick the user's language."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from copbot.i18n import normalise_language, translator
from copbot.slack.deps import Deps
from copbot.slack.errors import NOT_INSTALLED
from copbot.store.workspaces import ensure_workspace, first_delivery


def attach(app: App, deps: Deps) -> None:
    """Install copbot's middleware, in order, after Bolt's own (signature check, authorization)."""

    def same_workspace_only(context: BoltContext, body: dict[str, Any], next: Any) -> BoltResponse | None:  # noqa: A002
        """Refuse requests from a workspace other than the one whose token answers them."""
        installed = context.authorize_result.team_id if context.authorize_result else None
        if installed and context.team_id and context.team_id != installed:
            tr = translator(deps.settings.language)
            message = tr.gettext(NOT_INSTALLED)
            if body.get("type") == "event_callback":
                return BoltResponse(status=200, body="")
            return BoltResponse(
                status=200,
                body=json.dumps({"response_type": "ephemeral", "text": message}),
                headers={"content-type": ["application/json;charset=utf-8"]},
            )
        next()
        return None

    def prepare(context: BoltContext, client: WebClient, next: Any) -> None:  # noqa: A002
        """Hand listeners their dependencies, the workspace row and a translator for the user."""
        context["deps"] = deps
        if context.team_id and "session" in context:
            ensure_workspace(
                context["session"],
                team_id=context.team_id,
                now=deps.clock.now(),
                bot_user_id=context.bot_user_id,
            )
        context["tr"] = translator(_language_of(deps, client, context))
        next()

    def act_once(context: BoltContext, body: dict[str, Any], next: Any) -> BoltResponse | None:  # noqa: A002
        """Slack redelivers events it thinks timed out, with the same event_id: act on each once."""
        event_id, team_id, session = body.get("event_id"), context.team_id, context.get("session")
        if body.get("type") == "event_callback" and event_id and team_id and session is not None:
            now = deps.clock.now()
            if not first_delivery(session, event_id=str(event_id), team_id=team_id, now=now):
                return BoltResponse(status=200, body="")
        next()
        return None

    app.use(same_workspace_only)
    app.use(prepare)
    app.use(act_once)


def _language_of(deps: Deps, client: WebClient, context: BoltContext) -> str:
    if context.team_id and context.user_id:
        person = deps.people.get(client, context.team_id, context.user_id)
        if person is not None:
            return normalise_language(person.locale, deps.settings.language)
    return deps.settings.language
