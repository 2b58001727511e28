"""Fixtures for the sandbox's tests: a running sandbox, a seeded workspace, a WebClient, an echo app."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from copbot.sandbox import SlackSandbox, Workspace
from copbot.sandbox.scopes import EVERY_SCOPE

SIGNING_SECRET = "sandbox-test-signing-secret"


@dataclass
class Acme:
    """Two people; a public channel without the bot; private channels without (secret) and with (team) it."""

    ws: Workspace
    alice: str
    bob: str
    general: str
    secret: str
    team: str


@pytest.fixture
def sandbox() -> Iterator[SlackSandbox]:
    """The sandbox's own tests use every method it answers, so the install grants every scope it knows."""
    with SlackSandbox(scopes=EVERY_SCOPE) as running:
        yield running


@pytest.fixture
def acme(sandbox) -> Acme:
    ws = sandbox.add_workspace(team_id="T0ACME0001", name="Acme", domain="acme")
    alice = ws.add_user(
        "alice", real_name="Alice Martin", tz="Europe/Paris", locale="fr-FR", email="alice@acme.test"
    )
    bob = ws.add_user("bob", email="bob@acme.test")
    return Acme(
        ws=ws,
        alice=alice,
        bob=bob,
        general=ws.add_channel("general", members=[alice, bob]),
        secret=ws.add_channel("secret", is_private=True, members=[alice]),
        team=ws.add_channel("team", is_private=True, members=[alice, bob], bot_is_member=True),
    )


@pytest.fixture
def client(sandbox, acme) -> WebClient:
    return WebClient(token=acme.ws.bot_token, base_url=sandbox.api_url)


@dataclass
class Received:
    headers: dict[str, str]
    body: str
    signature_valid: bool


@dataclass
class EchoApp:
    """A stand-in app: checks each request's signature, records it, answers the next reply or an echo."""

    url: str
    signing_secret: str = SIGNING_SECRET
    received: list[Received] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)


def _echo_handler(app: EchoApp) -> type[BaseHTTPRequestHandler]:
    verifier = SignatureVerifier(SIGNING_SECRET)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            headers = {name.lower(): value for name, value in self.headers.items()}
            valid = verifier.is_valid_request(body, headers)
            app.received.append(Received(headers, body, valid))
            answer = app.replies.pop(0) if app.replies and valid else json.dumps({"signature_valid": valid})
            self.send_response(200 if valid else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer.encode())))
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def echo_app() -> Iterator[EchoApp]:
    app = EchoApp(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _echo_handler(app))
    app.url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield app
    server.shutdown()
    server.server_close()
    thread.join()
