"""A corpus of bad requests to /slack/events: headers, bodies, commands, views, actions and events.

Each entry is a name (the test id) and a Bad: the body, its content type, and how it is signed. Bodies are
built from a template that Slack could send, then broken in one place each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from copbot.slack import ids

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TEAM, USER, CHANNEL = "T0ACME001", "U0S0000001", "C0S0000009"


@dataclass(frozen=True)
class Bad:
    body: bytes
    content_type: str = FORM
    # None: a correct signature at send time; otherwise the headers to send instead (values may be None).
    headers: dict[str, str | None] | None = None
    offset: int | None = (
        None  # seconds added to the send time, for a correctly signed stale or future request
    )
    extra: dict[str, str] = field(default_factory=dict)


def _form(fields: dict[str, Any]) -> bytes:
    return urlencode(fields).encode()


def _payload(payload: Any) -> bytes:
    return _form({"payload": json.dumps(payload)})


def command(**changes: Any) -> dict[str, Any]:
    fields = {
        "team_id": TEAM,
        "team_domain": "acme",
        "channel_id": CHANNEL,
        "user_id": USER,
        "command": ids.COMMAND,
        "text": "help",
        "api_app_id": "A0SANDBOX1",
        "response_url": "http://127.0.0.1:9/hooks/commands",
        "trigger_id": "1.2.3",
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not None}


def view_submission(callback_id: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": USER, "team_id": TEAM},
        "api_app_id": "A0SANDBOX1",
        "trigger_id": "1.2.3",
        "view": {
            "id": "V0S0000001",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": "",
            "blocks": [],
            "state": {"values": {"title": {"title_input": {"type": "plain_text_input", "value": "x"}}}},
        },
    }


def block_actions(action_id: str, value: Any = "1") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": USER, "team_id": TEAM},
        "api_app_id": "A0SANDBOX1",
        "trigger_id": "1.2.3",
        "container": {"type": "view", "view_id": "V0S0000002"},
        "view": {"id": "V0S0000002", "type": "home", "callback_id": "", "blocks": []},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
    }


def event_callback(inner: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    envelope = {
        "team_id": TEAM,
        "api_app_id": "A0SANDBOX1",
        "type": "event_callback",
        "event_id": "Ev0BADREQ01",
        "event_time": 1,
        "event": inner,
        "authorizations": [{"team_id": TEAM, "user_id": "U0S0BOT", "is_bot": True}],
    }
    envelope.update(changes)
    return envelope


def _set(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of `document` with the dotted `path` set to `value` (or removed when value is ...)."""
    copy = deepcopy(document)
    *parents, last = path.split(".")
    target = copy
    for key in parents:
        target = target[key]
    if value is ...:
        target.pop(last, None)
    else:
        target[last] = value
    return copy


