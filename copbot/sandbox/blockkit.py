"""Slack's Block Kit limits, checked on plain dict payloads.

slack_sdk only validates its model objects, and copbot builds dicts, so the sandbox checks them the way
Slack's API does. The two public functions return Slack-style messages (`[ERROR] … [json-pointer:/…]`),
an empty list meaning the payload is acceptable; copbot's builder tests reuse them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
VIEW_TYPES = ("modal", "home", "workflow_step")
OPTION_ELEMENTS = ("static_select", "multi_static_select", "radio_buttons", "checkboxes", "overflow")
TEXT_INPUT_MAX = 3000
# A picker's initial value, in the form Slack reads: a date "YYYY-MM-DD", a time "HH:mm" (24-hour).
PICKER_FORMATS = {
    "datepicker": ("initial_date", re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")),
    "timepicker": ("initial_time", re.compile(r"([01]\d|2[0-3]):[0-5]\d")),
}


def check_message_blocks(blocks: Any) -> list[str]:
    """Problems with a message's `blocks` (chat.postMessage, chat.update, response_url posts)."""
    return _blocks(blocks, MESSAGE_BLOCK_LIMIT, "/blocks")


def check_view(view: Any) -> list[str]:
    """Problems with a modal or Home tab view (views.open/push/update/publish)."""
    if not isinstance(view, dict):
        return [_err("must be an object", "/view")]
    if "blocks" not in view:
        return [*_view_fields(view), _err("missing required field: blocks", "/view/blocks")]
    return [*_view_fields(view), *_blocks(view["blocks"], VIEW_BLOCK_LIMIT, "/view/blocks")]


def _err(what: str, where: str) -> str:
    return f"[ERROR] {what} [json-pointer:{where}]"


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return "" if value is None else str(value)


def _max(value: Any, limit: int, where: str) -> list[str]:
    return [_err(f"must be less than {limit + 1} characters", where)] if len(_text(value)) > limit else []


def _count(items: Any, limit: int, where: str) -> list[str]:
    return [_err(f"no more than {limit} items allowed", where)] if len(items or []) > limit else []


def _view_fields(view: dict[str, Any]) -> list[str]:
    if view.get("type") not in VIEW_TYPES:
        return [_err(f"must be one of {', '.join(VIEW_TYPES)}", "/view/type")]
    problems = [
        *_max(view.get("private_metadata"), 3000, "/view/private_metadata"),
        *_max(view.get("callback_id"), 255, "/view/callback_id"),
        *_max(view.get("external_id"), 255, "/view/external_id"),
    ]
    if view["type"] == "modal":
        problems += _modal_chrome(view)
    return problems


def _modal_chrome(view: dict[str, Any]) -> list[str]:
    """Title, submit and close: the modal's frame, which Slack limits to 24 characters each."""
    problems = [*_max(view.get("submit"), 24, "/view/submit"), *_max(view.get("close"), 24, "/view/close")]
    title = _text(view.get("title"))
    if not title:
        problems.append(_err("missing required field: title", "/view/title"))
    problems += _max(title, 24, "/view/title/text")
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or [])
    if has_input and not view.get("submit"):
        problems.append(_err("must provide a submit property when using input blocks", "/view/submit"))
    return problems


def _blocks(blocks: Any, limit: int, where: str) -> list[str]:
    if not isinstance(blocks, list):
        return [_err("must be an array", where)]
    problems = _count(blocks, limit, where)
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        problems += _block(block, f"{where}/{index}", seen)
    return problems


def _block(block: Any, where: str, seen: set[str]) -> list[str]:
    if not isinstance(block, dict) or "type" not in block:
        return [_err("must be an object with a type", where)]
    problems = _max(block.get("block_id"), 255, f"{where}/block_id")
    block_id = block.get("block_id")
    if block_id in seen:
        problems.append(_err(f"duplicate block_id {block_id!r}", f"{where}/block_id"))
    if isinstance(block_id, str):
        seen.add(block_id)
    check = _BLOCK_CHECKS.get(block["type"])
    return problems + (check(block, where) if check else [])


def _section(block: dict[str, Any], where: str) -> list[str]:
    fields = block.get("fields") or []
    problems = [*_max(block.get("text"), 3000, f"{where}/text"), *_count(fields, 10, f"{where}/fields")]
    for index, field in enumerate(fields):
        problems += _max(field, 2000, f"{where}/fields/{index}")
    if "accessory" in block:
        problems += _element(block["accessory"], f"{where}/accessory")
    return problems


