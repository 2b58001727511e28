"""chat.postMessage, chat.postEphemeral, chat.update, chat.delete and chat.getPermalink."""

from __future__ import annotations

from typing import Any

from copbot.sandbox.api.base import Call, Handler, find_message, visible_channel, writable_channel
from copbot.sandbox.blockkit import check_message_blocks
from copbot.sandbox.errors import SlackError

MAX_TEXT = 40_000


def content(call: Call) -> dict[str, Any]:
    """The text/blocks/attachments of a message, refused the way Slack refuses them."""
    text = call.text("text") or ""
    blocks, attachments = call.args.get("blocks"), call.args.get("attachments")
    if not (text or blocks or attachments):
        raise SlackError("no_text")
    if len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    if isinstance(blocks, str):
        raise SlackError("invalid_blocks_format")
    problems = check_message_blocks(blocks) if blocks is not None else []
    if problems:
        raise SlackError("invalid_blocks", errors=problems, messages=problems)
    shown: dict[str, Any] = {"text": text, "blocks": blocks or []}
    if attachments:
        shown["attachments"] = attachments
    return shown


def _public(record: dict[str, Any]) -> dict[str, Any]:
    """A stored message as Slack shows it: without the channel the sandbox files it under."""
    return {key: value for key, value in record.items() if key != "channel"}


def post_message(call: Call) -> dict[str, Any]:
    channel = writable_channel(call, call.require("channel", "channel_not_found"))
    ws = call.ws
    record: dict[str, Any] = {
        "type": "message",
        "user": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "team": ws.team_id,
        **content(call),
        "ts": ws.hub.next_ts(),
        "channel": channel.id,
    }
    for optional in ("thread_ts", "metadata", "reply_broadcast"):
        if call.args.get(optional) is not None:
            record[optional] = call.args[optional]
    ws.state.messages.setdefault(channel.id, []).append(record)
    return {"channel": channel.id, "ts": record["ts"], "message": _public(record)}


def post_ephemeral(call: Call) -> dict[str, Any]:
    channel = writable_channel(call, call.require("channel", "channel_not_found"))
    user = call.require("user", "user_not_in_channel")
    if user not in channel.members:
        raise SlackError("user_not_in_channel")
    record = {"channel": channel.id, "user": user, **content(call), "message_ts": call.ws.hub.next_ts()}
    if call.args.get("thread_ts") is not None:
        record["thread_ts"] = call.args["thread_ts"]
    call.ws.state.ephemerals.append(record)
    return {"message_ts": record["message_ts"]}


def _own_message(call: Call, refusal: str) -> dict[str, Any]:
    """The bot's own message named by channel + ts: the only kind a bot token may edit or delete."""
    channel = visible_channel(call, call.require("channel", "channel_not_found"))
    message = find_message(call, channel, call.require("ts", "message_not_found"))
    if message.get("bot_id") != call.ws.bot_id:
        raise SlackError(refusal)
    return message


def update(call: Call) -> dict[str, Any]:
    message = _own_message(call, "cant_update_message")
    message.update(content(call))
    message["edited"] = {"user": call.ws.bot_user_id, "ts": call.ws.hub.next_ts()}
    return {
        "channel": message["channel"],
        "ts": message["ts"],
        "text": message["text"],
        "message": _public(message),
    }


def delete(call: Call) -> dict[str, Any]:
    message = _own_message(call, "cant_delete_message")
    call.ws.state.messages[message["channel"]].remove(message)
    return {"channel": message["channel"], "ts": message["ts"]}


def get_permalink(call: Call) -> dict[str, Any]:
    channel = visible_channel(call, call.require("channel", "channel_not_found"))
    message = find_message(call, channel, call.require("message_ts", "message_not_found"))
    link = f"https://{call.ws.domain}.slack.com/archives/{channel.id}/p{message['ts'].replace('.', '')}"
    return {"channel": channel.id, "permalink": link}


HANDLERS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.update": update,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
}
