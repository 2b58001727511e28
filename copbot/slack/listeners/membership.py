"""Listeners for the membership feature (filled in by its issue)."""

from __future__ import annotations

from slack_bolt import App

from copbot.slack.listeners.commands import Subcommand

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: App) -> None:
    """Register this feature's actions, views and events on `app`."""
