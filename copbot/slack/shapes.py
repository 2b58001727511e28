"""The shape of what Slack posts, checked before Bolt or a listener reads it.

A signed request can still be forged by whoever holds the signing secret, and Slack's own payloads change:
either way a field of the wrong type (view state as a string, private_metadata as an object, a team id of
40 characters) must end in a clean refusal, not in a KeyError deep inside a listener or a database error
on a column too short. So every field copbot or Bolt reads is typed here, and ids match Slack's alphabet
and fit copbot's columns. Anything else in the payload passes through untouched.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, ValidationError
from slack_bolt import BoltRequest

_SLACK_ID = re.compile(r"[A-Z0-9]{1,32}")  # Slack's ids (T…, U…, C…) are short, upper-case and plain
SlackId = Annotated[StrictStr, Field(pattern=r"^[A-Z0-9]{1,32}$")]
EventId = Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9]{1,64}$")]  # processed_events.event_id is 64 wide
Text = Annotated[StrictStr, Field(max_length=3000)]  # Slack's longest input value and private_metadata
Name = Annotated[StrictStr, Field(max_length=255)]  # callback, action and block ids (Slack allows 255)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Team(_Open):
    id: SlackId


class _User(_Open):
    id: SlackId


class _State(_Open):
    # Each input's own state is read, and refused field by field with a message, by the form readers.
    values: dict[Name, dict[Name, dict[str, Any]]]


class _View(_Open):
    id: SlackId | None = None
    callback_id: Name = ""
    private_metadata: Text = ""
    state: _State | None = None
    blocks: list[dict[str, Any]] = Field(default_factory=list)


class _Action(_Open):
    action_id: Name
    block_id: Name | None = None


class _Interactive(_Open):
    type: Name
    team: _Team | None = None
    user: _User
    view: _View | None = None


class _ViewSubmission(_Interactive):
    type: Literal["view_submission"]
    team: _Team
    view: _View
    trigger_id: Name


class _BlockActions(_Interactive):
    type: Literal["block_actions"]
    actions: Annotated[list[_Action], Field(min_length=1)]
    trigger_id: Name
    response_url: Text | None = None


class _Event(_Open):
    type: Name
    user: SlackId | None = None
    channel: SlackId | None = None
    tab: Name | None = None
    inviter: SlackId | None = None


class _EventCallback(_Open):
    type: Literal["event_callback"]
    team_id: SlackId
    event_id: EventId
    event: _Event
    authorizations: list[dict[str, Any]] | None = None
    is_ext_shared_channel: StrictBool | None = None


class _UrlVerification(_Open):
    type: Literal["url_verification"]
    challenge: Text


class _Command(_Open):
    command: Name
    team_id: SlackId
    user_id: SlackId
    channel_id: SlackId | None = None
    text: StrictStr = ""  # capped by parse_command_text, not refused: the user gets an answer
    trigger_id: Name | None = None


_INTERACTIVE: dict[str, type[_Open]] = {"view_submission": _ViewSubmission, "block_actions": _BlockActions}


def shape_problem(body: dict[str, Any]) -> str | None:
    """What is wrong with a parsed request body ("view_submission: view.state.values.b.a"), or None."""
    model = _model_for(body)
    if model is None:
        return "unknown request"
    try:
        model.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{body.get('type') or 'command'}: {'.'.join(str(part) for part in first['loc'])}"
    return None


class _SslCheck(_Open):
    ssl_check: Literal["1"]


def _model_for(body: dict[str, Any]) -> type[_Open] | None:
    kind = body.get("type")
    if "ssl_check" in body and kind is None:
        return _SslCheck
    if "command" in body and kind is None:
        return _Command
    if kind == "event_callback":
        return _EventCallback
    if kind == "url_verification":
        return _UrlVerification
    if isinstance(kind, str):
        return _INTERACTIVE.get(kind, _Interactive)
    return None


def bolt_problem(request: BoltRequest) -> str | None:
    """Bolt's own reading of the ids (team, user, channel…): each must be a Slack id or absent."""
    context = request.context
    for name in ("team_id", "user_id", "channel_id", "enterprise_id"):
        value = getattr(context, name)
        if value is not None and not (isinstance(value, str) and _is_slack_id(value)):
            return f"context: {name}"
    return None


def _is_slack_id(value: str) -> bool:
    return _SLACK_ID.fullmatch(value) is not None
