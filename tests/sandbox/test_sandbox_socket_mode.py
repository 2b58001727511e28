"""The sandbox's Socket Mode: apps.connections.open, the WebSocket server, and the envelope driver."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BufferedReader
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from copbot.sandbox import SocketModeDriver
from copbot.sandbox.websocket import (
    ABNORMAL,
    CLOSE,
    CONTINUATION,
    GOING_AWAY,
    PING,
    PONG,
    TEXT,
    accept_key,
    encode_frame,
    read_frame,
)

URL_SHAPE = re.compile(r"ws://127\.0\.0\.1:\d+/link/\?ticket=[0-9a-f-]{36}&app_id=A0SANDBOX1")


def _open_url(sandbox, token: str) -> str:
    return WebClient(base_url=sandbox.api_url).apps_connections_open(app_token=token)["url"]


# --- apps.connections.open ---------------------------------------------------------------------------


def test_connections_open_gives_a_loopback_websocket_url(sandbox, acme):
    """The workspace's app-level token gets a single-use ws:// URL on loopback, logged under its team."""
    response = WebClient(base_url=sandbox.api_url).apps_connections_open(app_token=acme.ws.app_token)
    assert URL_SHAPE.fullmatch(response["url"]), response["url"]
    assert response.headers["x-oauth-scopes"] == "connections:write"
    (call,) = sandbox.calls("apps.connections.open")
    assert (call.token, call.team_id, call.response["ok"]) == (acme.ws.app_token, "T0ACME0001", True)


@pytest.mark.parametrize(
    ("token", "error"),
    [
        (None, "not_authed"),
        ("xapp-1-A0SANDBOX1-never-issued", "invalid_auth"),
        ("bot", "not_allowed_token_type"),
    ],
)
def test_connections_open_wants_the_app_token(sandbox, acme, token, error):
    """No token, an unknown one, or the bot token instead of the app-level token is refused."""
    token = acme.ws.bot_token if token == "bot" else token
    client = WebClient(base_url=sandbox.api_url)
    with pytest.raises(SlackApiError) as raised:
        client.api_call("apps.connections.open", params={"token": token} if token else {})
    assert raised.value.response.data == {"ok": False, "error": error}


def test_app_token_cannot_call_bot_methods(sandbox, acme):
    """An app-level token is only good for apps.connections.open: auth.test refuses its type."""
    with pytest.raises(SlackApiError) as raised:
        WebClient(token=acme.ws.app_token, base_url=sandbox.api_url).auth_test()
    assert raised.value.response["error"] == "not_allowed_token_type"


# --- the WebSocket, spoken by hand ---------------------------------------------------------------------


@dataclass
class RawSocket:
    """A hand-written WebSocket client, to check the wire protocol byte by byte."""

    sock: socket.socket
    status: int
    headers: dict[str, str]
    stream: BufferedReader = field(init=False)

    def __post_init__(self) -> None:
        self.stream = self.sock.makefile("rb")

    def send(self, opcode: int, payload: bytes, *, masked: bool = True, fin: bool = True) -> None:
        self.sock.sendall(encode_frame(opcode, payload, mask=os.urandom(4) if masked else None, fin=fin))

    def recv(self):
        return read_frame(self.stream, masked=False)

    def close(self) -> None:
        self.stream.close()  # the file object holds the socket open too
        self.sock.close()


def _handshake(url: str, *, key: str | None = None, version: str = "13") -> RawSocket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    key = key or base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.hostname}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n\r\n"
    )
    sock.sendall(request.encode())
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        assert byte, f"the server hung up during the handshake: {head!r}"
        head += byte
    status_line, *lines = head.decode().strip().split("\r\n")
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    return RawSocket(sock, int(status_line.split()[1]), headers)


def _refused(url: str, **handshake: str) -> tuple[int, dict[str, str]]:
    answer = _handshake(url, **handshake)
    answer.close()
    return answer.status, answer.headers


@pytest.fixture
def raw(sandbox, acme) -> Iterator[RawSocket]:
    """A connection opened by hand with RFC 6455's sample key; the server's hello is the first frame."""
    opened = _handshake(_open_url(sandbox, acme.ws.app_token), key="dGhlIHNhbXBsZSBub25jZQ==")
    assert opened.status == 101
    yield opened
    opened.close()


