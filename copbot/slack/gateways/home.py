"""Drawing a person's App Home: when they open it, and after they join, leave or share."""

from __future__ import annotations

import logging

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copbot.services.home import home_content
from copbot.slack.blocks.home import build_home

logger = logging.getLogger(__name__)


def publish_home(client: WebClient, context: BoltContext, user_id: str) -> None:
    """Publish the person's Home from what the request's session sees (its own changes included)."""
    deps = context["deps"]
    person = deps.people.get(client, str(context.team_id), user_id)
    content = home_content(
        context["session"],
        team_id=str(context.team_id),
        user_id=user_id,
        is_workspace_admin=person is not None and person.is_admin,
        now=deps.clock.now(),
    )
    tz, locale = (person.tz, person.locale) if person is not None else (None, None)
    client.views_publish(user_id=user_id, view=build_home(context["tr"], content, tz=tz, locale=locale))


def refresh_home(client: WebClient, context: BoltContext, user_id: str) -> None:
    """Keep an open Home tab current after a change; a failure here must not undo the change itself."""
    try:
        publish_home(client, context, user_id)
    except SlackApiError as error:
        logger.warning("could not refresh the App Home of %s: %s", user_id, error.response.get("error"))
