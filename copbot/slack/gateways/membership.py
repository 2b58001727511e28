"""Joining and leaving, on Slack's side: channel invitations, DMs to the member, the offer to joiners."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copbot.i18n import Translator
from copbot.services.lookup import CommunityCard
from copbot.services.membership import Welcome
from copbot.slack.blocks.membership import (
    build_farewell,
    build_joiner_offer,
    build_profile_updated,
    build_welcome,
)
from copbot.slack.people import People, is_active

logger = logging.getLogger(__name__)


class MembershipGateway:
    """Implements services.membership.MembershipSlack for one request, in the acting person's language.

    The membership is already stored when these run: a Slack failure is logged, never undoes a join.
    """

    def __init__(self, client: WebClient, *, team_id: str, tr: Translator, people: People) -> None:
        self._client = client
        self._team_id = team_id
        self._tr = tr
        self._people = people

    def is_active_person(self, user_id: str) -> bool:
        return is_active(self._people.get(self._client, self._team_id, user_id))

    def add_to_channel(self, channel_id: str, user_id: str) -> bool:
        try:
            self._client.conversations_invite(channel=channel_id, users=user_id)
        except SlackApiError as error:
            reason = error.response.get("error")
            if reason == "already_in_channel":
                return True
            if reason == "not_in_channel":  # a public channel copbot left: join it, then invite
                return self._join_and_invite(channel_id, user_id)
            logger.warning("could not invite %s to %s: %s", user_id, channel_id, reason)
            return False
        return True

    def welcome(self, user_id: str, welcome: Welcome) -> None:
        person = self._people.get(self._client, self._team_id, user_id)
        tz = person.tz if person is not None and person.tz else welcome.community.timezone
        self._dm(user_id, build_welcome(self._tr, welcome, tz=tz))

    def profile_updated(self, user_id: str, community: CommunityCard) -> None:
        self._dm(user_id, build_profile_updated(self._tr, community))

    def farewell(self, user_id: str, community: CommunityCard, *, erased: bool) -> None:
        self._dm(user_id, build_farewell(self._tr, community, erased=erased))

    def offer_membership(self, channel_id: str, user_id: str, communities: list[CommunityCard]) -> None:
        offer = build_joiner_offer(self._tr, channel_id, communities)
        try:
            self._client.chat_postEphemeral(channel=channel_id, user=user_id, **offer)
        except SlackApiError as error:
            logger.warning("could not offer %s to join: %s", user_id, error.response.get("error"))

    def _join_and_invite(self, channel_id: str, user_id: str) -> bool:
        try:
            self._client.conversations_join(channel=channel_id)
            self._client.conversations_invite(channel=channel_id, users=user_id)
        except SlackApiError as error:
            logger.warning("could not invite %s to %s: %s", user_id, channel_id, error.response.get("error"))
            return False
        return True

    def _dm(self, user_id: str, message: dict[str, Any]) -> None:
        try:
            self._client.chat_postMessage(channel=user_id, **message)
        except SlackApiError as error:
            logger.warning("could not send a DM to %s: %s", user_id, error.response.get("error"))


def tell(client: WebClient, body: dict[str, Any], respond: Respond | None, text: str) -> None:
    """Answer a button click privately: beside the message clicked, or by DM from the App Home."""
    user_id = body["user"]["id"]
    if body.get("response_url") and respond is not None:
        respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        client.chat_postMessage(channel=user_id, text=text)