def test_accept_key_is_rfc_6455s_example():
    """The Sec-WebSocket-Accept of RFC 6455's sample nonce is the RFC's answer."""
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_handshake_switches_protocols_then_says_hello(sandbox, acme, raw):
    """A valid upgrade gets 101 with the accept key, then an unmasked hello naming the app."""
    assert raw.headers["upgrade"] == "websocket"
    assert raw.headers["connection"] == "Upgrade"
    assert raw.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    hello = raw.recv()
    assert (hello.fin, hello.opcode) == (True, TEXT)
    assert json.loads(hello.payload) == {
        "type": "hello",
        "num_connections": 1,
        "debug_info": {"host": "sandbox-applink", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": "A0SANDBOX1"},
    }
    connection = sandbox.wait_for_socket_connection(acme.ws)
    assert (connection.team_id, connection.is_open) == ("T0ACME0001", True)


def test_bad_handshakes_are_refused(sandbox, acme):
    """A reused or unknown ticket is 401, a wrong path 404, a plain GET or bad key 400, version 8 is 426."""
    url = _open_url(sandbox, acme.ws.app_token)
    kept = _handshake(url)
    assert kept.status == 101
    assert _refused(url)[0] == 401  # each URL opens one connection
    socket_base = url.split("/link/")[0]
    assert _refused(socket_base + "/link/?ticket=nope")[0] == 401
    assert _refused(socket_base + "/other/?ticket=x")[0] == 404
    fresh = _open_url(sandbox, acme.ws.app_token)
    with pytest.raises(urllib.error.HTTPError) as plain:
        urllib.request.urlopen(fresh.replace("ws://", "http://"), timeout=5)
    assert plain.value.code == 400
    plain.value.close()
    assert _refused(fresh, key="c2hvcnQ=")[0] == 400  # not a 16-byte nonce
    status, headers = _refused(fresh, version="8")
    assert (status, headers["sec-websocket-version"]) == (426, "13")
    assert len(sandbox.socket_connections(acme.ws)) == 1
    kept.close()


def _wait_until(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)
    return result


def test_masked_fragments_and_long_frames_are_read_and_sent(sandbox, acme, raw):
    """Fragments with a ping between them and 16- and 64-bit lengths are read; long frames go out too."""
    raw.recv()  # hello
    connection = sandbox.wait_for_socket_connection(acme.ws)
    raw.send(TEXT, b'{"envelope_id": "e1", ', fin=False)
    raw.send(PING, b"between")
    raw.send(CONTINUATION, b'"payload": {"n": 1}}')
    pong = raw.recv()
    assert (pong.opcode, pong.payload) == (PONG, b"between")
    raw.send(TEXT, json.dumps({"envelope_id": "e2", "payload": {"text": "m" * 300}}).encode())
    raw.send(TEXT, json.dumps({"envelope_id": "e3", "payload": {"text": "b" * 70_000}}).encode())
    received = _wait_until(lambda: len(connection.received()) == 3 and connection.received())
    assert [(m["envelope_id"], len(json.dumps(m["payload"]))) for m in received] == [
        ("e1", 8),
        ("e2", 312),
        ("e3", 70_012),
    ]
    connection.send({"type": "big", "text": "s" * 70_000})
    frame = raw.recv()
    assert (frame.opcode, frame.fin, len(frame.payload)) == (TEXT, True, 70_027)


def test_unmasked_client_frame_closes_with_protocol_error(sandbox, acme, raw):
    """A client frame without a mask breaks RFC 6455: the server closes with 1002 and hangs up."""
    raw.recv()  # hello
    connection = sandbox.wait_for_socket_connection(acme.ws)
    raw.send(TEXT, b"{}", masked=False)
    close = raw.recv()
    assert (close.opcode, struct.unpack("!H", close.payload[:2])[0]) == (CLOSE, 1002)
    assert raw.recv() is None
    assert connection.wait_closed(2)
    assert connection.close_code == 1002


def test_close_handshake_started_by_the_client(sandbox, acme, raw):
    """A client close frame is echoed with its code, then the server hangs up."""
    raw.recv()  # hello
    connection = sandbox.wait_for_socket_connection(acme.ws)
    raw.send(CLOSE, struct.pack("!H", 1000) + b"bye")
    echo = raw.recv()
    assert (echo.opcode, echo.payload) == (CLOSE, struct.pack("!H", 1000))
    assert raw.recv() is None
    assert connection.wait_closed(2)
    assert (connection.is_open, connection.close_code) == (False, 1000)
    with pytest.raises(ConnectionError):
        connection.send({"type": "too late"})


def test_close_handshake_started_by_the_server(sandbox, acme, raw):
    """The server's close frame carries code and reason; the client's answer completes the close."""
    raw.recv()  # hello
    connection = sandbox.wait_for_socket_connection(acme.ws)
    closing = threading.Thread(target=connection.close, args=(1001, "moving"), kwargs={"timeout": 5})
    closing.start()
    frame = raw.recv()
    assert (frame.opcode, frame.payload) == (CLOSE, struct.pack("!H", 1001) + b"moving")
    raw.send(CLOSE, frame.payload)
    closing.join(5)
    assert (closing.is_alive(), connection.close_code) == (False, 1001)
    assert raw.recv() is None


def test_closing_a_connection_the_app_dropped_is_quiet(sandbox, acme, raw):
    """Slack closing a connection whose app already reset it raises nothing; the connection ends closed."""
    raw.recv()  # hello
    connection = sandbox.wait_for_socket_connection(acme.ws)
    raw.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    raw.close()  # with no linger: a reset, not a close handshake
    connection.close(1001, "refresh", timeout=5)
    assert connection.wait_closed(2)
    assert not connection.is_open
    # 1001 if the close frame was tried before the reading thread saw the reset, 1006 (abnormal) if after
    assert connection.close_code in {GOING_AWAY, ABNORMAL}


# --- slack_sdk's own Socket Mode client against the sandbox --------------------------------------------


@dataclass
class SocketApp:
    """slack_sdk's builtin SocketModeClient: acks slash commands with a payload, the rest bare."""

    client: SocketModeClient
    requests: list[SocketModeRequest] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)


