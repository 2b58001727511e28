"""The door in front of Bolt: what may reach it, and one log line and metrics for every request.

A POST to Slack's path is refused before any parsing when its body is over 1 MB (413), before Bolt when its
signature is missing, malformed, stale or wrong (401), when it replays a command or interaction already
answered (401), and when it does not parse or has fields of the wrong type (400). Refusals are logged in
one short line with the reason, never the body. This check does not depend on any setting: `copbot
serve` cannot run without it. (Socket Mode, `copbot run`, has no HTTP and no signatures: Slack's
WebSocket is authenticated by the app-level token instead.)
"""

from __future__ import annotations

import io
import itertools
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import structlog
from slack_bolt import BoltRequest
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import parse_body
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from copbot import logs, metrics
from copbot.slack.ids import EVENTS_PATH
from copbot.slack.shapes import bolt_problem, shape_problem
from copbot.slack.signature import signature_problem
from copbot.store.db import autocommitted
from copbot.store.replay import first_sight, forget_old

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

MAX_BODY = 1024 * 1024  # Slack's own payloads stay far below; anything bigger is not Slack
SUBCOMMAND_MAX = 16  # longer first words are not subcommands: they stay out of the log
PRUNE_EVERY = 500  # requests between two clean-ups of old signatures, per process
ONCE_ONLY = frozenset(
    {"command", "block_actions", "view_submission", "view_closed", "shortcut", "message_action"}
)
BOLT_REQUEST = "copbot.bolt_request"  # environ: the admitted request as Bolt reads it, parsed once here
log = logs.get_logger("copbot.http")


