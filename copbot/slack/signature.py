"""Slack's request signature, checked strictly before anything parses the body.

slack_sdk's verifier turns a timestamp of ``abc`` or ``1.5`` into an exception (a 500 with a traceback) and
accepts 400 digits; here a timestamp is 1 to 12 digits within five minutes of now, and a signature is
``v0=`` and 64 hex digits, or the request is refused with a short reason that names neither.
"""

from __future__ import annotations

import hashlib
import hmac
import re

WINDOW_SECONDS = 300  # Slack's: a request older or newer than this is refused (replays, skewed clocks)
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def signature_problem(
    secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float
) -> str | None:
    """Why the request is not Slack's ("no signature", "bad timestamp", …), or None when it is."""
    if not timestamp or not signature:
        return "no signature"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "bad timestamp"
    if abs(now - int(timestamp)) > WINDOW_SECONDS:
        return "stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "bad signature"
    expected = (
        "v0="
        + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    )
    return None if hmac.compare_digest(expected, signature) else "bad signature"
