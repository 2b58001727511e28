import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response.data


def test_users_info_has_slacks_shape(client, acme):
    """users.info returns the seeded profile, time zone and roles; locale only with include_locale."""
    user = client.users_info(user=acme.alice)["user"]
    assert (user["id"], user["team_id"], user["name"], user["real_name"]) == (
        acme.alice,
        "T0ACME0001",
        "alice",
        "Alice Martin",
    )
    assert (user["tz"], user["tz_offset"] in (3600, 7200), user["is_admin"], user["is_bot"]) == (
        "Europe/Paris",
        True,
        False,
        False,
    )
    assert user["profile"]["email"] == "alice@acme.test"
    assert "locale" not in user
    assert client.users_info(user=acme.alice, include_locale=True)["user"]["locale"] == "fr-FR"


def test_unknown_user_is_user_not_found(client):
    """An id nobody has gives user_not_found."""
    assert _error(lambda: client.users_info(user="U0NOBODY1"))["error"] == "user_not_found"


def test_lookup_by_email(client, acme):
    """users.lookupByEmail finds a user by address, case-insensitively, else users_not_found."""
    assert client.users_lookupByEmail(email="Bob@Acme.test")["user"]["id"] == acme.bob
    assert _error(lambda: client.users_lookupByEmail(email="nobody@acme.test"))["error"] == "users_not_found"


def test_users_list_includes_the_bot_and_pages(client, acme):
    """users.list lists everyone including the bot user, and pages when given a limit."""
    everyone = [u["id"] for u in client.users_list()["members"]]
    assert everyone == [acme.ws.bot_user_id, acme.alice, acme.bob]
    pages = [[u["id"] for u in page["members"]] for page in client.users_list(limit=2)]
    assert pages == [[acme.ws.bot_user_id, acme.alice], [acme.bob]]


def test_workspaces_cannot_see_each_other(sandbox, acme):
    """With workspace B's token, A's users and channels do not exist, and B's own calls are logged under B."""
    beta = sandbox.add_workspace(team_id="T0BETA0001", name="Beta", domain="beta")
    beta_client = WebClient(token=beta.bot_token, base_url=sandbox.api_url)
    assert _error(lambda: beta_client.users_info(user=acme.alice))["error"] == "user_not_found"
    assert (
        _error(lambda: beta_client.conversations_info(channel=acme.general))["error"] == "channel_not_found"
    )
    assert (
        _error(lambda: beta_client.chat_postMessage(channel=acme.general, text="x"))["error"]
        == "channel_not_found"
    )
    assert (
        _error(lambda: beta_client.chat_postMessage(channel=acme.alice, text="x"))["error"]
        == "channel_not_found"
    )
    assert beta.bot_token != acme.ws.bot_token
    assert acme.ws.messages(acme.general) == []
    assert {c.team_id for c in sandbox.calls()} == {"T0BETA0001"}
