"""conversations.open, invite, join, info, members, create, list, history and replies."""

from __future__ import annotations

import re
import time
from typing import Any

from copbot.sandbox.api.base import (
    Call,
    Handler,
    find_channel,
    is_member,
    paginate,
    visible_channel,
)
from copbot.sandbox.errors import SlackError
from copbot.sandbox.shapes import channel_object
from copbot.sandbox.state import Channel

MAX_GROUP_DM = 8
MAX_NAME = 80
CHANNEL_TYPES = ("public_channel", "private_channel", "mpim", "im")


def _shape(call: Call, channel: Channel) -> dict[str, Any]:
    return channel_object(channel, team_id=call.ws.team_id, bot_user_id=call.ws.bot_user_id)


def _dm_users(call: Call) -> list[str]:
    users = [u for u in call.require("users", "users_list_not_supplied") if u != call.ws.bot_user_id]
    if not users:
        raise SlackError("not_enough_users")
    if len(users) > MAX_GROUP_DM:
        raise SlackError("too_many_users")
    for user_id in users:
        record = call.ws.state.users.get(user_id)
        if record is None:
            raise SlackError("user_not_found")
        if record["deleted"]:
            raise SlackError("user_disabled")
    return users


def _group_dm(call: Call, users: list[str]) -> tuple[Channel, bool]:
    """The mpim of exactly these people and the bot, reused if it exists: conversations.open is idempotent."""
    ws = call.ws
    members = [ws.bot_user_id, *users]
    for channel in ws.state.channels.values():
        if channel.kind == "mpim" and set(channel.members) == set(members):
            return channel, True
    names = "--".join(ws.state.users[u]["name"] for u in [*users, ws.bot_user_id])
    cid = ws.hub.new_id("G", ws.state.channels)
    channel = Channel(
        id=cid,
        name=f"mpdm-{names}-1",
        is_private=True,
        members=members,
        created=int(time.time()),
        creator=ws.bot_user_id,
        kind="mpim",
    )
    ws.state.channels[cid] = channel
    return channel, False


def open_conversation(call: Call) -> dict[str, Any]:
    if call.args.get("channel"):
        channel, existed = visible_channel(call, call.args["channel"]), True
    else:
        users = _dm_users(call)
        if len(users) == 1:
            existed = call.ws.dm_channel(users[0]) is not None
            channel = call.ws.state.channels[call.ws.open_dm(users[0])]
        else:
            channel, existed = _group_dm(call, users)
    if not call.flag("return_im"):
        return {"channel": {"id": channel.id}}
    return {"no_op": existed, "already_open": existed, "channel": _shape(call, channel)}


def _invite_problem(call: Call, channel: Channel, user_id: str) -> str | None:
    record = call.ws.state.users.get(user_id)
    if user_id == call.ws.bot_user_id:
        return "cant_invite_self"
    if record is None:
        return "user_not_found"
    if record["deleted"]:
        return "cant_invite"
    return "already_in_channel" if user_id in channel.members else None


def invite(call: Call) -> dict[str, Any]:
    """Invite users; one failure invites nobody, unless `force`: the valid join, `errors` lists the rest."""
    channel = visible_channel(call, call.require("channel", "channel_not_found"))
    users = call.require("users", "no_user")
    if channel.kind != "channel":
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    if not is_member(call, channel):
        raise SlackError("not_in_channel")
    problems = {user_id: _invite_problem(call, channel, user_id) for user_id in users}
    errors = [{"user": u, "ok": False, "error": e} for u, e in problems.items() if e]
    if errors and not call.flag("force"):
        extra: dict[str, Any] = {"errors": errors} if len(users) > 1 else {}
        raise SlackError(errors[0]["error"], **extra)
    channel.members.extend(u for u, e in problems.items() if e is None)
    return {"channel": _shape(call, channel), **({"errors": errors} if errors else {})}


def join(call: Call) -> dict[str, Any]:
    channel = find_channel(call, call.require("channel", "channel_not_found"))
    if channel.kind != "channel" or channel.is_private:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    if is_member(call, channel):
        warning = "already_in_channel"
        return {
            "channel": _shape(call, channel),
            "warning": warning,
            "response_metadata": {"warnings": [warning]},
        }
    channel.members.append(call.ws.bot_user_id)
    return {"channel": _shape(call, channel)}


def info(call: Call) -> dict[str, Any]:
    channel = visible_channel(call, call.require("channel", "channel_not_found"))
    shape = _shape(call, channel)
    if call.flag("include_num_members"):
        shape["num_members"] = len(channel.members)
    return {"channel": shape}


