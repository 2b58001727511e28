import json
import time
from urllib.parse import parse_qsl

import pytest
from slack_sdk.webhook import WebhookClient

from copbot.sandbox import SlackDriver


@pytest.fixture
def driver(sandbox, echo_app) -> SlackDriver:
    return SlackDriver(sandbox, app_url=echo_app.url, signing_secret=echo_app.signing_secret)


def _payload(received) -> dict:
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    (field, value), *rest = parse_qsl(received.body)
    assert (field, rest) == ("payload", [])
    return json.loads(value)


def _modal_with_select() -> dict:
    options = [{"text": {"type": "plain_text", "text": t}, "value": t.lower()} for t in ("Low", "High")]
    element = {"type": "static_select", "action_id": "level_a", "options": options}
    return {
        "type": "modal",
        "callback_id": "rate",
        "title": {"type": "plain_text", "text": "Rate"},
        "submit": {"type": "plain_text", "text": "Send"},
        "notify_on_close": True,
        "blocks": [
            {
                "type": "input",
                "block_id": "level_b",
                "label": {"type": "plain_text", "text": "L"},
                "element": element,
            }
        ],
    }


def test_command_is_slacks_signed_form(driver, echo_app, client, acme):
    """A slash command arrives as Slack's signed form, with a usable trigger_id and response_url."""
    response = driver.command(acme.ws, acme.alice, "stories testing", channel_id=acme.general)
    assert (response.status, response.ok, response.json) == (200, True, {"signature_valid": True})
    (received,) = echo_app.received
    assert received.signature_valid is True
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    fields = dict(parse_qsl(received.body, keep_blank_values=True))
    assert list(fields) == [
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
        "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id",
    ]  # fmt: skip
    assert (fields["command"], fields["text"], fields["channel_name"], fields["user_name"]) == (
        "/cop",
        "stories testing",
        "general",
        "alice",
    )
    assert (fields["team_id"], fields["api_app_id"], fields["is_enterprise_install"]) == (
        "T0ACME0001",
        acme.ws.app_id,
        "false",
    )
    assert client.views_open(trigger_id=fields["trigger_id"], view=_modal_with_select())["ok"] is True
    WebhookClient(fields["response_url"]).send(text="done")
    assert acme.ws.responses(acme.alice) == [{"text": "done", "user_id": acme.alice}]


def test_command_without_channel_comes_from_the_dm(driver, echo_app, acme):
    """Without a channel the command is typed in the user's DM with the bot (channel_name directmessage)."""
    driver.command(acme.ws, acme.bob)
    fields = dict(parse_qsl(echo_app.received[0].body, keep_blank_values=True))
    assert (fields["channel_id"], fields["channel_name"], fields["text"]) == (
        acme.ws.dm_channel(acme.bob),
        "directmessage",
        "",
    )


def test_button_click_in_a_message(sandbox, driver, echo_app, client, acme):
    """A message button click has container, channel, message, response_url and the button's fields."""
    button = {
        "type": "button",
        "action_id": "claim",
        "text": {"type": "plain_text", "text": "Claim"},
        "value": "42",
        "style": "primary",
    }
    blocks = [{"type": "actions", "block_id": "report_actions", "elements": [button]}]
    client.chat_postMessage(channel=acme.team, text="Report", blocks=blocks)
    message = acme.ws.messages(acme.team)[-1]
    driver.action(acme.ws, acme.bob, "claim", message=message)
    payload = _payload(echo_app.received[0])
    assert payload["type"] == "block_actions"
    assert payload["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": acme.team,
        "is_ephemeral": False,
    }
    assert payload["channel"] == {"id": acme.team, "name": "privategroup"}
    assert payload["message"]["ts"] == message["ts"]
    assert "channel" not in payload["message"]
    assert payload["response_url"].startswith(sandbox.url)
    assert payload["user"] == {"id": acme.bob, "username": "bob", "name": "bob", "team_id": "T0ACME0001"}
    (action,) = payload["actions"]
    assert {k: v for k, v in action.items() if k != "action_ts"} == {**button, "block_id": "report_actions"}


def test_action_in_a_modal_includes_the_view(driver, echo_app, client, acme):
    """An action inside a modal has a view container, the full view, and the element's type; no message."""
    view = client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal_with_select())["view"]
    high = {"text": {"type": "plain_text", "text": "High"}, "value": "high"}
    driver.action(acme.ws, acme.alice, "level_a", view=acme.ws.view(view["id"]), selected_option=high)
    payload = _payload(echo_app.received[0])
    assert payload["container"] == {"type": "view", "view_id": view["id"]}
    assert payload["view"] == view
    assert "message" not in payload
    assert "response_url" not in payload
    (action,) = payload["actions"]
    assert (action["type"], action["block_id"], action["selected_option"]) == (
        "static_select",
        "level_b",
        high,
    )