def header_cases() -> Iterator[tuple[str, Bad]]:
    body = _form(command())
    timestamps = {"abc": "abc", "empty": "", "decimal": "1.5", "400 digits": "9" * 400, "negative": "-5"}
    timestamps |= {"spaces": " 1 ", "hex": "0x10", "superscript": "¹²³", "exponent": "1e9", "zero": "0"}
    for name, stamp in timestamps.items():
        yield (
            f"timestamp {name}",
            Bad(body, headers={"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + "0" * 64}),
        )
    signatures = {
        "none": None,
        "empty": "",
        "prefix only": "v0=",
        "v1": "v1=" + "0" * 64,
        "short": "v0=" + "a" * 63,
    }
    signatures |= {
        "upper": "v0=" + "A" * 64,
        "garbage": "<script>",
        "long": "v0=" + "0" * 5000,
        "zeros": "v0=" + "0" * 64,
    }
    for name, signature in signatures.items():
        yield (
            f"signature {name}",
            Bad(body, headers={"X-Slack-Request-Timestamp": "NOW", "X-Slack-Signature": signature}),
        )
    yield "no headers", Bad(body, headers={})
    yield "stale by 6 minutes", Bad(body, offset=-360)
    yield "future by 6 minutes", Bad(body, offset=360)
    yield "stale by a day", Bad(body, offset=-86400)
    yield "oversized body of 1 MB", Bad(b"text=" + b"a" * (1024 * 1024))
    yield "unsigned payload=%7Bx", Bad(b"payload=%7Bx", headers={})
    yield "unsigned 2 MB", Bad(b"x" * (2 * 1024 * 1024), headers={})
    yield (
        "unsigned json",
        Bad(json.dumps(event_callback({"type": "app_home_opened"}, {})).encode(), JSON, headers={}),
    )


def body_cases() -> Iterator[tuple[str, Bad]]:
    raw = {
        "payload=%7Bx": (b"payload=%7Bx", FORM),
        "payload list": (b"payload=%5B%5D", FORM),
        "payload string": (b"payload=%22x%22", FORM),
        "payload null": (b"payload=null", FORM),
        "payload number": (b"payload=5", FORM),
        "json list": (b"[1, 2]", JSON),
        "json truncated": (b'{"type": "event_callback"', JSON),
        "json string": (b'"event_callback"', JSON),
        "not utf-8": (b"payload=\xff\xfe", FORM),
        "not utf-8 json": (b'{"type": "\xff"}', JSON),
        "empty body": (b"", FORM),
        "unknown form": (b"a=b&c=d", FORM),
        "deep json": (b'{"a":' * 5000 + b"1" + b"}" * 5000, JSON),
        "deep payload": (_form({"payload": "[" * 5000 + "]" * 5000}), FORM),
        "type null": (json.dumps({"type": None}).encode(), JSON),
        "type object": (json.dumps({"type": {"a": 1}}).encode(), JSON),
    }
    for name, (body, content_type) in raw.items():
        yield f"body {name}", Bad(body, content_type)


def command_cases() -> Iterator[tuple[str, Bad]]:
    changes: dict[str, dict[str, Any]] = {
        "no team": {"team_id": None},
        "empty team": {"team_id": ""},
        "team of 40": {"team_id": "T" * 40},
        "lower-case team": {"team_id": "t0acme001"},
        "no user": {"user_id": None},
        "user of 40": {"user_id": "U" * 40},
        "user markup": {"user_id": "<@U1>"},
        "channel of 40": {"channel_id": "C" * 40},
        "channel unicode": {"channel_id": "C0ÉÉ"},
        "no command": {"command": None, "type": "x"},
        "other command": {"command": "/other"},
        "command of 300": {"command": "/" + "c" * 300},
        "team enterprise id": {"team_id": "E1", "enterprise_id": "e" * 40},
    }
    for name, change in changes.items():
        yield f"command {name}", Bad(_form(command(**change)))


OTHER_VIEWS = (
    ids.SESSION_NEW_VIEW,
    ids.SESSION_EDIT_VIEW,
    ids.SESSION_CANCEL_VIEW,
    ids.SESSION_ATTENDANCE_VIEW,
    ids.COMMUNITY_DELETE_VIEW,
    ids.HOME_SEARCH_VIEW,
    ids.STORY_EDIT_VIEW,
    ids.PAIR_LEARNED_VIEW,
    ids.PAIR_PREFERENCES_VIEW,
)


def view_cases() -> Iterator[tuple[str, Bad]]:
    defects: dict[str, tuple[str, Any]] = {
        "no view": ("view", ...),
        "view string": ("view", "x"),
        "no state": ("view.state", ...),
        "state null": ("view.state", None),
        "state string": ("view.state", "x"),
        "values list": ("view.state.values", []),
        "block string": ("view.state.values.title", "x"),
        "element string": ("view.state.values.title.title_input", "x"),
        "metadata object": ("view.private_metadata", {"community_id": 1}),
        "metadata number": ("view.private_metadata", 5),
        "metadata of 5000": ("view.private_metadata", "a" * 5000),
        "blocks string": ("view.blocks", "x"),
        "no user": ("user", ...),
        "user id number": ("user.id", 5),
        "team string": ("team", TEAM),
        "team of 40": ("team.id", "T" * 40),
        "no trigger": ("trigger_id", ...),
        "callback number": ("view.callback_id", 7),
    }
    for callback_id in (ids.CREATE_VIEW, ids.EDIT_VIEW, ids.JOIN_VIEW, ids.LEAVE_VIEW, ids.SHARE_VIEW):
        for name, (path, value) in defects.items():
            yield f"view {callback_id} {name}", Bad(_payload(_set(view_submission(callback_id), path, value)))
    for callback_id in OTHER_VIEWS:  # every other form: what it reads of the answers
        for name in ("no state", "state null", "values list", "block string", "element string"):
            path, value = defects[name]
            yield f"view {callback_id} {name}", Bad(_payload(_set(view_submission(callback_id), path, value)))
    for callback_id in (ids.JOIN_VIEW, ids.SHARE_VIEW, ids.CREATE_VIEW):
        forged = _set(view_submission(callback_id), "view.private_metadata", "eyJjb21tdW5pdHlfaWQiOjF9.0000")
        yield f"view {callback_id} forged seal", Bad(_payload(forged))
    yield "view unknown callback", Bad(_payload(view_submission("no_such_view")))


def action_cases() -> Iterator[tuple[str, Bad]]:
    values: dict[str, Any] = {
        "20 digits": "1" * 20,
        "5000 digits": "1" * 5000,
        "negative": "-1",
        "letters": "abc",
        "none": None,
        "number": 7,
        "list": ["1"],
        "unicode digits": "١٢",
    }
    for action_id in (ids.JOIN_BUTTON, ids.LEAVE_BUTTON, ids.SHARE_BUTTON):
        for name, value in values.items():
            yield f"action {action_id} value {name}", Bad(_payload(block_actions(action_id, value)))
    defects: dict[str, tuple[str, Any]] = {
        "no actions": ("actions", ...),
        "empty actions": ("actions", []),
        "actions object": ("actions", {"action_id": ids.JOIN_BUTTON}),
        "action string": ("actions", ["x"]),
        "no trigger": ("trigger_id", ...),
        "user string": ("user", USER),
        "team of 40": ("team.id", "T" * 40),
        "view string": ("view", "x"),
    }
    for name, (path, value) in defects.items():
        yield f"action {name}", Bad(_payload(_set(block_actions(ids.JOIN_BUTTON), path, value)))
    yield (
        "action id number",
        Bad(_payload(_set(block_actions(ids.JOIN_BUTTON), "actions", [{"action_id": 5}]))),
    )
    yield "action unknown id", Bad(_payload(block_actions("no_such_button")))


def event_cases() -> Iterator[tuple[str, Bad]]:
    home = {"type": "app_home_opened", "user": USER, "tab": "home", "channel": "D0S0000001"}
    joined = {"type": "member_joined_channel", "user": USER, "channel": CHANNEL, "channel_type": "C"}
    changes: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
        "event_id of 65": (home, {"event_id": "E" * 65}),
        "event_id of 400": (home, {"event_id": "E" * 400}),
        "event_id symbols": (home, {"event_id": "Ev'; DROP"}),
        "event_id number": (home, {"event_id": 5}),
        "no event": (home, {"event": None}),
        "event string": (home, {"event": "x"}),
        "event type number": ({**home, "type": 5}, {}),
        "home user number": ({**home, "user": 5}, {}),
        "home user of 40": ({**home, "user": "U" * 40}, {}),
        "home tab object": ({**home, "tab": {"a": 1}}, {}),
        "joined channel list": ({**joined, "channel": ["C1"]}, {}),
        "joined no user": ({key: v for key, v in joined.items() if key != "user"}, {}),
        "team of 40": (home, {"team_id": "T" * 40}),
        "no team": (home, {"team_id": None}),
        "authorizations object": (home, {"authorizations": {"team_id": TEAM}}),
        "authorizations strings": (home, {"authorizations": ["x"]}),
        "authorizations team number": (home, {"authorizations": [{"team_id": 5}]}),
        "shared channel string": (home, {"is_ext_shared_channel": "yes"}),
        "unknown event": ({"type": "reaction_added", "user": USER}, {}),
        "url_verification object": ({}, {"type": "url_verification", "challenge": {"a": 1}}),
    }
    for name, (event, change) in changes.items():
        envelope = event_callback(event, change)
        yield (
            f"event {name}",
            Bad(json.dumps({k: v for k, v in envelope.items() if v is not None}).encode(), JSON),
        )


CASES: list[Callable[[], Iterator[tuple[str, Bad]]]] = [
    header_cases,
    body_cases,
    command_cases,
    view_cases,
    action_cases,
    event_cases,
]


def corpus() -> list[tuple[str, Bad]]:
    return [case for make in CASES for case in make()]
