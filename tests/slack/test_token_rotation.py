"""Token rotation: expiring tokens are refreshed before they run out, by requests and by bot_token_for."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from fixtures_app import SECRET_KEY
from sqlalchemy import select

from copbot.store.models import INSTALLATIONS


@pytest.fixture
def rotating(sandbox, workspace, people, oauth_app):
    """copbot installed in `workspace` with tokens that expire in 10 minutes (inside the 2-hour margin)."""
    sandbox.enable_token_rotation(lifetime_seconds=600)
    oauth_app.install(workspace)
    return oauth_app


def _refreshes(sandbox) -> int:
    return len(
        [call for call in sandbox.calls("oauth.v2.access") if call.args.get("grant_type") == "refresh_token"]
    )


def test_bot_token_for_refreshes_an_expiring_token_and_stores_it(rotating, sandbox, workspace, engine):
    """A token within the margin is refreshed first; the new one works and is stored encrypted."""
    before = _refreshes(sandbox)
    token = rotating.copbot.tokens.bot_token_for(workspace.team_id)

    assert _refreshes(sandbox) == before + 1
    assert token.startswith("xoxe.xoxb-")
    assert sandbox.calls("oauth.v2.access")[-1].response["access_token"] == token
    with engine.connect() as connection:
        stored, refresh = connection.execute(
            select(INSTALLATIONS.c.bot_token, INSTALLATIONS.c.bot_refresh_token)
        ).one()
    fernet = Fernet(SECRET_KEY.encode())
    assert fernet.decrypt(stored.encode()).decode() == token
    assert fernet.decrypt(refresh.encode()).decode().startswith("xoxe-1-")


def test_requests_are_served_with_a_refreshed_token(rotating, sandbox, workspace, people):
    """Bolt refreshes the expiring token before answering, against copbot's Slack API URL."""
    before = _refreshes(sandbox)
    answer = rotating.driver.command(workspace, people.alice, text="help")

    assert "show this help" in answer.json["text"]
    assert _refreshes(sandbox) > before
    latest = sandbox.calls("oauth.v2.access")[-1].response["access_token"]
    assert sandbox.calls("users.info")[-1].token == latest
