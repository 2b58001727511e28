"""Slack's request signature, read strictly: only Slack's exact format within five minutes passes."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from copbot.slack.signature import signature_problem

SECRET = "s3cret"
NOW = 1_700_000_000.0
BODY = b"command=%2Fcop&text=help"


def _sign(timestamp: str, body: bytes = BODY) -> str:
    digest = hmac.new(SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return "v0=" + digest


def test_a_signature_slack_made_passes():
    """The right secret, timestamp and body give no problem."""
    assert signature_problem(SECRET, "1700000000", _sign("1700000000"), BODY, NOW) is None


@pytest.mark.parametrize("timestamp", ["abc", "1.5", "9" * 400, "-5", " 1700000000", "¹²³", "1e9"])
def test_timestamps_that_are_not_plain_digits_are_refused(timestamp):
    """A timestamp other than 1 to 12 plain digits is refused before any arithmetic is done on it."""
    assert signature_problem(SECRET, timestamp, _sign(timestamp), BODY, NOW) == "bad timestamp"


@pytest.mark.parametrize("skew", [-301, 301, -86400])
def test_timestamps_beyond_five_minutes_are_stale(skew):
    """Older or newer than five minutes, even correctly signed, is refused."""
    stamp = str(int(NOW) + skew)
    assert signature_problem(SECRET, stamp, _sign(stamp), BODY, NOW) == "stale timestamp"


@pytest.mark.parametrize(
    ("timestamp", "signature", "problem"),
    [
        (None, None, "no signature"),
        ("", "v0=" + "0" * 64, "no signature"),
        ("1700000000", "", "no signature"),
        ("1700000000", "v1=" + "0" * 64, "bad signature"),
        ("1700000000", "v0=" + "A" * 64, "bad signature"),
        ("1700000000", "v0=" + "0" * 64, "bad signature"),
    ],
)
def test_missing_or_malformed_signatures_are_refused(timestamp, signature, problem):
    """No headers, another version, upper-case hex or a wrong digest: each is named as a problem."""
    assert signature_problem(SECRET, timestamp, signature, BODY, NOW) == problem


def test_a_changed_body_breaks_the_signature():
    """The signature covers the body byte for byte."""
    stamp = "1700000000"
    assert signature_problem(SECRET, stamp, _sign(stamp), BODY + b"x", NOW) == "bad signature"
