"""The sandbox: a loopback HTTP server answering like Slack's Web API, plus the controls tests use."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import secrets
import threading
from collections.abc import Sequence
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import urlsplit

from copbot.sandbox.api.misc import receive_upload
from copbot.sandbox.blockkit import check_message_blocks
from copbot.sandbox.calllog import ApiCall, CallLog
from copbot.sandbox.dispatch import WebApi
from copbot.sandbox.limits import Fault, Faults, RateLimiter
from copbot.sandbox.socket_mode import SocketConnection, SocketModeServer
from copbot.sandbox.state import Hub, OAuthGrant
from copbot.sandbox.world import Workspace
from copbot.slack.ids import BOT_SCOPES

logger = logging.getLogger(__name__)
HOOK_USES = 5  # Slack accepts five posts to one response_url


class SlackSandbox:
    """Slack's Web API on loopback: seed workspaces, point a WebClient at `api_url`, then assert on calls."""

    def __init__(self, *, app_id: str = "A0SANDBOX1", scopes: Sequence[str] = BOT_SCOPES) -> None:
        """`scopes`: what installing copbot grants in each workspace (by default, what its manifest asks)."""
        self._hub = Hub(app_id)
        self._hub.default_scopes = tuple(scopes)
        self._log = CallLog()
        self._faults = Faults()
        self._limiter = RateLimiter()
        self._api = WebApi(self._hub, self._log, self._faults, self._limiter)
        self._socket = SocketModeServer(self._hub)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        self._server = _Server(self)
        self._hub.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        self._hub.socket_url = self._socket.start()
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._socket.stop()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return self._hub.url()

    @property
    def api_url(self) -> str:
        return f"{self._hub.url()}/api/"

    # --- world -----------------------------------------------------------------------------------

    def add_workspace(
        self,
        team_id: str | None = None,
        name: str | None = None,
        domain: str | None = None,
        *,
        scopes: Sequence[str] | None = None,
    ) -> Workspace:
        with self._hub.lock:
            team_id = team_id or self._hub.new_id("T", self._hub.workspaces)
            if team_id in self._hub.workspaces:
                raise ValueError(f"workspace {team_id} already exists")
            name = name or f"Workspace {team_id}"
            domain = domain or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            ws = Workspace(self._hub, team_id=team_id, name=name, domain=domain)
            if scopes is not None:
                ws.scopes = tuple(scopes)
            self._hub.workspaces[team_id] = ws
            return ws

    def install_oauth(
        self, client_id: str, client_secret: str, workspace: Workspace, *, installer: str | None = None
    ) -> str:
        """Register the app's client credentials and return a single-use code for oauth.v2.access.

        The installing user defaults to the workspace's first human user.
        """
        if installer is None:
            with workspace.lock:
                humans = [u["id"] for u in workspace.state.users.values() if not u["is_bot"]]
            if not humans:
                raise ValueError("add a user to the workspace (the installer) first")
            installer = humans[0]
        code = secrets.token_hex(16)
        workspace.reinstate()  # installing again after an uninstall
        with self._hub.lock:
            self._hub.oauth_clients[client_id] = client_secret
            self._hub.oauth_codes[code] = OAuthGrant(client_id, workspace.team_id, installer)
        return code

    def enable_token_rotation(self, lifetime_seconds: float = 43_200) -> None:
        """The app has token rotation on: installs give expiring bot tokens and a refresh token."""
        self._hub.token_lifetime = lifetime_seconds

    def uninstall(self, workspace: Workspace) -> None:
        """Someone removes copbot from the workspace: its tokens stop working (send app_uninstalled too)."""
        workspace.revoke()

    # --- call log, faults, limits ------------------------------------------------------------------

    def calls(self, method: str | None = None, team_id: str | None = None) -> list[ApiCall]:
        return self._log.calls(method, team_id)

    def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 5.0, team_id: str | None = None
    ) -> list[ApiCall]:
        return self._log.wait_for(method, count, timeout, team_id)

    def reset_calls(self) -> None:
        self._log.reset()

    def inject_fault(
        self,
        method: str,
        *,
        status: int | None = None,
        retry_after: int = 1,
        delay: float = 0.0,
        error: str | None = None,
        times: int = 1,
        answer_delay: float = 0.0,
    ) -> None:
        """Make the next `times` calls to `method` fail; with no status, delay or error given: a 429.

        `answer_delay` runs the method and then holds its answer back that long.
        """
        if status is None and not delay and error is None and not answer_delay:
            status = 429
        self._faults.add(method, Fault(status, retry_after, delay, error, answer_delay), times)

    def rate_limit_every(self, nth: int | None, *, retry_after: int = 2) -> None:
        """Answer every `nth` Web API call (of any method) with 429 and this Retry-After; None stops it."""
        self._faults.every(nth or 1, Fault(429, retry_after) if nth else None)

    def enable_rate_limits(self, per_minute: dict[str, int] | None = None) -> None:
        """Turn on Slack's limits (off by default so tests and the demo stay fast); `per_minute` overrides."""
        self._limiter.enable(per_minute)

    # --- Socket Mode ----------------------------------------------------------------------------------

    def socket_connections(
        self, workspace: Workspace, *, include_closed: bool = False
    ) -> list[SocketConnection]:
        """The workspace's Socket Mode connections (open ones unless `include_closed`), oldest first."""
        return self._socket.connections(workspace.team_id, include_closed=include_closed)

    def wait_for_socket_connection(
        self, workspace: Workspace, timeout: float = 5.0, *, count: int = 1
    ) -> SocketConnection:
        """The newest open connection once the workspace has opened `count` in all (count=2: a reconnect)."""
        return self._socket.wait_for_connection(workspace.team_id, timeout, count)

    # --- routing (called from the server's threads) ------------------------------------------------

    def route(
        self, path: str, query: str, headers: Message, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) == 2:  # noqa: PLR2004 - /api/<method>
            authorization, content_type = headers.get("Authorization", ""), headers.get("Content-Type", "")
            reply = self._api.handle(
                parts[1], query, body, authorization=authorization, content_type=content_type
            )
            content_type = "text/html" if reply.html else "application/json; charset=utf-8"
            return reply.status, {"Content-Type": content_type, **reply.headers}, reply.body()
        # /upload/v1/<team>/<file id> and /hooks/<kind>/<team>/<nonce>
        ws = self._hub.workspaces.get(parts[2]) if len(parts) == 4 else None  # noqa: PLR2004 - see above
        if ws is not None and parts[0] == "upload" and receive_upload(ws, parts[-1], body):
            return _text(200, f"OK - {len(body)}")
        if ws is not None and parts[0] == "hooks":
            return _post_to_hook(ws, parts[-1], body)
        return _text(404, "not_found")


