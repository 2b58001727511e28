"""Small Block Kit pieces shared by the builders."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str, **extra: Any) -> Block:
    return {"type": "section", "text": mrkdwn(text), **extra}


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text) for text in texts]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text[:150])}


def divider() -> Block:
    return {"type": "divider"}


def escape(text: str) -> str:
    """Escape user-provided text for mrkdwn, as Slack asks (&, < and >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
