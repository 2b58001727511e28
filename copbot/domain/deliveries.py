"""Rules of the outbox: what Slack's answers mean for a delivery, how long to wait before trying again.

Pure: the sender (copbot.slack.sender) asks these questions, the store keeps the answers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

FIRST_RETRY_SECONDS = 5.0
LONGEST_RETRY_SECONDS = 600.0  # Slack being down for hours should not turn into a retry every second
MAX_ATTEMPTS = 12  # with the doubling above, about an hour and a half of trying
CHANNEL_PACE = timedelta(seconds=1)  # Slack: one message per second per channel,
CHANNEL_BURST = 3  # "short bursts tolerated"

# Slack's answers that will not change by trying again: the delivery ends as failed, with the reason.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "cannot_dm_bot",
        "user_disabled",
        "restricted_action",
        "msg_too_long",
        "no_text",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_arguments",
        "message_not_found",
        "cant_update_message",
        "cant_delete_message",
        "user_is_restricted",
        "user_is_ultra_restricted",
        "missing_scope",
        "not_allowed_token_type",
        "method_not_supported_for_channel_type",
        "too_many_users",
        "cant_invite_self",
        "not_pinnable",
        "too_many_pins",
        "expired_url",
        "used_url",
        "no_service",
    }
)
# The workspace's token no longer works: nothing of that workspace can be sent until it is fixed.
TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired", "team_not_found"})
# Slack's own trouble, worth trying again later.
NO_ANSWER = "timeout"  # no answer from Slack: a timeout or a lost connection (Slack may have acted)
TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited", NO_ANSWER}
)
# Errors meaning "the channel itself is the problem": a community's organisers should hear of them.
CHANNEL_ERRORS = frozenset({"channel_not_found", "is_archived", "not_in_channel"})


class Verdict(StrEnum):
    RETRY = "retry"
    FAILED = "failed"
    TOKEN_REFUSED = "token_refused"  # noqa: S105 - a verdict, not a secret


@dataclass(frozen=True)
class SlackRefusal:
    """How a Slack call went wrong: an HTTP status (0 when no answer came) and Slack's error code."""

    status: int
    error: str


def verdict(refusal: SlackRefusal) -> Verdict:
    """What to do with a delivery Slack refused; unknown errors end it, rather than loop forever."""
    if refusal.error in TOKEN_ERRORS:
        return Verdict.TOKEN_REFUSED
    if refusal.status == 0 or refusal.status >= 500 or refusal.error in TRANSIENT_ERRORS:  # noqa: PLR2004
        return Verdict.RETRY
    return Verdict.FAILED


def retry_delay(attempts: int, rng: random.Random) -> timedelta:
    """Exponential backoff with jitter: about 5 s, 10 s, 20 s… capped, each scaled by 0.5 to 1.5."""
    base = min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1))
    return timedelta(seconds=base * rng.uniform(0.5, 1.5))


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS
