"""The App Home tab, published afresh each time a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from copbot.services.home import home_content
from copbot.slack.blocks.home import build_home
from copbot.slack.listeners.commands import Subcommand

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: App) -> None:
    app.event("app_home_opened")(publish_home)


def publish_home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Only the Home tab is ours to draw; opening the Messages tab sends this event too."""
    if event.get("tab") != "home":
        return
    deps, user_id = context["deps"], event["user"]
    person = deps.people.get(client, str(context.team_id), user_id)
    content = home_content(
        context["session"],
        team_id=str(context.team_id),
        user_id=user_id,
        is_workspace_admin=person is not None and person.is_admin,
        now=deps.clock.now(),
    )
    tz, locale = (person.tz, person.locale) if person is not None else (None, None)
    view = build_home(context["tr"], content, tz=tz, locale=locale)
    client.views_publish(user_id=user_id, view=view)