def members(call: Call) -> dict[str, Any]:
    channel = visible_channel(call, call.require("channel", "channel_not_found"))
    page, next_cursor = paginate(call, channel.members, 100)
    return {"members": page, "response_metadata": {"next_cursor": next_cursor}}


def _valid_name(call: Call) -> str:
    name = str(call.require("name", "invalid_name_required"))
    if len(name) > MAX_NAME:
        raise SlackError("invalid_name_maxlength")
    if re.fullmatch(r"[-_]+", name):
        raise SlackError("invalid_name_punctuation")
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise SlackError("invalid_name_specials")
    if any(ch.name == name for ch in call.ws.state.channels.values()):
        raise SlackError("name_taken")
    return name


def create(call: Call) -> dict[str, Any]:
    name = _valid_name(call)
    cid = call.ws.add_channel(name, is_private=call.flag("is_private"), bot_is_member=True)
    return {"channel": _shape(call, call.ws.state.channels[cid])}


def _type_of(channel: Channel) -> str:
    if channel.kind in ("im", "mpim"):
        return channel.kind
    return "private_channel" if channel.is_private else "public_channel"


def list_conversations(call: Call) -> dict[str, Any]:
    types = call.args.get("types") or ["public_channel"]
    if any(t not in CHANNEL_TYPES for t in types):
        raise SlackError("invalid_types")
    listed = [
        ch
        for ch in call.ws.state.channels.values()
        if _type_of(ch) in types
        and (not ch.is_private or is_member(call, ch))
        and not (ch.is_archived and call.flag("exclude_archived"))
    ]
    page, next_cursor = paginate(call, listed, 100)
    return {"channels": [_shape(call, ch) for ch in page], "response_metadata": {"next_cursor": next_cursor}}


def _readable(call: Call) -> Channel:
    """A conversation whose messages the bot may read: it must be in it, as on Slack."""
    channel = visible_channel(call, call.require("channel", "channel_not_found"))
    if not is_member(call, channel):
        raise SlackError("not_in_channel")
    return channel


def _in_window(call: Call, message: dict[str, Any]) -> bool:
    """Slack's `oldest`/`latest` bounds (exclusive unless `inclusive`)."""
    ts = float(message["ts"])
    oldest, latest = call.args.get("oldest"), call.args.get("latest")
    try:
        low = float(oldest) if oldest not in (None, "") else None
        high = float(latest) if latest not in (None, "") else None
    except (TypeError, ValueError):
        raise SlackError("invalid_ts_oldest" if oldest is not None else "invalid_ts_latest") from None
    if call.flag("inclusive"):
        return (low is None or ts >= low) and (high is None or ts <= high)
    return (low is None or ts > low) and (high is None or ts < high)


def _shown(call: Call, message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as history shows it: metadata only when asked for with include_all_metadata."""
    hidden = {"channel"} if call.flag("include_all_metadata") else {"channel", "metadata"}
    return {key: value for key, value in message.items() if key not in hidden}


def history(call: Call) -> dict[str, Any]:
    """The channel's top-level messages (and thread replies broadcast to it), newest first."""
    channel = _readable(call)
    messages = [
        message
        for message in reversed(call.ws.state.messages.get(channel.id, []))
        if (message.get("thread_ts") in (None, message["ts"]) or message.get("reply_broadcast"))
        and _in_window(call, message)
    ]
    page, next_cursor = paginate(call, messages, 100)
    return {
        "messages": [_shown(call, message) for message in page],
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


def replies(call: Call) -> dict[str, Any]:
    """A thread: its parent, then its replies, oldest first."""
    channel = _readable(call)
    parent = str(call.require("ts", "thread_not_found"))
    thread = [
        message
        for message in call.ws.state.messages.get(channel.id, [])
        if (message["ts"] == parent or message.get("thread_ts") == parent) and _in_window(call, message)
    ]
    if not any(message["ts"] == parent for message in call.ws.state.messages.get(channel.id, [])):
        raise SlackError("thread_not_found")
    page, next_cursor = paginate(call, thread, 100)
    return {
        "messages": [_shown(call, message) for message in page],
        "has_more": bool(next_cursor),
        "response_metadata": {"next_cursor": next_cursor},
    }


HANDLERS: dict[str, Handler] = {
    "conversations.open": open_conversation,
    "conversations.invite": invite,
    "conversations.join": join,
    "conversations.info": info,
    "conversations.members": members,
    "conversations.create": create,
    "conversations.list": list_conversations,
    "conversations.history": history,
    "conversations.replies": replies,
}