class Refusal(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


@dataclass(frozen=True)
class Accepted:
    body: bytes
    request: BoltRequest  # what Bolt dispatches (copbot.web), so that the body is parsed only once
    fields: dict[str, str]  # what the request log line says about it: kind, team, user, name, event_id


class SlackGate:
    """WSGI middleware around Bolt's handler; `signing_secret` is required, there is no way around it."""

    def __init__(
        self,
        slack: WSGIApplication,
        *,
        signing_secret: str,
        engine: Engine,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not signing_secret:
            raise ValueError("a signing secret is required to answer Slack over HTTP")
        self._slack, self._secret, self._engine, self._clock = slack, signing_secret, engine, clock
        self._served = itertools.count(1)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        is_slack = path == EVENTS_PATH and environ.get("REQUEST_METHOD") == "POST"
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=uuid.uuid4().hex[:16])
        started, status = time.perf_counter(), [0]

        def recording_start_response(line: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            status[0] = int(line.split(" ", 1)[0])
            return start_response(line, headers, *args)

        try:
            if is_slack:
                return self._guarded(environ, recording_start_response)
            if _declared_length(environ) > MAX_BODY:  # Bolt reads any path's body (install, OAuth redirect)
                structlog.contextvars.bind_contextvars(outcome="refused", reason="body too large")
                return _answer(recording_start_response, 413, "body too large")
            return self._slack(environ, recording_start_response)
        finally:
            self._log(path, is_slack=is_slack, status=status[0], seconds=time.perf_counter() - started)

    def _guarded(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            accepted = self._admit(environ)
        except Refusal as refusal:
            outcome = "error" if refusal.status >= 500 else "refused"  # noqa: PLR2004
            structlog.contextvars.bind_contextvars(outcome=outcome, reason=refusal.reason)
            return _answer(start_response, refusal.status, refusal.reason)
        structlog.contextvars.bind_contextvars(**accepted.fields)
        environ["wsgi.input"] = io.BytesIO(accepted.body)
        environ["CONTENT_LENGTH"] = str(len(accepted.body))
        environ[BOLT_REQUEST] = accepted.request
        return self._slack(environ, start_response)

    def _admit(self, environ: WSGIEnvironment) -> Accepted:
        body = _read_body(environ)
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        problem = signature_problem(self._secret, timestamp, signature, body, self._clock())
        if problem is not None:
            raise Refusal(401, problem)
        request = _parse(body, environ)
        fields = _describe(request.body)
        if fields["kind"] in ONCE_ONLY:
            self._once(str(signature))
        return Accepted(body, request, fields)

    def _once(self, signature: str) -> None:
        now = datetime.fromtimestamp(self._clock(), UTC)
        try:
            with autocommitted(self._engine) as connection:  # each statement is atomic by itself
                if next(self._served) % PRUNE_EVERY == 0:
                    forget_old(connection, now=now)
                seen_before = not first_sight(connection, signature=signature, now=now)
        except DBAPIError:  # the database is away (a restart): a clean answer, Slack shows its own error
            raise Refusal(503, "database unavailable") from None
        if seen_before:
            raise Refusal(401, "replayed")

    def _log(self, path: str, *, is_slack: bool, status: int, seconds: float) -> None:
        context = structlog.contextvars.get_contextvars()
        failed = status == 0 or status >= 500  # noqa: PLR2004 - 0: the application raised
        outcome = context.get("outcome") or ("error" if failed else "ok")
        route = path if path in KNOWN_PATHS else "other"
        metrics.http_request(route, status)
        if is_slack:
            metrics.slack_request(str(context.get("kind") or "unknown"), outcome, seconds)
        log.info("request", path=route, status=status, outcome=outcome, latency_ms=round(seconds * 1000, 1))
        structlog.contextvars.clear_contextvars()


KNOWN_PATHS = frozenset({EVENTS_PATH, "/healthz", "/metrics", "/slack/install", "/slack/oauth_redirect"})


def _declared_length(environ: WSGIEnvironment) -> int:
    declared = str(environ.get("CONTENT_LENGTH") or "0")
    return int(declared) if declared.isascii() and declared.isdigit() else 0


def _read_body(environ: WSGIEnvironment) -> bytes:
    """The body, read only when its declared length is within MAX_BODY."""
    declared = str(environ.get("CONTENT_LENGTH") or "")
    if not declared.isascii() or not declared.isdigit():
        raise Refusal(400, "no content length")
    if int(declared) > MAX_BODY:
        raise Refusal(413, "body too large")
    body: bytes = environ["wsgi.input"].read(int(declared))
    return body


def _parse(body: bytes, environ: WSGIEnvironment) -> BoltRequest:
    """The request as Bolt reads it (headers, query, parsed body), checked for the shape copbot relies on."""
    http = WsgiHttpRequest(environ)
    try:
        text = body.decode("utf-8")
        request = BoltRequest(body=text, query=http.query_string, headers=http.get_headers())
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        raise Refusal(400, _unreadable(body, environ.get("CONTENT_TYPE"))) from None
    problem = shape_problem(request.body) or bolt_problem(request)
    if problem is not None:
        raise Refusal(400, problem)
    return request


def _unreadable(body: bytes, content_type: str | None) -> str:
    """Why Bolt could not read the body: JSON that is not an object, or no readable body at all."""
    try:
        parsed = parse_body(body.decode("utf-8"), content_type)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return "unreadable body"
    return "unreadable body" if isinstance(parsed, dict) else "not an object"


def _describe(body: dict[str, Any]) -> dict[str, str]:
    """Who and what, for the request log line: never the text a person typed."""
    if "command" in body and body.get("type") is None:
        return {
            "kind": "command",
            "name": _subcommand(body),
            "team": body["team_id"],
            "user": body["user_id"],
        }
    kind = str(body.get("type") or "ssl_check")
    if kind == "event_callback":
        event = body["event"]
        return {"kind": "event", "name": event["type"], "team": body["team_id"], "event_id": body["event_id"]}
    fields = {
        "kind": kind,
        "team": (body.get("team") or {}).get("id", ""),
        "user": (body.get("user") or {}).get("id", ""),
    }
    if kind == "block_actions":
        return {**fields, "name": body["actions"][0]["action_id"]}
    return {**fields, "name": (body.get("view") or {}).get("callback_id", "")}


def _subcommand(body: dict[str, Any]) -> str:
    """`/cop join`: the command and its first word when that is a short plain word (a subcommand's name)."""
    words = str(body.get("text", ""))[:SUBCOMMAND_MAX].split()
    name = words[0].lower() if words and words[0].isalpha() and len(words[0]) <= SUBCOMMAND_MAX else ""
    return f"{body['command']} {name}".strip()


def _answer(start_response: StartResponse, status: int, reason: str) -> Iterable[bytes]:
    data = reason.encode()
    phrases = {400: "Bad Request", 401: "Unauthorized", 413: "Content Too Large", 503: "Service Unavailable"}
    start_response(
        f"{status} {phrases[status]}", [("Content-Type", "text/plain"), ("Content-Length", str(len(data)))]
    )
    return [data]
