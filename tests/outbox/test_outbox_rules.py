"""The outbox's pure rules: what Slack's answers mean for a delivery, and how long to wait to try again."""

from __future__ import annotations

import random

import pytest

from copbot.domain.deliveries import (
    LONGEST_RETRY_SECONDS,
    MAX_ATTEMPTS,
    SlackRefusal,
    Verdict,
    gives_up,
    retry_delay,
    verdict,
)


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (200, "channel_not_found", Verdict.FAILED),
        (200, "is_archived", Verdict.FAILED),
        (200, "cannot_dm_bot", Verdict.FAILED),
        (200, "account_inactive", Verdict.FAILED),
        (200, "some_error_slack_adds_one_day", Verdict.FAILED),
        (200, "invalid_auth", Verdict.TOKEN_REFUSED),
        (200, "token_revoked", Verdict.TOKEN_REFUSED),
        (500, "", Verdict.RETRY),
        (503, "service_unavailable", Verdict.RETRY),
        (200, "fatal_error", Verdict.RETRY),
        (0, "timeout", Verdict.RETRY),
    ],
)
def test_verdicts(status, error, expected):
    """Permanent errors end a delivery, token errors stop the workspace, Slack's own trouble is retried."""
    assert verdict(SlackRefusal(status, error)) is expected


def test_retry_delays_double_with_jitter_and_are_capped():
    """Waits double from about 5 s, each 0.5 to 1.5 times the nominal value, never past the cap."""
    rng = random.Random(7)  # noqa: S311 - jitter, not secrecy
    for attempts, nominal in ((1, 5), (2, 10), (3, 20), (4, 40)):
        seconds = retry_delay(attempts, rng).total_seconds()
        assert nominal * 0.5 <= seconds <= nominal * 1.5
    assert retry_delay(40, rng).total_seconds() <= LONGEST_RETRY_SECONDS * 1.5
    delays = {retry_delay(3, rng).total_seconds() for _ in range(20)}
    assert len(delays) > 10  # jitter: senders that failed together do not come back together


def test_gives_up_after_the_last_attempt():
    """A delivery is tried MAX_ATTEMPTS times at most."""
    assert not gives_up(MAX_ATTEMPTS - 1)
    assert gives_up(MAX_ATTEMPTS)
