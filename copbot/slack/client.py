"""The Slack Web API clients copbot makes, all through the configured API URL.

Two kinds, because a request and a sender can afford different things:
- during a request, Slack wants its answer within 3 seconds, so the few calls Slack makes synchronous
  (views.open on a trigger, a new channel's id, users.info for permissions) go through a `RequestClient`
  with a deadline: it never sleeps on a Retry-After or a retry, and turns a 429, a 5xx, a timeout or an
  exhausted budget into `SlackBusy`, which the person sees as "Slack is busy, try again in a minute";
- everything else is an outbox delivery, sent after the commit by copbot.slack.sender with its own client.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from copbot import metrics
from copbot.config import Settings
from copbot.domain.errors import CopbotError
from copbot.domain.text import N_

logger = logging.getLogger(__name__)

REQUEST_BUDGET_SECONDS = 2.0  # for all of a request's Slack calls: Slack gives up after 3 s
SHORTEST_CALL_SECONDS = 0.25  # with less time left, a call is not worth starting
AUTHORIZE_TIMEOUT_SECONDS = 1.5  # Bolt's own auth.test when it authorizes a request (OAuth mode)
WRITE_LOCK_MESSAGE = "Slack call while the request holds a database write lock"

BUSY = N_("Slack is busy right now, so that didn't go through. Please try again in a minute.")


class _AnsweredElsewhere(logging.Filter):
    """slack_sdk logs Slack's HTML error pages (5xx) as errors; copbot reports each outcome itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to decode Slack API response")


def sdk_logger() -> logging.Logger:
    """The logger every client copbot makes gives slack_sdk."""
    quiet = logging.getLogger("copbot.slack.sdk")
    if not quiet.filters:
        quiet.addFilter(_AnsweredElsewhere())
    return quiet


class SlackBusy(CopbotError):
    """Slack rate-limited, failed or was too slow for a call a request cannot do without."""

    def __init__(self) -> None:
        super().__init__(BUSY)


def api_error_code(error: SlackApiError) -> str:
    """Slack's error code, or "HTTP <status>" for an answer that is an error page (5xx) rather than JSON."""
    status = error.response.status_code
    if status >= 500:  # noqa: PLR2004
        return f"HTTP {status}"
    return str(error.response.get("error") or f"HTTP {status}")


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """Bolt's app-wide client: a short timeout and no retries that sleep (it authorizes requests)."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=AUTHORIZE_TIMEOUT_SECONDS,  # type: ignore[arg-type] # urllib takes a float; the stub says int
        retry_handlers=[],
        logger=sdk_logger(),
    )


class RequestClient(WebClient):
    """A request's client: every call fits in what is left of the request's budget, or raises SlackBusy."""

    def __init__(
        self,
        *,
        token: str | None,
        base_url: str,
        deadline: float,
        holds_write_lock: Callable[[], bool],
    ) -> None:
        super().__init__(token=token, base_url=base_url, retry_handlers=[], logger=sdk_logger())
        self._deadline = deadline
        self._holds_write_lock = holds_write_lock

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        left = self._deadline - time.monotonic()
        if left < SHORTEST_CALL_SECONDS:
            logger.warning("no time left for %s in this request", api_method)
            raise SlackBusy
        if self._holds_write_lock():
            logger.error("%s: %s", WRITE_LOCK_MESSAGE, api_method)
        self.timeout = max(SHORTEST_CALL_SECONDS, left)  # type: ignore[assignment] # a float works, see above
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            metrics.slack_api_error(api_method, api_error_code(error))
            if error.response.status_code == 429 or error.response.status_code >= 500:  # noqa: PLR2004
                logger.warning("%s answered %s during a request", api_method, error.response.status_code)
                raise SlackBusy from None
            raise
        except OSError as error:  # timeouts and connection failures
            metrics.slack_api_error(api_method, "no_answer")
            logger.warning("%s failed during a request: %s", api_method, error)
            raise SlackBusy from None
