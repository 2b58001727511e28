"""views.open, views.push, views.update and views.publish."""

from __future__ import annotations

import json
import time
from typing import Any

from copbot.sandbox import viewstore
from copbot.sandbox.api.base import Call, Handler
from copbot.sandbox.blockkit import check_view
from copbot.sandbox.errors import SlackError

MAX_VIEW_BYTES = 250_000


def _checked_view(call: Call, *types: str) -> dict[str, Any]:
    view = call.require("view")
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", messages=["[ERROR] failed to parse view [json-pointer:/view]"])
    if len(json.dumps(view).encode()) > MAX_VIEW_BYTES:
        raise SlackError("view_too_large")
    problems = check_view(view)
    if not problems and view.get("type") not in types:
        problems = [f"[ERROR] must be one of {', '.join(types)} [json-pointer:/view/type]"]
    if problems:
        raise SlackError("invalid_arguments", messages=problems)
    return view


def _new_modal(call: Call) -> dict[str, Any]:
    """A modal for views.open/push; its external_id, if any, must be new in the workspace."""
    view = _checked_view(call, "modal")
    external_id = view.get("external_id")
    if external_id and any(v.get("external_id") == external_id for v in call.ws.state.views.values()):
        raise SlackError("duplicate_external_id")
    return view


def _trigger_user(call: Call) -> str:
    """Exchange the trigger_id (single use, a few seconds of life) for the user whose action issued it."""
    trigger_id = call.args.get("trigger_id") or call.args.get("interactivity_pointer")
    if not trigger_id:
        raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: trigger_id"])
    trigger = call.ws.state.triggers.get(str(trigger_id))
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used:
        raise SlackError("exchanged_trigger_id")
    if time.monotonic() > trigger.expires_at:
        raise SlackError("expired_trigger_id")
    trigger.used = True
    return trigger.user_id


def open_view(call: Call) -> dict[str, Any]:
    view = _new_modal(call)
    return {"view": viewstore.open_modal(call.ws, _trigger_user(call), view)}


def push(call: Call) -> dict[str, Any]:
    view = _new_modal(call)
    return {"view": viewstore.push_modal(call.ws, _trigger_user(call), view)}


def _target(call: Call) -> str:
    """The view named by view_id, or by the app's own external_id."""
    views = call.ws.state.views
    if call.args.get("view_id"):
        view_id = str(call.args["view_id"])
    elif call.args.get("external_id"):
        matches = (v["id"] for v in views.values() if v.get("external_id") == call.args["external_id"])
        view_id = next(matches, "")
    else:
        raise SlackError("invalid_arguments", messages=["[ERROR] missing required field: view_id"])
    if view_id not in views:
        raise SlackError("not_found")
    return view_id


def _check_hash(call: Call, view_id: str | None) -> None:
    expected = call.args.get("hash")
    if expected and view_id and call.ws.state.views[view_id]["hash"] != expected:
        raise SlackError("hash_conflict")


def update(call: Call) -> dict[str, Any]:
    view_id = _target(call)
    current_type = call.ws.state.views[view_id]["type"]
    view = {**_checked_view(call, current_type), "external_id": call.ws.state.views[view_id]["external_id"]}
    _check_hash(call, view_id)
    return {"view": viewstore.update_view(call.ws, view_id, view)}


def publish(call: Call) -> dict[str, Any]:
    user_id = str(call.require("user_id"))
    if user_id not in call.ws.state.users:
        raise SlackError("user_not_found")
    view = _checked_view(call, "home")
    _check_hash(call, call.ws.state.homes.get(user_id))
    return {"view": viewstore.publish_home(call.ws, user_id, view)}


HANDLERS: dict[str, Handler] = {
    "views.open": open_view,
    "views.push": push,
    "views.update": update,
    "views.publish": publish,
}
