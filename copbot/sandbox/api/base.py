"""What every Web API handler shares: the call, Slack's error answer, access rules and pagination."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from copbot.sandbox.errors import SlackError
from copbot.sandbox.state import Channel, Hub
from copbot.sandbox.world import Workspace

T = TypeVar("T")
MAX_PAGE = 1000


@dataclass(frozen=True)
class Call:
    """One authenticated request: arguments already normalised, the caller's workspace resolved."""

    method: str
    args: dict[str, Any]
    hub: Hub
    workspace: Workspace | None = None
    credentials: tuple[str, str] | None = None

    @property
    def ws(self) -> Workspace:
        if self.workspace is None:
            raise SlackError("not_authed")
        return self.workspace

    def require(self, name: str, error: str | None = None) -> Any:
        """The argument, or Slack's answer to its absence: the method's own error when it has one."""
        value = self.args.get(name)
        if value is None or value in ("", []):
            if error:
                raise SlackError(error)
            raise SlackError("invalid_arguments", messages=[f"[ERROR] missing required field: {name}"])
        return value

    def text(self, name: str) -> str | None:
        value = self.args.get(name)
        return None if value is None else str(value)

    def flag(self, name: str) -> bool:
        return self.args.get(name) is True


Handler = Callable[[Call], dict[str, Any]]


def is_member(call: Call, channel: Channel) -> bool:
    return call.ws.bot_user_id in channel.members


def find_channel(call: Call, channel_id: Any, error: str = "channel_not_found") -> Channel:
    channel = call.ws.state.channels.get(str(channel_id))
    if channel is None:
        raise SlackError(error)
    return channel


def visible_channel(call: Call, channel_id: Any) -> Channel:
    """A conversation the bot can see: private ones it is not in do not exist for it, as on Slack."""
    channel = find_channel(call, channel_id)
    if channel.is_private and not is_member(call, channel):
        raise SlackError("channel_not_found")
    return channel


def writable_channel(call: Call, channel_id: Any) -> Channel:
    """Where chat.* may post: the bot's channels, and any public one with chat:write.public.

    A user id means the bot's IM with that user.
    """
    target = str(channel_id)
    if target in call.ws.state.users:
        target = call.ws.open_dm(target)
    channel = find_channel(call, target)
    if channel.is_private and not is_member(call, channel):
        raise SlackError("not_in_channel")
    if (
        channel.kind == "channel"
        and not is_member(call, channel)
        and "chat:write.public" not in call.ws.scopes
    ):
        raise SlackError("not_in_channel")
    if channel.is_archived:
        raise SlackError("is_archived")
    return channel


def find_message(call: Call, channel: Channel, ts: Any) -> dict[str, Any]:
    messages = call.ws.state.messages.get(channel.id, [])
    found = next((m for m in messages if m["ts"] == ts), None)
    if found is None:
        raise SlackError("message_not_found")
    return found


def paginate(call: Call, items: list[T], default_limit: int) -> tuple[list[T], str]:
    """Slack's cursor pagination: an opaque `next_cursor`, "" on the last page; limit 0 means the default."""
    try:
        limit = int(call.args.get("limit", default_limit))
    except (TypeError, ValueError):
        raise SlackError("invalid_limit") from None
    if not 0 <= limit <= MAX_PAGE:
        raise SlackError("invalid_limit")
    limit = limit or default_limit or len(items) or 1
    start = _decode_cursor(call.args.get("cursor"))
    end = start + limit
    return items[start:end], _encode_cursor(end) if end < len(items) else ""


def _encode_cursor(offset: int) -> str:
    return base64.b64encode(f"next:{offset}".encode()).decode()


def _decode_cursor(cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        prefix, _, offset = base64.b64decode(str(cursor), validate=True).decode().partition(":")
        if prefix == "next" and offset.isdigit():
            return int(offset)
    except (binascii.Error, UnicodeDecodeError):
        pass
    raise SlackError("invalid_cursor")
