"""Which bot token speaks for a workspace when copbot sends on its own (the outbox, scheduled work)."""

from __future__ import annotations

from typing import Protocol

from slack_sdk.oauth.installation_store import InstallationStore


class BotTokens(Protocol):
    def token_for(self, team_id: str) -> str | None:
        """The workspace's bot token, or None when copbot is not installed there."""
        ...


class OneWorkspace:
    """Single-workspace mode: the configured SLACK_BOT_TOKEN, whatever the workspace."""

    def __init__(self, token: str) -> None:
        self._token = token

    def token_for(self, team_id: str) -> str | None:  # noqa: ARG002 - one token serves the one workspace
        return self._token


class Installations:
    """Multi-workspace (OAuth) mode: the newest installation's bot token."""

    def __init__(self, store: InstallationStore) -> None:
        self._store = store

    def token_for(self, team_id: str) -> str | None:
        bot = self._store.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot is not None else None
