"""The App Home tab, published afresh each time a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from copbot.services.home import refresh_home
from copbot.slack.listeners.commands import Subcommand

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)


def on_home_opened(event: dict[str, Any], context: BoltContext) -> None:
    """Only the Home tab is ours to draw; opening the Messages tab sends this event too."""
    if event.get("tab") == "home" and isinstance(event.get("user"), str):
        refresh_home(
            context["session"],
            team_id=str(context.team_id),
            user_id=event["user"],
            origin=context["origin"],
            now=context["deps"].clock.now(),
        )
