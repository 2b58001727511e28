import time
import urllib.error
import urllib.request

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator


def _error(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


def test_injected_429_carries_retry_after(sandbox, client, acme):
    """A 429 fault answers HTTP 429, Retry-After and Slack's ratelimited body, then the next call succeeds."""
    sandbox.inject_fault("chat.postMessage", status=429, retry_after=1)
    error = _error(lambda: client.chat_postMessage(channel=acme.general, text="x"))
    assert (error.response.status_code, error.response.headers["Retry-After"]) == (429, "1")
    assert error.response.data == {"ok": False, "error": "ratelimited"}
    assert client.chat_postMessage(channel=acme.general, text="x")["ok"] is True
    assert [c.status for c in sandbox.calls("chat.postMessage")] == [429, 200]


def test_rate_limit_retry_handler_waits_and_succeeds(sandbox, client, acme):
    """slack_sdk's RateLimitErrorRetryHandler honours Retry-After: 1 and the retried call goes through."""
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    sandbox.inject_fault("chat.postMessage", retry_after=1)
    started = time.monotonic()
    assert client.chat_postMessage(channel=acme.general, text="eventually")["ok"] is True
    assert time.monotonic() - started >= 1
    assert [c.status for c in sandbox.calls("chat.postMessage")] == [429, 200]
    assert [m["text"] for m in acme.ws.messages(acme.general)] == ["eventually"]


def test_server_errors_then_success_with_server_error_retry_handler(sandbox, client, acme):
    """Two 500s are retried by ServerErrorRetryHandler and the third attempt succeeds."""
    client.retry_handlers.append(
        ServerErrorRetryHandler(
            max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.05)
        )
    )
    sandbox.inject_fault("users.info", status=500, times=2)
    assert client.users_info(user=acme.alice)["user"]["id"] == acme.alice
    assert [c.status for c in sandbox.calls("users.info")] == [500, 500, 200]


def test_server_error_is_an_html_page(sandbox, acme):
    """A 503 fault answers with an HTML error page, as Slack's edge does, not JSON."""
    sandbox.inject_fault("auth.test", status=503)
    request = urllib.request.Request(
        f"{sandbox.api_url}auth.test", data=b"", headers={"Authorization": f"Bearer {acme.ws.bot_token}"}
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)
    assert raised.value.code == 503
    assert raised.value.headers["Content-Type"] == "text/html"
    assert raised.value.read().startswith(b"<html>")
    assert sandbox.calls("auth.test")[0].response == {"ok": False, "error": "service_unavailable"}


def test_delay_fault_answers_late_but_normally(sandbox, client):
    """A delay fault holds the answer for the given time and then answers as usual."""
    sandbox.inject_fault("auth.test", delay=0.3)
    started = time.monotonic()
    assert client.auth_test()["ok"] is True
    assert time.monotonic() - started >= 0.3


def test_an_answer_the_client_stopped_waiting_for_is_dropped_quietly(sandbox, acme, capsys):
    """A client gone before a delayed answer: the answer is lost, the call logged, no traceback printed."""
    sandbox.inject_fault("auth.test", delay=0.5)
    request = urllib.request.Request(
        f"{sandbox.api_url}auth.test", data=b"", headers={"Authorization": f"Bearer {acme.ws.bot_token}"}
    )
    with pytest.raises(TimeoutError):
        urllib.request.urlopen(request, timeout=0.1)
    deadline = time.monotonic() + 5
    while not sandbox.calls("auth.test") and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # the logged call's answer has been written to the closed connection
    assert [call.status for call in sandbox.calls("auth.test")] == [200]
    assert "Traceback" not in capsys.readouterr().err


def test_error_fault_is_ok_false_with_http_200(sandbox, client, acme):
    """An error fault answers HTTP 200 with ok:false and the given error, once."""
    sandbox.inject_fault("conversations.info", error="fatal_error")
    error = _error(lambda: client.conversations_info(channel=acme.general))
    assert (error.response.status_code, error.response["error"]) == (200, "fatal_error")
    assert client.conversations_info(channel=acme.general)["ok"] is True


def test_rate_limits_are_off_by_default(client, acme):
    """Without enable_rate_limits, rapid posts to one channel all succeed."""
    for n in range(10):
        client.chat_postMessage(channel=acme.general, text=str(n))
    assert len(acme.ws.messages(acme.general)) == 10


def test_post_message_is_paced_per_channel(sandbox, client, acme):
    """With limits on, a channel takes a short burst, then 429 + Retry-After: 1; other channels go on."""
    sandbox.enable_rate_limits()
    for n in range(3):
        client.chat_postMessage(channel=acme.general, text=str(n))
    error = _error(lambda: client.chat_postMessage(channel=acme.general, text="too fast"))
    assert (error.response.status_code, error.response.headers["Retry-After"]) == (429, "1")
    assert client.chat_postMessage(channel=acme.team, text="elsewhere")["ok"] is True
    time.sleep(1.05)
    assert client.chat_postMessage(channel=acme.general, text="later")["ok"] is True


def test_per_method_budgets_can_be_overridden(sandbox, client, acme):
    """per_minute sets a method's budget per workspace; past it, calls get 429."""
    sandbox.enable_rate_limits(per_minute={"users.info": 2})
    client.users_info(user=acme.alice)
    client.users_info(user=acme.bob)
    error = _error(lambda: client.users_info(user=acme.alice))
    assert error.response.status_code == 429
    assert int(error.response.headers["Retry-After"]) >= 1


def test_rate_limit_every_third_call(sandbox, client, acme):
    """Every third call mode: calls 3, 6, 9… get 429 and the Retry-After asked for, whatever the method."""
    sandbox.rate_limit_every(3, retry_after=2)
    answers = []
    for method in ("auth.test", "users.info", "auth.test", "auth.test", "users.info", "auth.test"):
        try:
            client.api_call(method, params={"user": acme.alice} if method == "users.info" else None)
            answers.append((200, None))
        except SlackApiError as error:
            answers.append((error.response.status_code, error.response.headers["Retry-After"]))
    assert answers == [(200, None), (200, None), (429, "2"), (200, None), (200, None), (429, "2")]
    sandbox.rate_limit_every(None)
    assert all(client.auth_test()["ok"] for _ in range(4))
