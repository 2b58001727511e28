"""The App Home tab, published afresh each time a person opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from copbot.slack.gateways.home import publish_home
from copbot.slack.listeners.commands import Subcommand

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)


def on_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Only the Home tab is ours to draw; opening the Messages tab sends this event too."""
    if event.get("tab") == "home":
        publish_home(client, context, event["user"])