def _acknowledge(app: SocketApp, client: SocketModeClient, request: SocketModeRequest) -> None:
    app.requests.append(request)
    if request.payload.get("text") == "say nothing":
        return
    answer = {"echo": request.type} if request.type == "slash_commands" else None
    client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id, payload=answer))


@pytest.fixture
def socket_app(sandbox, acme) -> Iterator[SocketApp]:
    client = SocketModeClient(
        app_token=acme.ws.app_token, web_client=WebClient(base_url=sandbox.api_url), ping_interval=1
    )
    app = SocketApp(client)
    client.socket_mode_request_listeners.append(lambda c, request: _acknowledge(app, c, request))
    client.message_listeners.append(lambda _client, message, _raw: app.messages.append(message))
    client.connect()
    yield app
    client.default_auto_reconnect_enabled = client.auto_reconnect_enabled = False
    for connection in sandbox.socket_connections(acme.ws):
        connection.close()
    client.closed = True
    client.message_queue.put(None)  # wakes its message thread now rather than after a 1 s poll
    client.close()


def test_sdk_client_connects_is_greeted_and_pinged(sandbox, acme, socket_app):
    """slack_sdk's client connects, gets Slack's hello, answers our ping and has its own ping answered."""
    connection = sandbox.wait_for_socket_connection(acme.ws)
    hello = _wait_until(lambda: socket_app.messages)[0]
    assert hello == {
        "type": "hello",
        "num_connections": 1,
        "debug_info": {"host": "sandbox-applink", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": "A0SANDBOX1"},
    }
    assert connection.ping(b"are you there") is True
    assert _wait_until(lambda: socket_app.client.current_session.last_ping_pong_time) > 0


def test_envelopes_reach_the_app_and_its_acks_come_back(sandbox, acme, socket_app):
    """Commands and events arrive as Slack's envelopes; the driver returns each ack's payload."""
    driver = SocketModeDriver(sandbox)
    answer = driver.command(acme.ws, acme.alice, "stories testing", channel_id=acme.general)
    assert answer == {"echo": "slash_commands"}
    event = {"type": "app_home_opened", "user": acme.alice, "tab": "home"}
    assert driver.event(acme.ws, event, event_id="Ev1", retry_attempt=2, retry_reason="http_timeout") is None
    command, delivered = socket_app.requests
    assert (command.type, command.accepts_response_payload) == ("slash_commands", True)
    assert list(command.payload) == [
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name",
        "command", "text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id",
    ]  # fmt: skip
    assert (command.payload["text"], command.payload["channel_name"]) == ("stories testing", "general")
    assert (delivered.type, delivered.accepts_response_payload) == ("events_api", False)
    assert (delivered.retry_attempt, delivered.retry_reason) == (2, "http_timeout")
    assert (delivered.payload["type"], delivered.payload["event_id"]) == ("event_callback", "Ev1")
    assert delivered.payload["event"]["user"] == acme.alice
    acks = [m for m in sandbox.wait_for_socket_connection(acme.ws).received() if "envelope_id" in m]
    assert acks == [
        {"envelope_id": command.envelope_id, "payload": {"echo": "slash_commands"}},
        {"envelope_id": delivered.envelope_id},
    ]


def test_interactive_envelopes_and_modal_submission(sandbox, acme, client, socket_app):
    """Clicks and submissions arrive as interactive envelopes; a bare ack to a submission closes the modal."""
    driver = SocketModeDriver(sandbox)
    button = {"type": "button", "action_id": "join", "text": {"type": "plain_text", "text": "Join"}}
    posted = client.chat_postMessage(
        channel=acme.general,
        text="Join?",
        blocks=[{"type": "actions", "elements": [{**button, "value": "c1"}]}],
    )
    assert (
        driver.action(acme.ws, acme.bob, "join", message={**posted["message"], "channel": acme.general})
        is None
    )
    modal = {
        "type": "modal",
        "callback_id": "share",
        "title": {"type": "plain_text", "text": "Share"},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [],
    }
    view = client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=modal)["view"]
    assert driver.submit(acme.ws, acme.alice, view, {}) is None
    click, submission = socket_app.requests
    assert (click.type, click.accepts_response_payload, click.payload["type"]) == (
        "interactive",
        False,
        "block_actions",
    )
    assert (click.payload["actions"][0]["action_id"], click.payload["actions"][0]["value"]) == ("join", "c1")
    assert (submission.accepts_response_payload, submission.payload["type"]) == (True, "view_submission")
    assert submission.payload["view"]["id"] == view["id"]
    assert acme.ws.state.stacks[acme.alice] == []  # Slack closed the modal


