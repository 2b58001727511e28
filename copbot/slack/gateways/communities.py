"""What setting up a community asks of Slack during the request: channel checks and new channels."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copbot.domain.communities import BAD_CHANNEL, BAD_CHANNEL_NAME, CHANNEL, NEW_CHANNEL
from copbot.domain.errors import InvalidInput
from copbot.domain.text import N_

CANT_SEE = N_("copbot can't see that channel. Invite @copbot to it first (/invite @copbot), or pick another.")
ARCHIVED = N_("That channel is archived. Pick another.")
CHANNEL_EXISTS = N_("A channel with that name exists already. Pick it above, or choose another name.")


def slack_error(error: SlackApiError) -> str:
    return str(error.response.get("error", ""))


class SlackCommunities:
    """copbot's CommunitySlack: what creating, moving and staffing a community asks of Slack."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def check_channel(self, channel_id: str) -> None:
        try:
            channel = self._client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            if slack_error(error) == "channel_not_found":  # also a private channel copbot is not in
                raise InvalidInput(CANT_SEE, field=CHANNEL) from None
            raise
        if channel.get("is_im") or channel.get("is_mpim"):
            raise InvalidInput(BAD_CHANNEL, field=CHANNEL)
        if channel.get("is_archived"):
            raise InvalidInput(ARCHIVED, field=CHANNEL)

    def create_channel(self, name: str) -> str:
        try:
            return str(self._client.conversations_create(name=name, is_private=False)["channel"]["id"])
        except SlackApiError as error:
            if slack_error(error) == "name_taken":
                raise InvalidInput(CHANNEL_EXISTS, field=NEW_CHANNEL) from None
            if slack_error(error).startswith("invalid_name"):
                raise InvalidInput(BAD_CHANNEL_NAME, field=NEW_CHANNEL) from None
            raise
