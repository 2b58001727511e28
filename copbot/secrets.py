"""`copbot secrets rotate`: every stored Slack token re-encrypted with the first key of COPBOT_SECRET_KEY."""

from __future__ import annotations

from copbot.config import Settings
from copbot.store.db import make_engine
from copbot.store.installations import SealedInstallationStore
from copbot.store.sealing import TokenSealer


def reseal_stored_tokens(settings: Settings) -> int:
    """Re-encrypt (or encrypt, if stored before encryption) every token; return how many were written."""
    assert settings.secret_key is not None
    assert settings.slack_client_id is not None
    engine = make_engine(settings.database_url)
    try:
        sealer = TokenSealer(settings.secret_key.get_secret_value())
        store = SealedInstallationStore(client_id=settings.slack_client_id, engine=engine, sealer=sealer)
        return store.reseal_all()
    finally:
        engine.dispose()
