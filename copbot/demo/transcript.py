"""Turning what the sandbox recorded into lines a person can read, as they would see it in Slack."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

Echo = Callable[[str], None]
WIDTH = 88


def blocks_to_lines(blocks: list[dict[str, Any]]) -> list[str]:
    """A plain-text rendering of Block Kit: what the reader would see, roughly, without the styling."""
    lines: list[str] = []
    for block in blocks:
        lines.extend(_block_lines(block))
    return lines


def _block_lines(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind in {"section", "header"}:
        lines = _text_lines(block.get("text"))
        lines += [line for field in block.get("fields", []) for line in _text_lines(field)]
        if "accessory" in block:
            lines += _element_lines(block["accessory"])
        return lines
    if kind == "context":
        return [line for element in block.get("elements", []) for line in _text_lines(element)]
    if kind == "actions":
        return [" ".join(f"[{_label(element)}]" for element in block.get("elements", []))]
    if kind == "input":
        return [f"{_text(block.get('label'))}: {_describe_input(block.get('element', {}))}"]
    if kind == "divider":
        return ["─" * 20]
    return []


def _element_lines(element: dict[str, Any]) -> list[str]:
    return [f"[{_label(element)}]"]


def _label(element: dict[str, Any]) -> str:
    return _text(element.get("text")) or _text(element.get("placeholder")) or element.get("type", "")


def _describe_input(element: dict[str, Any]) -> str:
    kind = element.get("type", "")
    if "options" in element:
        options = ", ".join(_text(option.get("text")) for option in element["options"])
        return f"<{kind}: {options}>"
    initial = element.get("initial_value")
    return f"<{kind}{': ' + initial if initial else ''}>"


def _text_lines(text_object: Any) -> list[str]:
    text = _text(text_object)
    return text.splitlines() if text else []


def _text(text_object: Any) -> str:
    if isinstance(text_object, dict):
        return str(text_object.get("text", ""))
    return str(text_object or "")


class Transcript:
    """Prints the story: a heading per step, then each thing a person saw, indented."""

    def __init__(self, echo: Echo, total_steps: int) -> None:
        self._echo = echo
        self._total = total_steps
        self._step = 0

    def step(self, title: str) -> None:
        self._step += 1
        self._echo("")
        self._echo(f"[{self._step}/{self._total}] {title}")

    def show(self, who: str, where: str, lines: list[str]) -> None:
        self._echo(f"  {who} sees {where}:")
        for line in lines or ["(empty)"]:
            for wrapped in textwrap.wrap(line, WIDTH - 6) or [""]:
                self._echo(f"    │ {wrapped}")

    def note(self, text: str) -> None:
        self._echo(f"  {text}")
