"""The workspace and its channels come and go: copbot removed, its token revoked, a channel back.

copbot removed from a workspace (app_uninstalled) or its bot token revoked (tokens_revoked):

The workspace's stored tokens are deleted and it is marked uninstalled, in the request's transaction, so
that nothing is sent there any more; a reinstall over OAuth clears the mark (copbot.store.installations).
copbot asks for no user scopes and keeps no user token, so revoked user tokens change nothing.
A channel unarchived (channel_unarchive, group_unarchive) or copbot added back to it (member_joined_channel,
heard by the membership listener): what Slack refused there for good is tried again.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from copbot.services import story_posting
from copbot.services.installs import workspace_removed
from copbot.slack.listeners.commands import Subcommand
from copbot.slack.request import Request

SUBCOMMANDS: tuple[Subcommand, ...] = ()


def register(app: App) -> None:
    app.event("app_uninstalled")(on_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)
    app.event("channel_unarchive")(on_unarchived)
    app.event("group_unarchive")(on_unarchived)


def on_unarchived(event: dict[str, Any], context: BoltContext) -> None:
    channel_id = event.get("channel")
    if isinstance(channel_id, str):
        copbot_back_in_channel(Request.of(context), channel_id)


def copbot_back_in_channel(request: Request, channel_id: str) -> None:
    """copbot may post in the channel again: what Slack refused there for good is tried again."""
    if request.team_id:
        story_posting.channel_back(
            request.session, team_id=request.team_id, channel_id=channel_id, now=request.now
        )


def on_uninstalled(context: BoltContext) -> None:
    _removed(Request.of(context))


def on_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
    if (event.get("tokens") or {}).get("bot"):
        _removed(Request.of(context))


def _removed(request: Request) -> None:
    if request.team_id:
        workspace_removed(request.session, team_id=request.team_id, now=request.now)