def _text(status: int, text: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _post_to_hook(ws: Workspace, nonce: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """A respond() to a response_url: recorded in ws.responses, checked like a message."""
    try:
        posted = json.loads(body or b"{}")
    except json.JSONDecodeError:
        return _text(400, "invalid_payload")
    if not isinstance(posted, dict):
        return _text(400, "invalid_payload")
    if posted.get("blocks") is not None and check_message_blocks(posted["blocks"]):
        return _text(400, "invalid_blocks")
    with ws.lock:
        hook = ws.state.hooks.get(nonce)
        if hook is None:
            return _text(404, "no_service")
        if hook.uses >= HOOK_USES:
            return _text(404, "used_url")
        hook.uses += 1
        ws.state.responses.append({**posted, "user_id": hook.user_id})
    return _text(200, "ok")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections when the app's thread pool fires at once

    def __init__(self, sandbox: SlackSandbox) -> None:
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self.sandbox = sandbox


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        sandbox = cast("_Server", self.server).sandbox
        status, headers, payload = sandbox.route(url.path, url.query, self.headers, body)
        # A client that gave up waiting (a delay fault past its timeout) has closed its side: the answer is
        # lost, as it would be on Slack, and the call is already in the call log.
        with contextlib.suppress(ConnectionError):
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(payload))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    def log_message(self, fmt: str, *args: Any) -> None:
        """Requests go to debug logging, not stderr: tests read the call log instead."""
        logger.debug(fmt, *args)
