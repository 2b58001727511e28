"""Modal stacks and Home tabs of a workspace.

Shared by the views.* handlers and by the driver, which applies the app's answer to a view_submission
(`response_action` update/push/clear, or an empty body closing the view) the way Slack's client would.
"""

from __future__ import annotations

import copy
from typing import Any

from copbot.sandbox.errors import SlackError
from copbot.sandbox.shapes import view_object
from copbot.sandbox.state import new_hash
from copbot.sandbox.world import Workspace

MAX_STACK = 3  # "A modal can hold up to 3 views at a time in a view stack" (docs.slack.dev/surfaces/modals)


def _store(
    ws: Workspace, user_id: str, view: dict[str, Any], links: dict[str, Any], state: Any = None
) -> dict[str, Any]:
    ids = {"team_id": ws.team_id, "app_id": ws.app_id, "bot_id": ws.bot_id, **links}
    built = view_object(view, ids=ids, view_hash=new_hash())
    if state is not None:
        built["state"] = copy.deepcopy(state)
    ws.state.views[built["id"]] = built
    ws.state.view_users[built["id"]] = user_id
    if built["type"] != "home":
        ws.state.view_log.append((user_id, copy.deepcopy(built)))
    return copy.deepcopy(built)


def open_modal(ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    with ws.lock:
        view_id = ws.hub.new_id("V", ws.state.views)
        ws.state.stacks[user_id] = [view_id]
        return _store(ws, user_id, view, {"id": view_id, "root_view_id": view_id})


def push_modal(ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    """Push onto the user's open modal (a new modal when none is open); the stack holds three views."""
    with ws.lock:
        stack = ws.state.stacks.get(user_id)
        if not stack:
            return open_modal(ws, user_id, view)
        if len(stack) >= MAX_STACK:
            raise SlackError("push_limit_reached")
        view_id = ws.hub.new_id("V", ws.state.views)
        links = {"id": view_id, "root_view_id": stack[0], "previous_view_id": stack[-1]}
        stack.append(view_id)
        return _store(ws, user_id, view, links)


def update_view(ws: Workspace, view_id: str, view: dict[str, Any]) -> dict[str, Any]:
    """Replace a view's content in place: same id and stack links, kept input state, a new hash."""
    with ws.lock:
        current = ws.state.views[view_id]
        keys = ("id", "root_view_id", "previous_view_id")
        links = {key: current[key] for key in keys}
        return _store(ws, ws.state.view_users[view_id], view, links, current["state"])


def close_view(ws: Workspace, view_id: str) -> None:
    """Close a view and any view pushed above it; the one below (if any) shows again."""
    with ws.lock:
        stack = ws.state.stacks.get(ws.state.view_users.get(view_id, ""), [])
        if view_id in stack:
            del stack[stack.index(view_id) :]


def clear_stack(ws: Workspace, user_id: str) -> None:
    with ws.lock:
        ws.state.stacks.pop(user_id, None)


def publish_home(ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any]:
    """Publish a user's Home tab; it keeps its view id across publishes and gets a new hash each time."""
    with ws.lock:
        view_id = ws.state.homes.get(user_id) or ws.hub.new_id("V", ws.state.views)
        ws.state.homes[user_id] = view_id
        return _store(ws, user_id, view, {"id": view_id, "root_view_id": view_id})


def set_values(ws: Workspace, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
    """Record what the user typed into a view, and return the view as Slack would send it."""
    with ws.lock:
        if view_id not in ws.state.views:
            raise ValueError(f"view {view_id} is not held by the sandbox: the app never opened it")
        ws.state.views[view_id]["state"] = {"values": copy.deepcopy(values)}
        return copy.deepcopy(ws.state.views[view_id])


def apply_submission_ack(ws: Workspace, user_id: str, view_id: str, ack: dict[str, Any] | None) -> None:
    """What Slack does with the app's answer to a view_submission."""
    body = ack or {}
    action = body.get("response_action")
    if action == "update":
        update_view(ws, view_id, body["view"])
    elif action == "push":
        push_modal(ws, user_id, body["view"])
    elif action == "clear":
        clear_stack(ws, user_id)
    elif action != "errors":
        close_view(ws, view_id)
