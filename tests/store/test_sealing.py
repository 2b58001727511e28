"""Slack tokens encrypted at rest: sealed with the first key, opened with any, re-sealed on rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select

from copbot.store.installations import SealedInstallationStore
from copbot.store.models import BOTS, INSTALLATIONS
from copbot.store.sealing import SealError, TokenSealer, new_key

OLD, NEW = new_key(), new_key()
TOKEN = "xoxb-1-plain-token"


def test_a_sealed_token_is_not_the_token_and_opens_to_it():
    """Sealing hides the token; opening gives it back; sealing twice changes nothing."""
    sealer = TokenSealer(OLD)
    sealed = sealer.seal(TOKEN)

    assert TOKEN not in sealed
    assert sealer.open(sealed) == TOKEN
    assert sealer.seal(sealed) == sealed


def test_the_first_key_seals_and_every_key_opens():
    """With "new,old", tokens sealed with the old key still open, and new ones are sealed with the new key."""
    old_sealed = TokenSealer(OLD).seal(TOKEN)
    both = TokenSealer(f"{NEW}, {OLD}")

    assert both.open(old_sealed) == TOKEN
    assert Fernet(NEW.encode()).decrypt(both.seal(TOKEN).encode()).decode() == TOKEN
    assert Fernet(NEW.encode()).decrypt(both.reseal(old_sealed).encode()).decode() == TOKEN


def test_a_token_stored_before_encryption_is_read_and_sealed_on_reseal():
    """A plain xox… value (stored before encryption) opens as itself and is encrypted by reseal."""
    sealer = TokenSealer(OLD)

    assert sealer.open(TOKEN) == TOKEN
    assert sealer.open(sealer.reseal(TOKEN)) == TOKEN
    assert not sealer.reseal(TOKEN).startswith("xox")


def test_a_token_sealed_with_a_dropped_key_is_a_clear_error():
    """Opening with keys that do not include the sealing one raises SealError, naming COPBOT_SECRET_KEY."""
    sealed = TokenSealer(OLD).seal(TOKEN)

    with pytest.raises(SealError, match="COPBOT_SECRET_KEY"):
        TokenSealer(NEW).open(sealed)


def _installation(team_id: str) -> Installation:
    return Installation(
        app_id="A1",
        enterprise_id=None,
        team_id=team_id,
        bot_token=f"xoxb-{team_id}-secret",
        bot_id="B1",
        bot_user_id="U0BOT",
        bot_scopes="chat:write",
        user_id="U0INSTALLER",
    )


def test_reseal_all_moves_every_stored_token_to_the_new_key(engine):
    """`copbot secrets rotate`: after reseal_all the old key can be dropped and every token still opens."""
    SealedInstallationStore(client_id="1.2", engine=engine, sealer=TokenSealer(OLD)).save(
        _installation("T0ONE")
    )
    rotated = SealedInstallationStore(client_id="1.2", engine=engine, sealer=TokenSealer(f"{NEW},{OLD}"))

    assert rotated.reseal_all() == 2  # the installation's and the bot's token
    only_new = SealedInstallationStore(client_id="1.2", engine=engine, sealer=TokenSealer(NEW))
    assert only_new.find_installation(enterprise_id=None, team_id="T0ONE").bot_token == "xoxb-T0ONE-secret"
    assert only_new.find_bot(enterprise_id=None, team_id="T0ONE").bot_token == "xoxb-T0ONE-secret"
    with engine.connect() as connection:
        stored = [
            row[0] for table in (INSTALLATIONS, BOTS) for row in connection.execute(select(table.c.bot_token))
        ]
    assert all(not token.startswith("xox") for token in stored)
