"""apps.connections.open: the Socket Mode URL, asked for with an app-level token (xapp-…)."""

from __future__ import annotations

from typing import Any

from copbot.sandbox.api.base import Call, Handler
from copbot.sandbox.errors import SlackError


def connections_open(call: Call) -> dict[str, Any]:
    """A single-use WebSocket URL for the token's workspace, on the sandbox's Socket Mode server."""
    ws = call.ws
    if not call.hub.socket_url:
        raise SlackError("internal_error")
    ticket = call.hub.issue_socket_ticket(ws.team_id)
    return {"url": f"{call.hub.socket_url}/link/?ticket={ticket}&app_id={ws.app_id}"}


HANDLERS: dict[str, Handler] = {"apps.connections.open": connections_open}
# Methods that take an app-level token; every other method refuses one (not_allowed_token_type).
APP_TOKEN_METHODS = frozenset(HANDLERS)
