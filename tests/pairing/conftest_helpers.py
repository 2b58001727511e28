"""What a person reads in a message: its text and its blocks' texts."""

from __future__ import annotations

from typing import Any


def texts(message: dict[str, Any]) -> str:
    """Every text of a message, its blocks included, joined: what the reader sees."""
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        parts.append((block.get("text") or {}).get("text", ""))
        parts += [
            element.get("text", "")
            for element in block.get("elements", [])
            if isinstance(element.get("text"), str)
        ]
        parts += [
            (element.get("text") or {}).get("text", "")
            for element in block.get("elements", [])
            if isinstance(element.get("text"), dict)
        ]
    return "\n".join(parts)
