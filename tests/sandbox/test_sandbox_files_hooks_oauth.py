import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response.data


def test_files_upload_v2_shares_the_file_in_the_channel(sandbox, client, acme):
    """files_upload_v2 runs its three steps against the sandbox and shares the file in the channel."""
    response = client.files_upload_v2(
        channel=acme.team,
        content="name,stories\nalice,3\n",
        filename="stats.csv",
        title="Stats",
        initial_comment="Q3",
    )
    assert [c.method for c in sandbox.calls()] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    assert sandbox.calls("files.getUploadURLExternal")[0].args == {"filename": "stats.csv", "length": 21}
    upload_url = sandbox.calls("files.getUploadURLExternal")[0].response["upload_url"]
    assert upload_url.startswith(sandbox.url)
    shared = response["file"]
    assert (shared["name"], shared["title"], shared["size"], shared["mimetype"]) == (
        "stats.csv",
        "Stats",
        21,
        "text/csv",
    )
    (message,) = acme.ws.messages(acme.team)
    assert (message["text"], [f["id"] for f in message["files"]]) == ("Q3", [shared["id"]])


def test_complete_upload_of_a_file_never_uploaded_is_file_not_found(client):
    """completeUploadExternal refuses file ids whose bytes never arrived."""
    started = client.files_getUploadURLExternal(filename="a.txt", length=3)
    data = _error(lambda: client.files_completeUploadExternal(files=[{"id": started["file_id"]}]))
    assert data["error"] == "file_not_found"


def test_upload_to_a_private_channel_the_bot_is_not_in_is_refused(client, acme):
    """Sharing a file where the bot may not post gives not_in_channel, like chat.postMessage."""
    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(channel=acme.secret, content="x", filename="x.txt")
    assert raised.value.response["error"] == "not_in_channel"


def test_sharing_a_file_to_a_user_id_is_refused_as_slack_does(client, acme):
    """completeUploadExternal takes a conversation id (C, G, D, Z…), not a user's: Slack refuses it."""
    error = _error(lambda: client.files_upload_v2(channel=acme.alice, content="x", filename="x.txt"))
    assert error["error"] == "invalid_arguments"


def test_response_url_posts_are_recorded_per_user(acme):
    """A response_url post lands in ws.responses with the user it was issued for; five uses at most."""
    url = acme.ws.response_url(acme.alice)
    webhook = WebhookClient(url)
    answer = webhook.send(text="Saved!", response_type="ephemeral")
    assert (answer.status_code, answer.body) == (200, "ok")
    assert acme.ws.responses(acme.alice) == [
        {"text": "Saved!", "response_type": "ephemeral", "user_id": acme.alice}
    ]
    assert acme.ws.responses(acme.bob) == []
    for _ in range(4):
        webhook.send(text="again")
    assert webhook.send(text="sixth").status_code == 404


def test_response_url_refuses_too_many_blocks(acme):
    """A response_url post with 51 blocks is refused with invalid_blocks and not recorded."""
    blocks = [{"type": "divider"}] * 51
    answer = WebhookClient(acme.ws.response_url(acme.alice, kind="actions")).send(text="x", blocks=blocks)
    assert (answer.status_code, answer.body) == (400, "invalid_blocks")
    assert acme.ws.responses() == []


def test_oauth_v2_access_exchanges_a_code_for_the_install(sandbox, acme):
    """oauth.v2.access with Basic client credentials gives the documented install response, once a code."""
    code = sandbox.install_oauth("111.222", "client-secret", acme.ws)
    anonymous = WebClient(base_url=sandbox.api_url)
    install = anonymous.oauth_v2_access(client_id="111.222", client_secret="client-secret", code=code).data
    assert install == {
        "ok": True,
        "access_token": acme.ws.bot_token,
        "token_type": "bot",
        "scope": install["scope"],
        "bot_user_id": acme.ws.bot_user_id,
        "app_id": acme.ws.app_id,
        "team": {"name": "Acme", "id": "T0ACME0001"},
        "enterprise": None,
        "authed_user": {"id": acme.alice},
        "is_enterprise_install": False,
    }
    assert "chat:write" in install["scope"].split(",")
    reused = _error(
        lambda: anonymous.oauth_v2_access(client_id="111.222", client_secret="client-secret", code=code)
    )
    assert reused["error"] == "invalid_code"


def test_oauth_v2_access_checks_client_credentials(sandbox, acme):
    """A wrong secret is bad_client_secret and an unknown client id is invalid_client_id."""
    code = sandbox.install_oauth("111.222", "client-secret", acme.ws, installer=acme.bob)
    anonymous = WebClient(base_url=sandbox.api_url)
    wrong = _error(lambda: anonymous.oauth_v2_access(client_id="111.222", client_secret="nope", code=code))
    assert wrong["error"] == "bad_client_secret"
    unknown = _error(
        lambda: anonymous.oauth_v2_access(client_id="999", client_secret="client-secret", code=code)
    )
    assert unknown["error"] == "invalid_client_id"
    granted = anonymous.oauth_v2_access(client_id="111.222", client_secret="client-secret", code=code)
    assert granted["authed_user"] == {"id": acme.bob}
