"""Plain records of the sandbox's Slack world, and the pieces every workspace shares."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
import uuid
from collections.abc import Container
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copbot.sandbox.world import Workspace

APP_SCOPES = ("connections:write",)  # an app-level token's scope, for Socket Mode


@dataclass
class Channel:
    """A conversation; `kind` is channel, im or mpim, and the bot's membership is its user id in `members`."""

    id: str
    name: str
    is_private: bool
    members: list[str]
    created: int
    creator: str
    kind: str = "channel"
    is_archived: bool = False
    im_user: str | None = None


@dataclass
class Trigger:
    user_id: str
    expires_at: float
    used: bool = False


@dataclass
class Hook:
    """A response_url handed out in a payload; Slack accepts five posts to one."""

    user_id: str
    kind: str
    uses: int = 0


@dataclass
class WorkspaceState:
    """Everything Web API handlers read and change; guarded by the owning workspace's lock."""

    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    view_users: dict[str, str] = field(default_factory=dict)
    view_log: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    stacks: dict[str, list[str]] = field(default_factory=dict)
    homes: dict[str, str] = field(default_factory=dict)
    pins: dict[str, list[str]] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    hooks: dict[str, Hook] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class OAuthGrant:
    client_id: str
    team_id: str
    installer: str


class Hub:
    """What all workspaces of a sandbox share: id counters, the message clock, the URL, the token table."""

    def __init__(self, app_id: str) -> None:
        self.app_id = app_id
        self.base_url = ""
        self.lock = threading.RLock()
        self.workspaces: dict[str, Workspace] = {}
        self.oauth_clients: dict[str, str] = {}
        self.oauth_codes: dict[str, OAuthGrant] = {}
        self.token_lifetime: float | None = None  # seconds, when the app has token rotation turned on
        self.default_scopes: tuple[str, ...] = ()
        self.socket_url = ""  # ws://127.0.0.1:<port>, set when the Socket Mode server starts
        self._socket_tickets: dict[str, str] = {}
        self._counter = itertools.count(1)
        self._last_us = 0

    def new_id(self, prefix: str, taken: Container[str] = ()) -> str:
        """Slack-looking ids, unique across the sandbox so that ids never collide between workspaces."""
        while True:
            candidate = f"{prefix}0S{next(self._counter):07X}"
            if candidate not in taken:
                return candidate

    def next_ts(self) -> str:
        """Message timestamps as Slack writes them, strictly increasing even within one microsecond."""
        with self.lock:
            self._last_us = max(time.time_ns() // 1000, self._last_us + 1)
            seconds, micros = divmod(self._last_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def url(self) -> str:
        if not self.base_url:
            raise RuntimeError("the sandbox is not started: call start() first")
        return self.base_url

    def workspace_for_token(self, token: str | None, *, app_level: bool = False) -> Workspace | None:
        """The workspace whose live bot token (or, with `app_level`, app-level token) this is."""
        with self.lock:
            for ws in self.workspaces.values():
                if app_level and token == ws.app_token:
                    return ws
                if not app_level and token is not None and ws.accepts_bot_token(token):
                    return ws
            return None

    def knows_token(self, token: str) -> bool:
        with self.lock:
            return any(ws.issued(token) for ws in self.workspaces.values())

    def issue_socket_ticket(self, team_id: str) -> str:
        ticket = str(uuid.uuid4())
        with self.lock:
            self._socket_tickets[ticket] = team_id
        return ticket

    def redeem_socket_ticket(self, ticket: str) -> str | None:
        """The workspace a Socket Mode URL was issued to; each URL opens one connection."""
        with self.lock:
            return self._socket_tickets.pop(ticket, None)


def new_hash() -> str:
    """A view hash in Slack's `<epoch>.<hex>` form; a new one per change makes stale hashes detectable."""
    return f"{int(time.time())}.{secrets.token_hex(4)}"
