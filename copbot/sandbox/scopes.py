"""Which bot scope each Web API method needs, as Slack documents it, so that a missing one is refused.

Slack answers a call whose token lacks the scope with ``missing_scope``, naming what was ``needed`` and what
the token ``provided``. Methods on conversations need the scope of the conversation's kind (public
channel, private channel, IM, group DM); any one of the scopes listed for a call is enough.
"""

from __future__ import annotations

from typing import Any

from copbot.sandbox.state import Channel, WorkspaceState

KIND_SCOPES = {  # conversation kind -> (read scope, write scope)
    "public": ("channels:read", "channels:manage"),
    "private": ("groups:read", "groups:write"),
    "im": ("im:read", "im:write"),
    "mpim": ("mpim:read", "mpim:write"),
}
HISTORY_SCOPES = {  # conversation kind -> the scope to read its messages
    "public": "channels:history",
    "private": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}
FIXED: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "conversations.join": ("channels:join",),
    "conversations.list": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "users.info": ("users:read",),
    "users.list": ("users:read",),
    "users.lookupByEmail": ("users:read.email",),
    "pins.add": ("pins:write",),
    "reactions.get": ("reactions:read",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
}
_EXTRA = ("chat:write.public", "commands")  # checked by chat.* itself, and by Slack for slash commands
EVERY_SCOPE = tuple(
    sorted(
        {scope for scopes in FIXED.values() for scope in scopes}
        | {scope for pair in KIND_SCOPES.values() for scope in pair}
        | set(HISTORY_SCOPES.values())
        | set(_EXTRA)
    )
)


def needed_scopes(method: str, args: dict[str, Any], state: WorkspaceState) -> tuple[str, ...]:
    """The scopes of which the call needs one; () when it needs none (or the method checks for itself)."""
    if method in FIXED:
        return FIXED[method]
    kind = _kind(state.channels.get(str(args.get("channel"))))
    by_channel = {
        "conversations.info": KIND_SCOPES[kind][0],
        "conversations.members": KIND_SCOPES[kind][0],
        "conversations.invite": KIND_SCOPES[kind][1],
        "conversations.history": HISTORY_SCOPES[kind],
        "conversations.replies": HISTORY_SCOPES[kind],
    }
    if method in by_channel:
        return (by_channel[method],)
    if method == "conversations.create":
        return (KIND_SCOPES["private" if args.get("is_private") else "public"][1],)
    if method == "conversations.open":
        users = args.get("users") or []
        return ("mpim:write",) if isinstance(users, list) and len(users) > 1 else ("im:write",)
    return ()


def _kind(channel: Channel | None) -> str:
    if channel is None:
        return "public"  # the method itself answers channel_not_found
    if channel.kind in ("im", "mpim"):
        return channel.kind
    return "private" if channel.is_private else "public"