def _header(block: dict[str, Any], where: str) -> list[str]:
    if not _text(block.get("text")):
        return [_err("missing required field: text", f"{where}/text")]
    return _max(block.get("text"), 150, f"{where}/text")


def _elements(limit: int) -> Callable[[dict[str, Any], str], list[str]]:
    """Checks for blocks holding a list of elements (actions: 25, context: 10)."""

    def check(block: dict[str, Any], where: str) -> list[str]:
        elements = block.get("elements") or []
        problems = _count(elements, limit, f"{where}/elements")
        action_ids = [e.get("action_id") for e in elements if isinstance(e, dict) and e.get("action_id")]
        if len(action_ids) != len(set(action_ids)):
            problems.append(_err("action_id must be unique within a block", f"{where}/elements"))
        for index, element in enumerate(elements):
            problems += _element(element, f"{where}/elements/{index}")
        return problems

    return check


def _input(block: dict[str, Any], where: str) -> list[str]:
    if not _text(block.get("label")):
        return [_err("missing required field: label", f"{where}/label")]
    problems = [
        *_max(block.get("label"), 2000, f"{where}/label"),
        *_max(block.get("hint"), 2000, f"{where}/hint"),
    ]
    if not isinstance(block.get("element"), dict):
        return [*problems, _err("missing required field: element", f"{where}/element")]
    return problems + _element(block["element"], f"{where}/element")


def _element(element: Any, where: str) -> list[str]:
    if not isinstance(element, dict):
        return [_err("must be an object", where)]
    problems = [
        *_max(element.get("action_id"), 255, f"{where}/action_id"),
        *_max(element.get("placeholder"), 150, f"{where}/placeholder"),
    ]
    kind = element.get("type")
    if kind == "button":
        problems += _button(element, where)
    elif kind in OPTION_ELEMENTS:
        problems += _options(element, where)
    elif kind == "plain_text_input":
        problems += _text_input_lengths(element, where)
    elif kind in PICKER_FORMATS:
        problems += _picker(element, where)
    return problems


def _button(element: dict[str, Any], where: str) -> list[str]:
    return [
        *_max(element.get("text"), 75, f"{where}/text"),
        *_max(element.get("value"), 2000, f"{where}/value"),
        *_max(element.get("url"), 3000, f"{where}/url"),
    ]


def _options(element: dict[str, Any], where: str) -> list[str]:
    problems = _option_list(element.get("options"), f"{where}/options")
    groups = element.get("option_groups") or []
    problems += _count(groups, 100, f"{where}/option_groups")
    for index, group in enumerate(groups):
        group_where = f"{where}/option_groups/{index}"
        problems += _max(group.get("label"), 75, f"{group_where}/label")
        problems += _option_list(group.get("options"), f"{group_where}/options")
    return problems


def _option_list(options: Any, where: str) -> list[str]:
    problems = _count(options, 100, where)
    for index, option in enumerate(options or []):
        problems += _max(option.get("text"), 75, f"{where}/{index}/text")
        problems += _max(option.get("value"), 150, f"{where}/{index}/value")
    return problems


def _text_input_lengths(element: dict[str, Any], where: str) -> list[str]:
    problems = []
    minimum, maximum = element.get("min_length"), element.get("max_length")
    if minimum is not None and not 0 <= minimum <= TEXT_INPUT_MAX:
        problems.append(_err(f"must be between 0 and {TEXT_INPUT_MAX}", f"{where}/min_length"))
    if maximum is not None and not 1 <= maximum <= TEXT_INPUT_MAX:
        problems.append(_err(f"must be between 1 and {TEXT_INPUT_MAX}", f"{where}/max_length"))
    return problems


def _picker(element: dict[str, Any], where: str) -> list[str]:
    key, form = PICKER_FORMATS[element["type"]]
    if key in element and form.fullmatch(str(element[key])) is None:
        return [_err(f"{key} is not in the expected format", f"{where}/{key}")]
    return []


_BLOCK_CHECKS: dict[str, Callable[[dict[str, Any], str], list[str]]] = {
    "section": _section,
    "header": _header,
    "actions": _elements(25),
    "context": _elements(10),
    "input": _input,
}
