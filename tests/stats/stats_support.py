"""Helpers of the stats tests: what an ephemeral answer shows, and the files copbot shared in a DM."""

from __future__ import annotations

from typing import Any


def answer_text(response: Any) -> str:
    """Everything the command's own ephemeral answer shows, header and sections included."""
    body = response.json
    assert body is not None, response.text
    return _shown(body)


def figures_text(workspace: Any, user_id: str) -> str:
    """What the person sees once copbot has counted: the answer it sent to the command's response_url."""
    answers = workspace.responses(user_id)
    assert answers, "copbot sent no figures"
    assert answers[-1].get("replace_original") is True
    return _shown(answers[-1])


def _shown(body: dict[str, Any]) -> str:
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
