"""The bot token to call Slack with, per workspace: what the outbox sender asks before each delivery.

One workspace (SLACK_BOT_TOKEN): that token, whichever team asks. Many (OAuth): the workspace's stored
bot token, decrypted, and refreshed first when token rotation says it expires within the margin (the
refreshed token is stored encrypted, as Bolt does for requests). None when copbot has no token there: never
installed, uninstalled, or its tokens revoked.
"""

from __future__ import annotations

from slack_sdk.oauth.token_rotation import TokenRotator

from copbot.config import Settings
from copbot.store.installations import SealedInstallationStore

REFRESH_MARGIN_MINUTES = 120  # Bolt's default: refresh a rotating token when it has 2 hours left or less


class BotTokens:
    def __init__(
        self,
        settings: Settings,
        store: SealedInstallationStore | None = None,
        rotator: TokenRotator | None = None,
    ) -> None:
        self._single = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
        self._store, self._rotator = store, rotator

    def bot_token_for(self, team_id: str) -> str | None:
        """The token for `team_id`, fresh for at least REFRESH_MARGIN_MINUTES; None when there is none."""
        if self._store is None:
            return self._single
        installation = self._store.find_installation(enterprise_id=None, team_id=team_id)
        if installation is None or installation.bot_token is None:
            return None
        if self._rotator is not None and installation.bot_refresh_token is not None:
            refreshed = self._rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=REFRESH_MARGIN_MINUTES
            )
            if refreshed is not None:
                self._store.save(refreshed)
                installation = refreshed
        return str(installation.bot_token)
