"""What joining asks of Slack during the request: whether the person is a live, human account."""

from __future__ import annotations

from slack_sdk import WebClient

from copbot.slack.people import People, is_active


class MembershipGateway:
    """Implements services.membership.MembershipSlack for one request."""

    def __init__(self, client: WebClient, *, team_id: str, people: People) -> None:
        self._client = client
        self._team_id = team_id
        self._people = people

    def is_active_person(self, user_id: str) -> bool:
        return is_active(self._people.get(self._client, self._team_id, user_id))
