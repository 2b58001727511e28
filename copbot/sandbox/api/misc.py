"""auth.test, pins.add, reactions.get, the files upload v2 pair, and oauth.v2.access."""

from __future__ import annotations

import mimetypes
import re
import time
from typing import Any

from copbot.sandbox.api.base import (
    Call,
    Handler,
    find_channel,
    find_message,
    is_member,
    visible_channel,
    writable_channel,
)
from copbot.sandbox.errors import SlackError
from copbot.sandbox.world import Workspace


def auth_test(call: Call) -> dict[str, Any]:
    ws = call.ws
    return {
        "url": f"https://{ws.domain}.slack.com/",
        "team": ws.name,
        "user": ws.state.users[ws.bot_user_id]["name"],
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def pins_add(call: Call) -> dict[str, Any]:
    channel = find_channel(call, call.require("channel", "channel_not_found"))
    ts = call.require("timestamp", "no_item_specified")
    if not is_member(call, channel):
        raise SlackError("channel_not_found" if channel.is_private else "not_in_channel")
    message = find_message(call, channel, ts)
    pins = call.ws.state.pins.setdefault(channel.id, [])
    if ts in pins:
        raise SlackError("already_pinned")
    pins.append(ts)
    message["pinned_to"] = [channel.id]
    return {}


def reactions_get(call: Call) -> dict[str, Any]:
    if not (call.args.get("channel") and call.args.get("timestamp")):
        raise SlackError("no_item_specified")
    channel = visible_channel(call, call.args["channel"])
    message = {k: v for k, v in find_message(call, channel, call.args["timestamp"]).items() if k != "channel"}
    message["permalink"] = (
        f"https://{call.ws.domain}.slack.com/archives/{channel.id}/p{message['ts'].replace('.', '')}"
    )
    return {"type": "message", "channel": channel.id, "message": message}


CONVERSATION_ID = re.compile(r"^[CGDZ][A-Z0-9]{8,}$")


def get_upload_url(call: Call) -> dict[str, Any]:
    filename = str(call.require("filename"))
    length = call.require("length")
    if not isinstance(length, int) or length < 1:
        raise SlackError("invalid_arguments", messages=["[ERROR] length must be a positive integer"])
    ws = call.ws
    file_id = ws.hub.new_id("F", ws.state.files)
    ws.state.files[file_id] = {"id": file_id, "name": filename, "size": length, "created": int(time.time())}
    return {"upload_url": f"{ws.hub.url()}/upload/v1/{ws.team_id}/{file_id}", "file_id": file_id}


def receive_upload(ws: Workspace, file_id: str, data: bytes) -> bool:
    """The raw POST to an upload_url (step 2 of files_upload_v2); False when no such upload was started."""
    with ws.lock:
        record = ws.state.files.get(file_id)
        if record is None:
            return False
        record["data"] = data
        return True


def _file_shape(call: Call, record: dict[str, Any], title: str | None, channels: list[str]) -> dict[str, Any]:
    mimetype = mimetypes.guess_type(record["name"])[0] or "application/octet-stream"
    return {
        "id": record["id"],
        "created": record["created"],
        "timestamp": record["created"],
        "name": record["name"],
        "title": title or record["name"],
        "mimetype": mimetype,
        "filetype": record["name"].rpartition(".")[2] if "." in record["name"] else "binary",
        "user": call.ws.bot_user_id,
        "size": len(record["data"]),
        "mode": "hosted",
        "url_private": f"https://files.slack.com/files-pri/{call.ws.team_id}-{record['id']}/{record['name']}",
        "permalink": f"https://{call.ws.domain}.slack.com/files/{call.ws.bot_user_id}/{record['id']}",
        "channels": channels,
    }


def complete_upload(call: Call) -> dict[str, Any]:
    """Finish uploads; with channel_id (or channels) the files are shared there as one bot message."""
    requested = call.require("files")
    records = [call.ws.state.files.get(str(item.get("id"))) for item in requested]
    if any(record is None or "data" not in record for record in records):
        raise SlackError("file_not_found")
    targets = [call.args["channel_id"]] if call.args.get("channel_id") else call.args.get("channels") or []
    if any(not CONVERSATION_ID.match(str(target)) for target in targets):  # a user id is refused, as on Slack
        raise SlackError(
            "invalid_arguments",
            messages=[
                "[ERROR] input must match regex pattern: ^[CGDZ][A-Z0-9]{8,}$ [json-pointer:/channel_id]"
            ],
        )
    channels = [writable_channel(call, target).id for target in targets]
    shapes = [
        _file_shape(call, record, item.get("title"), channels)
        for item, record in zip(requested, records, strict=True)
        if record is not None
    ]
    for channel_id in channels:
        _share(call, channel_id, shapes)
    return {"files": shapes}


def _share(call: Call, channel_id: str, files: list[dict[str, Any]]) -> None:
    ws = call.ws
    message: dict[str, Any] = {
        "type": "message",
        "text": call.text("initial_comment") or "",
        "blocks": [],
        "files": files,
        "upload": True,
        "user": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "ts": ws.hub.next_ts(),
        "channel": channel_id,
    }
    if call.args.get("thread_ts"):
        message["thread_ts"] = call.args["thread_ts"]
    ws.state.messages.setdefault(channel_id, []).append(message)


def oauth_access(call: Call) -> dict[str, Any]:
    """Exchange a code from `SlackSandbox.install_oauth`, or (token rotation) a refresh token."""
    client_id, secret = call.credentials or (call.text("client_id"), call.text("client_secret"))
    if client_id not in call.hub.oauth_clients:
        raise SlackError("invalid_client_id")
    if call.hub.oauth_clients[client_id] != secret:
        raise SlackError("bad_client_secret")
    if call.text("grant_type") == "refresh_token":
        return _refresh(call)
    grant = call.hub.oauth_codes.pop(str(call.require("code", "invalid_code")), None)
    if grant is None or grant.client_id != client_id:
        raise SlackError("invalid_code")
    ws = call.hub.workspaces[grant.team_id]
    return {**_bot_grant(call, ws), "authed_user": {"id": grant.installer}}


def _refresh(call: Call) -> dict[str, Any]:
    """A new expiring bot token for the workspace whose refresh token this is."""
    given = call.require("refresh_token", "invalid_refresh_token")
    ws = next(
        (ws for ws in call.hub.workspaces.values() if ws.refresh_token and ws.refresh_token == given), None
    )
    if ws is None or call.hub.token_lifetime is None:
        raise SlackError("invalid_refresh_token")
    return _bot_grant(call, ws)


def _bot_grant(call: Call, ws: Workspace) -> dict[str, Any]:
    """The bot part of oauth.v2.access's answer: an expiring token and a refresh token when rotation is on."""
    grant: dict[str, Any] = {
        "access_token": ws.bot_token,
        "token_type": "bot",
        "scope": ",".join(ws.scopes),
        "bot_user_id": ws.bot_user_id,
        "app_id": ws.app_id,
        "team": {"name": ws.name, "id": ws.team_id},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    lifetime = call.hub.token_lifetime
    if lifetime is not None:
        grant["access_token"] = ws.issue_rotating_token(lifetime)
        grant |= {"refresh_token": ws.refresh_token, "expires_in": int(lifetime)}
    return grant


HANDLERS: dict[str, Handler] = {
    "auth.test": auth_test,
    "pins.add": pins_add,
    "reactions.get": reactions_get,
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "oauth.v2.access": oauth_access,
}