def test_missing_ack_or_connection_times_out(sandbox, acme, socket_app):
    """An envelope the app never acknowledges, or a workspace with no connection, raises TimeoutError."""
    quick = SocketModeDriver(sandbox, timeout=0.3)
    with pytest.raises(TimeoutError, match="did not acknowledge"):
        quick.command(acme.ws, acme.alice, "say nothing")
    other = sandbox.add_workspace(team_id="T0OTHER01")
    with pytest.raises(TimeoutError, match="no open Socket Mode connection from T0OTHER01"):
        quick.command(other, other.add_user("eve"), "help")


def test_client_reconnects_after_the_server_closes(sandbox, acme, socket_app):
    """When Slack closes a connection the client asks for a new URL, reconnects, and is served there."""
    first = sandbox.wait_for_socket_connection(acme.ws)
    first.close(1001, "refresh")
    second = sandbox.wait_for_socket_connection(acme.ws, timeout=5, count=2)
    assert second is not first
    assert (first.is_open, first.close_code, second.is_open) == (False, 1001, True)
    assert len(sandbox.calls("apps.connections.open")) == 2
    assert SocketModeDriver(sandbox).command(acme.ws, acme.alice, "again") == {"echo": "slash_commands"}
    assert [m["type"] for m in socket_app.messages if m.get("type") == "hello"] == ["hello", "hello"]


def test_disconnect_message_moves_the_client_to_a_new_connection(sandbox, acme, socket_app):
    """Slack's `disconnect` message makes the client ask for a new URL and open a new connection."""
    first = sandbox.wait_for_socket_connection(acme.ws)
    first.send_disconnect("refresh_requested")
    second = sandbox.wait_for_socket_connection(acme.ws, timeout=5, count=2)
    assert (second is first, second.is_open) == (False, True)
    assert len(sandbox.calls("apps.connections.open")) == 2


def test_stop_closes_connections_going_away(sandbox, acme, socket_app):
    """sandbox.stop() closes every connection with 1001 and returns promptly."""
    connection = sandbox.wait_for_socket_connection(acme.ws)
    socket_app.client.default_auto_reconnect_enabled = socket_app.client.auto_reconnect_enabled = False
    started = time.monotonic()
    sandbox.stop()
    assert time.monotonic() - started < 2
    assert (connection.is_open, connection.close_code) == (False, 1001)
