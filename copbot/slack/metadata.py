"""Sealed `private_metadata`: what a modal carries between opening and submission, tamper-evident.

A view_submission echoes private_metadata back to us, and a modified client could change it (say, to
another community's id). An HMAC over the data lets us refuse an edited value instead of trusting it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from copbot.domain.errors import NotAllowed

MAX_LENGTH = 3000  # Slack's limit on private_metadata


class MetadataSeal:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"copbot private_metadata\x00" + secret.encode()).digest()

    def seal(self, data: dict[str, Any]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()
        sealed = f"{payload}.{self._signature(payload)}"
        if len(sealed) > MAX_LENGTH:
            raise ValueError("private_metadata would exceed Slack's 3000 characters")
        return sealed

    def open(self, sealed: str) -> dict[str, Any]:
        """The sealed data; NotAllowed when it was altered or is not ours."""
        payload, _, signature = sealed.rpartition(".")
        if not payload or not hmac.compare_digest(signature, self._signature(payload)):
            raise NotAllowed("This form was changed after copbot opened it. Please start again.")
        data = json.loads(base64.urlsafe_b64decode(payload))
        if not isinstance(data, dict):
            raise NotAllowed("This form was changed after copbot opened it. Please start again.")
        return data

    def _signature(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()[:32]
