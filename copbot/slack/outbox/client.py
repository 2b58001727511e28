"""The sender's Slack client: it consults the shared gates before each call, and closes one on a 429.

A closed gate raises `Gated` instead of sleeping: the sender gives the delivery back, due when the gate
opens, and its thread moves on to other work.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy.orm import Session, sessionmaker

from copbot import metrics
from copbot.clock import Clock
from copbot.domain.deliveries import CHANNEL_BURST, CHANNEL_PACE
from copbot.slack.client import api_error_code, sdk_logger
from copbot.store import gates
from copbot.store.db import unit_of_work

PACED_METHODS = frozenset({"chat.postMessage"})  # Slack limits these per channel, not per workspace
DEFAULT_RETRY_AFTER = 30  # seconds, when a 429 comes without a usable Retry-After


class Gated(Exception):
    """The call must wait: a 429 was answered for this method, or the channel had a message this second."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"gated until {until.isoformat()}")
        self.until = until


class GateKeeper:
    def __init__(self, session_factory: sessionmaker[Session], clock: Clock) -> None:
        self._session_factory = session_factory
        self._clock = clock

    def before_call(self, team_id: str, method: str, channel: str | None) -> None:
        """Raise Gated when the workspace must not call `method` (or post in `channel`) yet."""
        now = self._clock.now()
        paced = method in PACED_METHODS and channel is not None
        with unit_of_work(self._session_factory) as session:
            closed = gates.method_key(method) if not paced else gates.channel_key(str(channel))
            until = gates.closed_until(session, team_id=team_id, key=closed, now=now)
            if until is None and paced:
                until = gates.pass_through(
                    session,
                    team_id=team_id,
                    key=gates.pace_key(str(channel)),
                    now=now,
                    interval=CHANNEL_PACE,
                    burst=CHANNEL_BURST,
                )
        if until is not None:
            raise Gated(until)

    def rate_limited(self, team_id: str, method: str, channel: str | None, retry_after: int) -> datetime:
        """Slack answered 429: close the method for the workspace (a post: the channel) until it says."""
        until = self._clock.now() + timedelta(seconds=retry_after)
        paced = method in PACED_METHODS and channel is not None
        key = gates.channel_key(str(channel)) if paced else gates.method_key(method)
        with unit_of_work(self._session_factory) as session:
            gates.close_until(session, team_id=team_id, key=key, until=until)
        return until


class SenderClient(WebClient):
    """One workspace's client for one delivery: no retry handlers (the sender retries), gates first."""

    def __init__(
        self, *, token: str, base_url: str, timeout: float, team_id: str, gate_keeper: GateKeeper
    ) -> None:
        super().__init__(
            token=token, base_url=base_url, timeout=int(timeout), retry_handlers=[], logger=sdk_logger()
        )
        self._team_id = team_id
        self._gate_keeper = gate_keeper

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        channel = _channel(kwargs)
        self._gate_keeper.before_call(self._team_id, api_method, channel)
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            metrics.slack_api_error(api_method, api_error_code(error))
            if error.response.status_code != 429:  # noqa: PLR2004
                raise
            retry_after = _retry_after(error.response.headers)
            until = self._gate_keeper.rate_limited(self._team_id, api_method, channel, retry_after)
            raise Gated(until) from None
        except OSError:
            metrics.slack_api_error(api_method, "no_answer")
            raise


def _channel(kwargs: dict[str, Any]) -> str | None:
    for arguments in (kwargs.get("json"), kwargs.get("data"), kwargs.get("params")):
        if isinstance(arguments, dict) and arguments.get("channel"):
            return str(arguments["channel"])
    return None


def _retry_after(headers: dict[str, Any]) -> int:
    value = {str(name).lower(): value for name, value in headers.items()}.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(1, int(str(value)))
    except ValueError:
        return DEFAULT_RETRY_AFTER
