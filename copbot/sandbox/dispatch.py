"""One Web API request, start to end: parse, fault, authenticate, rate-limit, run the method, log."""

from __future__ import annotations

import base64
import binascii
import copy
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from copbot.sandbox.api import METHODS, Call
from copbot.sandbox.api.apps import APP_TOKEN_METHODS
from copbot.sandbox.calllog import ApiCall, CallLog
from copbot.sandbox.errors import SlackError
from copbot.sandbox.limits import Fault, Faults, RateLimiter
from copbot.sandbox.scopes import needed_scopes
from copbot.sandbox.state import APP_SCOPES, Hub

logger = logging.getLogger(__name__)

# How Slack reads form values (slack_sdk sends bools as "1"/"0", lists comma-joined, JSON as strings).
BOOL_ARGS = frozenset(
    {
        "include_locale",
        "include_num_members",
        "exclude_archived",
        "return_im",
        "prevent_creation",
        "force",
        "is_private",
        "unfurl_links",
        "unfurl_media",
        "mrkdwn",
        "reply_broadcast",
        "link_names",
        "as_user",
        "include_all_metadata",
        "inclusive",
    }
)
CSV_ARGS = frozenset({"users", "types", "channels"})
JSON_ARGS = frozenset({"blocks", "attachments", "view", "files", "metadata"})
INT_ARGS = frozenset({"limit", "length"})
NO_TOKEN_METHODS = frozenset({"oauth.v2.access"})


@dataclass(frozen=True)
class Reply:
    status: int
    response: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    html: bool = False

    def body(self) -> bytes:
        """JSON, except for 5xx answers, which Slack serves as an HTML error page."""
        if self.html:
            phrase = HTTPStatus(self.status).phrase
            return f"<html><body><h1>{self.status} {phrase}</h1></body></html>".encode()
        return json.dumps(self.response).encode()


def _as_json(value: str) -> Any:
    """Decoded JSON, or the string itself so that the method can name the malformed argument."""
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    **dict.fromkeys(BOOL_ARGS, lambda value: value.lower() in ("1", "true")),
    **dict.fromkeys(CSV_ARGS, lambda value: [part.strip() for part in value.split(",") if part.strip()]),
    **dict.fromkeys(INT_ARGS, lambda value: int(value) if value.isdigit() else value),
    **dict.fromkeys(JSON_ARGS, _as_json),
}


def _normalise(key: str, value: Any) -> Any:
    convert = _CONVERTERS.get(key)
    return convert(value) if convert is not None and isinstance(value, str) else value


def parse_args(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Arguments from the query string and a JSON or url-encoded body, normalised as Slack reads them."""
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            raise SlackError("invalid_json") from None
        args.update(loaded if isinstance(loaded, dict) else {})
    elif text:
        args.update(parse_qsl(text, keep_blank_values=True))
    return {key: _normalise(key, value) for key, value in args.items()}


def _credentials(authorization: str) -> tuple[str | None, tuple[str, str] | None]:
    """A bearer token, or HTTP Basic client credentials (oauth.v2.access)."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value, None
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return None, (client_id, secret)
    return None, None


def _fault_reply(fault: Fault) -> Reply | None:
    if fault.status == HTTPStatus.TOO_MANY_REQUESTS:
        return Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)})
    if fault.status is not None:
        error = "service_unavailable" if fault.status == HTTPStatus.SERVICE_UNAVAILABLE else "internal_error"
        return Reply(fault.status, {"ok": False, "error": error}, html=True)
    if fault.error is not None:
        return Reply(200, {"ok": False, "error": fault.error})
    return None


class WebApi:
    def __init__(self, hub: Hub, log: CallLog, faults: Faults, limiter: RateLimiter) -> None:
        self.hub, self.log, self.faults, self.limiter = hub, log, faults, limiter

    def handle(self, method: str, query: str, body: bytes, *, authorization: str, content_type: str) -> Reply:
        started = time.time()
        fault = self.faults.take(method)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        token, credentials = _credentials(authorization)
        parse_error: SlackError | None = None
        try:
            args = parse_args(query, content_type, body)
        except SlackError as error:
            args, parse_error = {}, error
        form_token = args.pop("token", None)
        token = token or form_token
        app_level = method in APP_TOKEN_METHODS
        ws = self.hub.workspace_for_token(token, app_level=app_level)
        reply = _fault_reply(fault) if fault else None
        if reply is None:
            reply = self._answer(Call(method, args, self.hub, ws, credentials), token, parse_error)
            if fault is not None and fault.answer_delay:
                time.sleep(fault.answer_delay)
        if ws is not None:
            reply.headers["x-oauth-scopes"] = ",".join(APP_SCOPES if app_level else ws.scopes)
        team_id = ws.team_id if ws else None
        # Copies: later changes to the workspace must not rewrite what was sent and answered.
        sent, answered = copy.deepcopy((args, reply.response))
        self.log.record(ApiCall(method, sent, token, team_id, reply.status, answered, time.time(), started))
        return reply

    def _answer(self, call: Call, token: str | None, parse_error: SlackError | None) -> Reply:
        handler = METHODS.get(call.method)
        if handler is None:
            return Reply(200, {"ok": False, "error": "unknown_method", "req_method": call.method})
        refusal = self._refusal(call, token, parse_error)
        if refusal is not None:
            return refusal
        lock = call.workspace.lock if call.workspace else self.hub.lock
        try:
            with lock:
                return Reply(200, {"ok": True, **handler(call)})
        except SlackError as error:
            return Reply(200, error.body)
        except Exception:
            logger.exception("sandbox bug answering %s", call.method)
            return Reply(500, {"ok": False, "error": "internal_error"}, html=True)

    def _refusal(self, call: Call, token: str | None, parse_error: SlackError | None) -> Reply | None:
        """Answers given before the method runs: bad body, missing or unknown token, rate limit."""
        if parse_error is not None:
            return Reply(200, parse_error.body)
        if call.method in NO_TOKEN_METHODS:
            return None
        if call.workspace is None:
            return Reply(200, {"ok": False, "error": self._auth_error(token)})
        missing = _missing_scope(call)
        if missing is not None:
            return missing
        channel = call.args.get("channel")
        retry_after = self.limiter.check(call.workspace.team_id, call.method, channel and str(channel))
        if retry_after is None:
            return None
        return Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})

    def _auth_error(self, token: str | None) -> str:
        """Why a token was refused, in Slack's words.

        A token of the wrong kind (xapp- for a bot method, xoxb- for an app one) is not allowed; a bot token
        of an uninstalled app is revoked; a rotating one past its time has expired.
        """
        if not token:
            return "not_authed"
        with self.hub.lock:
            owner = next((ws for ws in self.hub.workspaces.values() if ws.issued(token)), None)
        if owner is None:
            return "invalid_auth"
        if owner.revoked:
            return "token_revoked"
        return "token_expired" if token.startswith("xoxe.") else "not_allowed_token_type"


def _missing_scope(call: Call) -> Reply | None:
    """Slack's refusal of a method the token's scopes do not cover, naming what is needed and provided."""
    ws = call.ws
    needed = needed_scopes(call.method, call.args, ws.state)
    if not needed or set(needed) & set(ws.scopes):
        return None
    refusal = {"error": "missing_scope", "needed": ",".join(needed), "provided": ",".join(ws.scopes)}
    return Reply(200, {"ok": False, **refusal})
