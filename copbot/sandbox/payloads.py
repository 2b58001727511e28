"""The request bodies Slack sends to an app: slash commands, interactivity payloads and event envelopes."""

from __future__ import annotations

import secrets
import time
from typing import Any

from copbot.sandbox.world import Workspace

# The legacy verification `token` field; copbot checks signatures instead, but Slack still sends it.
VERIFICATION_TOKEN = "sandboxVerificationToken0"  # noqa: S105 - a public placeholder, not a secret


def _user(ws: Workspace, user_id: str) -> dict[str, Any]:
    name = ws.user(user_id)["name"]
    return {"id": user_id, "username": name, "name": name, "team_id": ws.team_id}


def _envelope(ws: Workspace, user_id: str, kind: str) -> dict[str, Any]:
    """The keys every interactivity payload starts with."""
    return {
        "type": kind,
        "team": {"id": ws.team_id, "domain": ws.domain},
        "user": _user(ws, user_id),
        "api_app_id": ws.app_id,
        "token": VERIFICATION_TOKEN,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def channel_name(ws: Workspace, channel_id: str) -> str:
    channel = ws.channel(channel_id)
    if channel.get("is_im"):
        return "directmessage"
    return "privategroup" if channel["is_private"] else str(channel["name"])


def command_form(ws: Workspace, user_id: str, *, command: str, text: str, channel_id: str) -> dict[str, str]:
    """A slash command's form fields, in the order Slack sends them."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.team_id,
        "team_domain": ws.domain,
        "channel_id": channel_id,
        "channel_name": channel_name(ws, channel_id),
        "user_id": user_id,
        "user_name": ws.user(user_id)["name"],
        "command": command,
        "text": text,
        "api_app_id": ws.app_id,
        "is_enterprise_install": "false",
        "response_url": ws.response_url(user_id, "commands"),
        "trigger_id": ws.issue_trigger(user_id),
    }


def _find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str | None, dict[str, Any]]:
    """The block_id and element carrying `action_id`, so the action echoes what the user clicked."""
    for block in blocks:
        elements = [*block.get("elements", []), block.get("accessory"), block.get("element")]
        for element in elements:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return block.get("block_id"), element
    return None, {}


def action(blocks: list[dict[str, Any]], action_id: str, chosen: dict[str, Any]) -> dict[str, Any]:
    """One entry of `actions`: type, ids and value taken from the element when the surface has it."""
    found_block_id, element = _find_element(blocks, action_id)
    kind = element.get("type") or (
        "static_select"
        if chosen.get("selected_option")
        else "users_select"
        if chosen.get("selected_user")
        else "button"
    )
    entry: dict[str, Any] = {
        "type": kind,
        "action_id": action_id,
        "block_id": chosen.get("block_id") or found_block_id or "sandbox_block",
        "action_ts": f"{time.time():.6f}",
    }
    if kind == "button":
        entry["text"] = element.get("text", {"type": "plain_text", "text": action_id, "emoji": True})
        entry.update({key: element[key] for key in ("value", "style") if key in element})
    entry.update({key: value for key, value in chosen.items() if key != "block_id" and value is not None})
    return entry


def view_surface(view: dict[str, Any]) -> dict[str, Any]:
    return {"container": {"type": "view", "view_id": view["id"]}, "view": view}


def message_surface(
    ws: Workspace, user_id: str, message: dict[str, Any], channel_id: str | None
) -> dict[str, Any]:
    """Container, channel, message, response_url; ephemerals (ws.ephemerals) come without a message."""
    channel = channel_id or message["channel"]
    ephemeral = "message_ts" in message and "ts" not in message
    container = {
        "type": "message",
        "message_ts": message["message_ts"] if ephemeral else message["ts"],
        "channel_id": channel,
        "is_ephemeral": ephemeral,
    }
    where: dict[str, Any] = {
        "container": container,
        "channel": {"id": channel, "name": channel_name(ws, channel)},
        "response_url": ws.response_url(user_id, "actions"),
    }
    if not ephemeral:
        where["message"] = {key: val for key, val in message.items() if key != "channel"}
    return where


def click(
    ws: Workspace,
    user_id: str,
    action_id: str,
    *,
    view: dict[str, Any] | None,
    message: dict[str, Any] | None,
    channel_id: str | None,
    chosen: dict[str, Any],
) -> dict[str, Any]:
    """The block_actions payload of a click in a modal or Home tab (`view`), or in a message (`message`)."""
    surface = view if view is not None else message
    if surface is None:
        raise ValueError("an action happens in a view or a message: pass view= or message=")
    entry = action(surface.get("blocks") or [], action_id, chosen)
    where = view_surface(view) if view is not None else message_surface(ws, user_id, surface, channel_id)
    return block_actions(ws, user_id, where, entry)


def block_actions(
    ws: Workspace, user_id: str, surface: dict[str, Any], entry: dict[str, Any]
) -> dict[str, Any]:
    """A block_actions payload; `surface` holds container plus view, or channel/message/response_url."""
    view = surface.get("view") or {}
    return {
        **_envelope(ws, user_id, "block_actions"),
        "trigger_id": ws.issue_trigger(user_id),
        **surface,
        "state": view.get("state", {"values": {}}),
        "actions": [entry],
    }


def view_submission(ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    return {
        **_envelope(ws, user_id, "view_submission"),
        "trigger_id": ws.issue_trigger(user_id),
        "view": view,
        "response_urls": [],
    }


def view_closed(ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    return {**_envelope(ws, user_id, "view_closed"), "view": view, "is_cleared": False}


def event_callback(ws: Workspace, event: dict[str, Any], event_id: str | None) -> dict[str, Any]:
    """The Events API envelope around `event`, delivered to the workspace's bot."""
    now = time.time()
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": ws.team_id,
        "api_app_id": ws.app_id,
        "event": {"event_ts": f"{now:.6f}", **event},
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(now),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": ws.team_id,
                "user_id": ws.bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_urlsafe(12)}",
    }
