"""Short notes to one person (why a click did nothing, what went wrong), and replies to a click's message."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from copbot.domain.errors import CopbotError
from copbot.services.outbox import deliver

NOTICE = "notice"  # a catalog message, translated when sent into the person's language
RESPOND = "respond"  # a raw body for a response_url (e.g. delete the message clicked)
RESPONSE_URL_LIFE = timedelta(minutes=25)  # Slack honours a response_url for 30 minutes


def notify(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    message: str,
    params: dict[str, Any],
    key: str,
    now: datetime,
    response_url: str | None = None,
    community_id: int | None = None,
) -> None:
    """Tell the person `message` (a catalog id): beside the message they clicked if any, else by DM.

    `community_id`: the community the notice is about; deleting it drops the notice if still unsent.
    """
    deliver(
        session,
        team_id=team_id,
        community_id=community_id,
        kind=NOTICE,
        key=f"notice:{key}",
        payload={"user_id": user_id, "message": message, "params": params, "response_url": response_url},
        now=now,
        worth=RESPONSE_URL_LIFE if response_url else timedelta(hours=1),
    )


def explain_error(
    session: Session,
    error: CopbotError,
    *,
    team_id: str,
    user_id: str,
    key: str,
    now: datetime,
    response_url: str | None = None,
) -> None:
    notify(
        session,
        team_id=team_id,
        user_id=user_id,
        message=error.message,
        params=dict(error.params),
        key=key,
        now=now,
        response_url=response_url,
    )


def respond(
    session: Session, *, team_id: str, response_url: str, body: dict[str, Any], key: str, now: datetime
) -> None:
    deliver(
        session,
        team_id=team_id,
        kind=RESPOND,
        key=f"respond:{key}",
        payload={"response_url": response_url, "body": body},
        now=now,
        worth=RESPONSE_URL_LIFE,
    )
