import json
import threading
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response.data


def test_missing_token_is_not_authed(sandbox, acme):
    """A call without any token is refused with not_authed."""
    anonymous = WebClient(base_url=sandbox.api_url)
    assert _error(lambda: anonymous.chat_postMessage(channel=acme.general, text="hi")) == {
        "ok": False,
        "error": "not_authed",
    }


def test_unknown_token_is_invalid_auth(sandbox, acme):
    """A token the sandbox never issued gives invalid_auth, and the call is logged without a team."""
    stranger = WebClient(token="xoxb-not-a-real-token", base_url=sandbox.api_url)
    assert _error(stranger.auth_test)["error"] == "invalid_auth"
    (call,) = sandbox.calls("auth.test")
    assert (call.token, call.team_id, call.status) == ("xoxb-not-a-real-token", None, 200)


def test_auth_test_names_the_bot_and_its_scopes(client, acme):
    """auth.test answers with the workspace's bot identity and lists the granted scopes in x-oauth-scopes."""
    response = client.auth_test()
    assert response.data == {
        "ok": True,
        "url": "https://acme.slack.com/",
        "team": "Acme",
        "user": "copbot",
        "team_id": "T0ACME0001",
        "user_id": acme.ws.bot_user_id,
        "bot_id": acme.ws.bot_id,
        "is_enterprise_install": False,
    }
    assert "chat:write" in response.headers["x-oauth-scopes"].split(",")


def test_unknown_method_is_reported(client):
    """A method the sandbox does not know is answered with unknown_method."""
    assert _error(lambda: client.api_call("chat.scheduleTelepathy"))["error"] == "unknown_method"


def test_missing_argument_is_invalid_arguments_with_a_message(client):
    """A missing argument with no method-specific error gives invalid_arguments naming the field."""
    data = _error(lambda: client.api_call("views.publish", json={"view": {"type": "home", "blocks": []}}))
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == ["[ERROR] missing required field: user_id"]


def test_call_log_keeps_normalised_arguments(sandbox, client, acme):
    """Form arguments are logged as Slack reads them ("1" as True, comma lists as lists), with the answer."""
    client.conversations_open(users=[acme.bob, acme.alice], return_im=True)
    (call,) = sandbox.calls("conversations.open")
    assert call.args == {"users": [acme.bob, acme.alice], "return_im": True}
    assert (call.token, call.team_id, call.status) == (acme.ws.bot_token, "T0ACME0001", 200)
    assert call.response["ok"] is True
    assert call.response["channel"]["is_mpim"] is True
    assert call.at > 0


def test_json_bodies_and_query_strings_are_both_read(sandbox, acme):
    """Arguments may come as a JSON body or in the query string, as Slack accepts both."""
    request = urllib.request.Request(
        f"{sandbox.api_url}chat.postMessage?unfurl_links=0",
        data=json.dumps({"channel": acme.general, "text": "raw"}).encode(),
        headers={"Authorization": f"Bearer {acme.ws.bot_token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert json.loads(answer.read())["ok"] is True
    assert sandbox.calls("chat.postMessage")[0].args == {
        "channel": acme.general,
        "text": "raw",
        "unfurl_links": False,
    }


def test_calls_filter_by_team_and_reset(sandbox, client, acme):
    """calls() filters by method and team, and reset_calls() empties the log."""
    other = sandbox.add_workspace(team_id="T0OTHER001", name="Other")
    WebClient(token=other.bot_token, base_url=sandbox.api_url).auth_test()
    client.auth_test()
    assert [c.team_id for c in sandbox.calls("auth.test")] == ["T0OTHER001", "T0ACME0001"]
    assert [c.team_id for c in sandbox.calls(team_id="T0ACME0001")] == ["T0ACME0001"]
    sandbox.reset_calls()
    assert sandbox.calls() == []


def test_wait_for_calls_returns_once_the_calls_arrive(sandbox, client, acme):
    """wait_for_calls blocks until a call made on another thread is answered."""
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel=acme.general, text="later"))
    timer.start()
    (call,) = sandbox.wait_for_calls("chat.postMessage", timeout=3)
    timer.join()
    assert call.args["text"] == "later"


def test_wait_for_calls_fails_with_what_it_saw(sandbox, client):
    """wait_for_calls raises AssertionError listing the calls it did see when the count is not reached."""
    client.auth_test()
    with pytest.raises(
        AssertionError, match=r"expected 1 chat.postMessage call\(s\) within 0.2s, saw 0.*auth.test"
    ):
        sandbox.wait_for_calls("chat.postMessage", timeout=0.2)
