"""Helpers of the stats tests: what an ephemeral answer shows, and the files copbot shared in a DM."""

from __future__ import annotations

from typing import Any


def answer_text(response: Any) -> str:
    """Everything an ephemeral answer shows, header and sections included."""
    body = response.json
    assert body is not None, response.text
    assert body["response_type"] == "ephemeral", body
    texts = [body.get("text", "")]
    for block in body.get("blocks", []):
        text = block.get("text")
        texts.append(text["text"] if isinstance(text, dict) else "")
        texts += [
            element.get("text", "") for element in block.get("elements", []) if isinstance(element, dict)
        ]
    return "\n".join(texts)


def shared_files(workspace: Any, user_id: str) -> list[dict[str, Any]]:
    """The files copbot shared in its DM with the person, with the bytes the sandbox received."""
    files = [f for message in workspace.dm_messages(user_id) for f in message.get("files", [])]
    with workspace.lock:
        return [{**f, "data": workspace.state.files[f["id"]]["data"]} for f in files]
