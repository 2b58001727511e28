"""Global Bolt middleware: keep workspaces apart, record the workspace, pick the user's language."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from copbot.i18n import normalise_language, translator
from copbot.slack.client import REQUEST_BUDGET_SECONDS, RequestClient, SlackBusy
from copbot.slack.deps import Deps
from copbot.slack.errors import NOT_INSTALLED
from copbot.store.db import has_written, unit_of_work
from copbot.store.workspaces import already_processed, ensure_workspace

EVENT_TO_RECORD = "copbot.event_to_record"


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

    # Workspace rows are never deleted: once a team's row is known to exist, later requests skip the query
    # (and its connection checkout, BEGIN and COMMIT), which a command like help needs for nothing else.
    known_workspaces: set[str] = set()

    def prepare(context: BoltContext, body: dict[str, Any], next: Any) -> None:  # noqa: A002
        """Hand listeners their dependencies, a budgeted Slack client, the workspace row and a translator."""
        context["deps"] = deps
        context["origin"] = origin_of(body)
        if "session" in context:
            session = context["session"]
            context["client"] = RequestClient(
                token=context.client.token,
                base_url=deps.settings.slack_api_url,
                deadline=context.get("deadline") or time.monotonic() + REQUEST_BUDGET_SECONDS,
                holds_write_lock=lambda: has_written(session),
            )
        if context.team_id and context.team_id not in known_workspaces:
            # In a transaction of its own, so that the request's own stays free of writes until it decides.
            with unit_of_work(deps.session_factory) as session:
                ensure_workspace(
                    session, team_id=context.team_id, now=deps.clock.now(), bot_user_id=context.bot_user_id
                )
            known_workspaces.add(context.team_id)
        context["tr"] = translator(_language_of(deps, context.client, context))
        next()

    def act_once(context: BoltContext, body: dict[str, Any], next: Any) -> BoltResponse | None:  # noqa: A002
        """Slack redelivers events it thinks timed out, with the same event_id: act on each once.

        Only read here; the event is recorded as processed at the end of the request (CopbotBolt), so
        that the request's transaction writes nothing before its listener has asked Slack what it needs.
        """
        event_id, team_id, session = body.get("event_id"), context.team_id, context.get("session")
        if body.get("type") == "event_callback" and event_id and team_id and session is not None:
            if already_processed(session, event_id=str(event_id)):
                return BoltResponse(status=200, body="")
            context[EVENT_TO_RECORD] = (str(event_id), team_id)
        next()
        return None

    app.use(same_workspace_only)
    app.use(prepare)
    app.use(act_once)


def origin_of(body: dict[str, Any]) -> str:
    """What names the Slack request in work keys: the same submission or event twice makes one delivery."""
    view = body.get("view")
    if body.get("type") == "view_submission" and isinstance(view, dict) and view.get("id"):
        return f"view-{view['id']}"
    for key in ("event_id", "trigger_id"):
        if body.get(key):
            return f"{key}-{body[key]}"
    return f"request-{uuid.uuid4().hex}"


def _language_of(deps: Deps, client: WebClient, context: BoltContext) -> str:
    if context.team_id and context.user_id:
        try:
            person = deps.people.get(client, context.team_id, context.user_id)
        except SlackBusy:
            return deps.settings.language  # the listener will meet Slack's trouble again and say so
        if person is not None:
            return normalise_language(person.locale, deps.settings.language)
    return deps.settings.language
