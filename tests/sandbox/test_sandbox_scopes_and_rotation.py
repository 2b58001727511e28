"""Scopes are enforced as Slack does, and token rotation and uninstalls behave like Slack's."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from copbot.sandbox import SlackSandbox
from copbot.slack.ids import BOT_SCOPES


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response.data


@pytest.fixture
def narrow():
    """A sandbox whose install grants only chat:write and users:read."""
    with SlackSandbox(scopes=("chat:write", "users:read")) as running:
        ws = running.add_workspace(team_id="T0NARROW1", name="Narrow")
        yield running, ws, WebClient(token=ws.bot_token, base_url=running.api_url)


def test_a_method_outside_the_granted_scopes_is_missing_scope(narrow):
    """pins.add without pins:write is refused with Slack's missing_scope, needed and provided."""
    _, ws, client = narrow
    channel = ws.add_channel("general", bot_is_member=True)
    posted = client.chat_postMessage(channel=channel, text="hello")

    refusal = _error(lambda: client.pins_add(channel=channel, timestamp=posted["ts"]))

    assert refusal == {
        "ok": False,
        "error": "missing_scope",
        "needed": "pins:write",
        "provided": "chat:write,users:read",
    }
    assert ws.pins(channel) == []


def test_conversation_methods_need_the_scope_of_the_conversation_kind(narrow):
    """conversations.info on a private channel needs groups:read, conversations.invite groups:write."""
    _, ws, client = narrow
    someone = ws.add_user("alice")
    private = ws.add_channel("secret", is_private=True, bot_is_member=True)

    assert _error(lambda: client.conversations_info(channel=private))["needed"] == "groups:read"
    assert (
        _error(lambda: client.conversations_invite(channel=private, users=someone))["needed"]
        == "groups:write"
    )
    assert _error(lambda: client.conversations_open(users=someone))["needed"] == "im:write"
    assert _error(lambda: client.conversations_history(channel=private))["needed"] == "groups:history"


def test_posting_where_the_bot_is_not_needs_chat_write_public(narrow):
    """Without chat:write.public a public channel the bot has not joined answers not_in_channel."""
    _, ws, client = narrow
    outside = ws.add_channel("general")

    assert _error(lambda: client.chat_postMessage(channel=outside, text="hi"))["error"] == "not_in_channel"
    assert ws.messages(outside) == []


def test_the_default_grant_is_copbots_manifest(sandbox_default):
    """By default a workspace grants exactly the bot scopes copbot's manifest asks for."""
    sandbox, ws = sandbox_default
    answer = WebClient(token=ws.bot_token, base_url=sandbox.api_url).auth_test()
    assert answer.headers["x-oauth-scopes"].split(",") == list(BOT_SCOPES)


@pytest.fixture
def sandbox_default():
    with SlackSandbox() as running:
        yield running, running.add_workspace(team_id="T0PLAIN01", name="Plain")


def test_rotation_gives_expiring_tokens_and_refreshes_them(sandbox, acme):
    """With rotation on, an install gives an expiring token and a refresh token, which gives a new one."""
    sandbox.enable_token_rotation(lifetime_seconds=600)
    anonymous = WebClient(base_url=sandbox.api_url)
    code = sandbox.install_oauth("111.222", "client-secret", acme.ws)
    install = anonymous.oauth_v2_access(client_id="111.222", client_secret="client-secret", code=code)
    assert install["access_token"].startswith("xoxe.xoxb-")
    assert (install["expires_in"], install["refresh_token"].startswith("xoxe-1-")) == (600, True)

    refreshed = anonymous.oauth_v2_access(
        client_id="111.222",
        client_secret="client-secret",
        grant_type="refresh_token",
        refresh_token=install["refresh_token"],
    )
    assert refreshed["access_token"] != install["access_token"]
    for token in (install["access_token"], refreshed["access_token"]):
        assert WebClient(token=token, base_url=sandbox.api_url).auth_test()["team_id"] == acme.ws.team_id


def test_an_uninstall_revokes_every_token(sandbox, acme):
    """After an uninstall the bot token answers token_revoked and the refresh token is invalid."""
    sandbox.enable_token_rotation(lifetime_seconds=600)
    anonymous = WebClient(base_url=sandbox.api_url)
    code = sandbox.install_oauth("111.222", "client-secret", acme.ws)
    install = anonymous.oauth_v2_access(client_id="111.222", client_secret="client-secret", code=code)

    sandbox.uninstall(acme.ws)

    client = WebClient(token=install["access_token"], base_url=sandbox.api_url)
    assert _error(client.auth_test)["error"] == "token_revoked"
    refresh = _error(
        lambda: anonymous.oauth_v2_access(
            client_id="111.222",
            client_secret="client-secret",
            grant_type="refresh_token",
            refresh_token=install["refresh_token"],
        )
    )
    assert refresh["error"] == "invalid_refresh_token"
