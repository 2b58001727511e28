"""What copbot knows about a Slack user (language, time zone, admin rights), cached briefly."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

CACHE_SECONDS = 600.0


@dataclass(frozen=True)
class Person:
    user_id: str
    team_id: str
    name: str
    locale: str | None
    tz: str | None
    is_admin: bool
    is_bot: bool
    deleted: bool

    @classmethod
    def from_slack(cls, user: dict[str, Any]) -> Person:
        return cls(
            user_id=user["id"],
            team_id=user.get("team_id", ""),
            name=user.get("real_name") or user.get("name", ""),
            locale=user.get("locale"),
            tz=user.get("tz"),
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
            is_bot=bool(user.get("is_bot") or user.get("is_app_user")),
            deleted=bool(user.get("deleted")),
        )


def is_active(person: Person | None) -> bool:
    """A human with a live account; someone Slack does not know (None) is not."""
    return person is not None and not person.deleted and not person.is_bot


class People:
    """A small time-bounded cache in front of users.info, keyed by workspace and user."""

    def __init__(self, cache_seconds: float = CACHE_SECONDS) -> None:
        self._cache_seconds = cache_seconds
        self._entries: dict[tuple[str, str], tuple[float, Person | None]] = {}
        self._lock = threading.Lock()

    def get(self, client: WebClient, team_id: str, user_id: str) -> Person | None:
        """The person, or None when Slack does not know them (or will not say)."""
        key = (team_id, user_id)
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None and time.monotonic() - cached[0] < self._cache_seconds:
            return cached[1]
        try:
            person: Person | None = Person.from_slack(
                client.users_info(user=user_id, include_locale=True)["user"]
            )
        except SlackApiError:
            person = None
        with self._lock:
            self._entries[key] = (time.monotonic(), person)
        return person