def test_action_on_an_ephemeral_message(driver, echo_app, client, acme):
    """A click in an ephemeral message has an ephemeral container and no message body."""
    client.chat_postEphemeral(channel=acme.team, user=acme.alice, text="Only you", blocks=[])
    ephemeral = acme.ws.ephemerals(user_id=acme.alice)[0]
    driver.action(acme.ws, acme.alice, "dismiss", message=ephemeral, value="x")
    payload = _payload(echo_app.received[0])
    assert payload["container"]["is_ephemeral"] is True
    assert payload["container"]["message_ts"] == ephemeral["message_ts"]
    assert "message" not in payload
    assert payload["actions"][0]["value"] == "x"


def test_submit_sends_the_values_and_applies_an_update(driver, echo_app, client, acme):
    """view_submission carries the held view with the given state; a response_action update is applied."""
    view = client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal_with_select())["view"]
    thanks = {"type": "modal", "title": {"type": "plain_text", "text": "Thanks"}, "blocks": []}
    echo_app.replies.append(json.dumps({"response_action": "update", "view": thanks}))
    values = {"level_b": {"level_a": {"type": "static_select", "selected_option": {"value": "high"}}}}
    response = driver.submit(acme.ws, acme.alice, view, values)
    assert response.json == {"response_action": "update", "view": thanks}
    payload = _payload(echo_app.received[0])
    assert (payload["type"], payload["view"]["id"], payload["response_urls"]) == (
        "view_submission",
        view["id"],
        [],
    )
    assert payload["view"]["state"] == {"values": values}
    assert payload["trigger_id"]
    assert acme.ws.views(acme.alice)[-1]["title"]["text"] == "Thanks"
    assert acme.ws.view(view["id"])["hash"] != view["hash"]


def test_submit_answered_with_push_stacks_a_view(driver, echo_app, client, acme):
    """A response_action push puts the app's new view on top of the submitted one."""
    view = client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal_with_select())["view"]
    step = {"type": "modal", "title": {"type": "plain_text", "text": "Step 2"}, "blocks": []}
    echo_app.replies.append(json.dumps({"response_action": "push", "view": step}))
    driver.submit(acme.ws, acme.alice, view, {})
    pushed = acme.ws.views(acme.alice)[-1]
    assert (pushed["title"]["text"], pushed["previous_view_id"], pushed["root_view_id"]) == (
        "Step 2",
        view["id"],
        view["id"],
    )


def test_close_sends_view_closed(driver, echo_app, client, acme):
    """Dismissing a modal sends view_closed with the view and is_cleared false."""
    view = client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal_with_select())["view"]
    driver.close(acme.ws, acme.alice, view)
    payload = _payload(echo_app.received[0])
    assert (payload["type"], payload["view"]["id"], payload["is_cleared"]) == (
        "view_closed",
        view["id"],
        False,
    )


def test_event_envelope_and_retry_headers(driver, echo_app, acme):
    """An event arrives as a signed JSON event_callback envelope; a redelivery adds Slack's retry headers."""
    event = {"type": "app_home_opened", "user": acme.alice, "channel": "D0HOME0001", "tab": "home"}
    driver.event(acme.ws, event, event_id="Ev0TEST0001")
    driver.event(acme.ws, event, event_id="Ev0TEST0001", retry_num=1)
    first, retry = echo_app.received
    assert first.headers["content-type"] == "application/json"
    assert first.signature_valid
    assert retry.signature_valid
    envelope = json.loads(first.body)
    assert (envelope["type"], envelope["team_id"], envelope["event_id"]) == (
        "event_callback",
        "T0ACME0001",
        "Ev0TEST0001",
    )
    assert envelope["authorizations"][0]["user_id"] == acme.ws.bot_user_id
    assert {k: v for k, v in envelope["event"].items() if k != "event_ts"} == event
    assert "x-slack-retry-num" not in first.headers
    assert (retry.headers["x-slack-retry-num"], retry.headers["x-slack-retry-reason"]) == (
        "1",
        "http_timeout",
    )


def test_unsigned_post_sends_no_signature_headers(driver, echo_app):
    """post(sign=False) omits both signature headers, and the app's 401 is returned, not raised."""
    response = driver.post(b'{"type": "url_verification", "challenge": "c"}', "application/json", sign=False)
    (received,) = echo_app.received
    assert "x-slack-signature" not in received.headers
    assert "x-slack-request-timestamp" not in received.headers
    assert (response.status, response.ok, response.json) == (401, False, {"signature_valid": False})


def test_forged_and_stale_signatures_fail_verification(driver, echo_app):
    """A forged signature and a ten-minute-old timestamp are both rejected by Slack's verifier."""
    ten_minutes_ago = int(time.time()) - 600
    forged = driver.post(b"{}", "application/json", signature="v0=" + "0" * 64)
    stale = driver.post(b"{}", "application/json", timestamp=ten_minutes_ago)
    assert (forged.status, stale.status) == (401, 401)
    assert echo_app.received[0].headers["x-slack-signature"] == "v0=" + "0" * 64
    assert echo_app.received[1].headers["x-slack-request-timestamp"] == str(ten_minutes_ago)
