"""Slack tokens encrypted at rest with COPBOT_SECRET_KEY (Fernet; several keys for rotation).

A database dump, a backup or a read-only SQL account then reveals no workspace's token. The first key
encrypts; every key decrypts, so a new key can be put first and `copbot secrets rotate` re-encrypts the
stored tokens before the old key is dropped. A value that still starts with ``xox`` is a token stored
before encryption was turned on: it is read as is, and sealed by the next save or rotation.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

UNREADABLE = "a stored Slack token cannot be decrypted with any key in COPBOT_SECRET_KEY"
PLAIN_PREFIX = "xox"  # every Slack bot, user and refresh token starts so; a Fernet token never does


class SealError(RuntimeError):
    """A stored token was encrypted with a key COPBOT_SECRET_KEY no longer holds."""


class TokenSealer:
    def __init__(self, keys: str) -> None:
        self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])

    def seal(self, value: str | None) -> str | None:
        """The value encrypted with the first key; an already sealed value is returned unchanged."""
        if value is None or not value.startswith(PLAIN_PREFIX):
            return value
        return self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if value is None or value.startswith(PLAIN_PREFIX):
            return value
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            raise SealError(
                "a stored Slack token cannot be decrypted with any key in COPBOT_SECRET_KEY"
            ) from None

    def reseal(self, value: str | None) -> str | None:
        """The value encrypted with the first key, whichever key (or none) it was encrypted with."""
        if value is None or value.startswith(PLAIN_PREFIX):
            return self.seal(value)
        try:
            return self._fernet.rotate(value.encode()).decode()
        except InvalidToken:
            raise SealError(
                "a stored Slack token cannot be decrypted with any key in COPBOT_SECRET_KEY"
            ) from None


def new_key() -> str:
    return Fernet.generate_key().decode()
