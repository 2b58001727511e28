"""The one way copbot makes a Slack Web API client: always through the configured API URL."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from copbot.config import Settings


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient that honours 429 Retry-After and retries 5xx and dropped connections with backoff."""
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
