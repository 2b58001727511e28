"""Filling in a modal the way a person does in Slack: what they type or pick, the rest as pre-filled.

`fill(view, {"name": "Testers", "language": "fr"})` returns the `state.values` Slack would submit:
answers are keyed by block id and given as plain values (text, an option's value, a list of option values
for checkboxes and multi-selects, a channel or user id, "HH:MM", "YYYY-MM-DD"); inputs left alone keep their
`initial_*` value, as in the Slack client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Element = dict[str, Any]


def fill(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    unknown = set(answers) - {block.get("block_id") for block in view.get("blocks", [])}
    if unknown:
        raise KeyError(f"no input blocks {sorted(unknown)} in view {view.get('callback_id')!r}")
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id = block["block_id"]
        answer = answers[block_id] if block_id in answers else _initial(element)
        values[block_id] = {element["action_id"]: _value_object(element, answer)}
    return values


def _options(element: Element) -> list[dict[str, Any]]:
    groups = element.get("option_groups") or []
    return list(element.get("options") or []) + [option for group in groups for option in group["options"]]


def _option(element: Element, value: str) -> dict[str, Any]:
    for option in _options(element):
        if option["value"] == value:
            return option
    raise ValueError(f"{element['action_id']!r} has no option {value!r}")


_INITIAL_KEYS = (
    "initial_value",
    "initial_conversation",
    "initial_channel",
    "initial_user",
    "initial_users",
    "initial_time",
    "initial_date",
)


def _initial(element: Element) -> Any:
    kind = element["type"]
    if "initial_option" in element:
        return element["initial_option"]["value"]
    if "initial_options" in element:
        return [option["value"] for option in element["initial_options"]]
    for key in _INITIAL_KEYS:
        if key in element:
            return element[key]
    return [] if kind.startswith("multi_") or kind == "checkboxes" else None


_SINGLE: dict[str, str] = {
    "conversations_select": "selected_conversation",
    "channels_select": "selected_channel",
    "users_select": "selected_user",
    "timepicker": "selected_time",
    "datepicker": "selected_date",
}
_MULTI: dict[str, str] = {
    "multi_conversations_select": "selected_conversations",
    "multi_channels_select": "selected_channels",
    "multi_users_select": "selected_users",
}


def _value_object(element: Element, answer: Any) -> dict[str, Any]:
    kind = element["type"]
    builders: dict[str, Callable[[], dict[str, Any]]] = {
        "static_select": lambda: {
            "selected_option": _option(element, answer) if answer is not None else None
        },
        "radio_buttons": lambda: {
            "selected_option": _option(element, answer) if answer is not None else None
        },
        "checkboxes": lambda: {"selected_options": [_option(element, value) for value in answer]},
        "multi_static_select": lambda: {"selected_options": [_option(element, value) for value in answer]},
    }
    if kind in builders:
        return {"type": kind, **builders[kind]()}
    if kind in _SINGLE:
        # A time picker given a zone sends it back with the time, as Slack does.
        zone = {"timezone": element["timezone"]} if "timezone" in element else {}
        return {"type": kind, _SINGLE[kind]: answer, **zone}
    if kind in _MULTI:
        return {"type": kind, _MULTI[kind]: list(answer)}
    return {"type": kind, "value": answer if answer != "" else None}
