"""copbot removed from a workspace (app_uninstalled) or its bot token revoked (tokens_revoked).

The workspace's stored tokens are deleted and it is marked uninstalled, in the request's transaction, so
that nothing is sent there any more; a reinstall over OAuth clears the mark (copbot.store.installations).
copbot asks for no user scopes and keeps no user token, so revoked user tokens change nothing.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from copbot.services.installs import workspace_removed
from copbot.slack.listeners.commands import Subcommand

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: App) -> None:
    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)


def on_uninstalled(context: BoltContext) -> None:
    _removed(context)


def on_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
    if (event.get("tokens") or {}).get("bot"):
        _removed(context)


def _removed(context: BoltContext) -> None:
    if context.team_id:
        workspace_removed(context["session"], team_id=context.team_id, now=context["deps"].clock.now())
