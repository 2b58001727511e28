"""Drive the app under test the way Slack does: signed HTTP requests to its Request URL."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from copbot.sandbox import payloads, viewstore
from copbot.sandbox.server import SlackSandbox
from copbot.sandbox.world import Workspace

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TIMEOUT = 10.0


@dataclass(frozen=True)
class DriverResponse:
    """The app's answer; header names are lower-cased."""

    status: int
    headers: dict[str, str]
    text: str

    @property
    def ok(self) -> bool:
        return self.status == 200  # noqa: PLR2004 - Slack wants exactly 200

    @property
    def json(self) -> dict[str, Any] | None:
        try:
            parsed = json.loads(self.text)
        except json.JSONDecodeError:
            return None
        return parsed if isinstance(parsed, dict) else None


class SlackDriver:
    def __init__(
        self,
        sandbox: SlackSandbox,
        app_url: str,
        signing_secret: str,
        *,
        settle: Callable[[], object] | None = None,
    ) -> None:
        """`settle`, when given, runs after each request: e.g. wait until the app sent what it decided."""
        if not app_url.startswith(("http://", "https://")):
            raise ValueError(f"app_url must be an http(s) URL, not {app_url!r}")
        self.sandbox = sandbox
        self.app_url = app_url
        self._verifier = SignatureVerifier(signing_secret)
        self._settle = settle

    def command(
        self,
        ws: Workspace,
        user_id: str,
        text: str = "",
        command: str = "/cop",
        channel_id: str | None = None,
    ) -> DriverResponse:
        """A slash command; typed in the user's DM with the bot unless a channel is given."""
        channel = channel_id or ws.open_dm(user_id)
        form = payloads.command_form(ws, user_id, command=command, text=text, channel_id=channel)
        return self.post(urlencode(form).encode(), FORM)

    def action(
        self,
        ws: Workspace,
        user_id: str,
        action_id: str,
        *,
        value: str | None = None,
        block_id: str | None = None,
        view: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        channel_id: str | None = None,
        selected_option: dict[str, Any] | None = None,
        selected_user: str | None = None,
    ) -> DriverResponse:
        """A block_actions click: in a modal or Home tab (`view`), or in a message (`message`)."""
        chosen = {
            "block_id": block_id,
            "value": value,
            "selected_option": selected_option,
            "selected_user": selected_user,
        }
        payload = payloads.click(
            ws, user_id, action_id, view=view, message=message, channel_id=channel_id, chosen=chosen
        )
        return self._interactive(payload)

    def submit(
        self, ws: Workspace, user_id: str, view: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]]
    ) -> DriverResponse:
        """Submit a modal the sandbox holds with these input values, then apply the app's response_action."""
        held = viewstore.set_values(ws, view["id"], values)
        response = self._interactive(payloads.view_submission(ws, user_id, held))
        if response.ok:
            viewstore.apply_submission_ack(ws, user_id, held["id"], response.json)
        return response

    def close(self, ws: Workspace, user_id: str, view: dict[str, Any]) -> DriverResponse:
        """The user dismisses a modal (Slack sends this only for views with notify_on_close)."""
        response = self._interactive(payloads.view_closed(ws, user_id, view))
        viewstore.close_view(ws, view["id"])
        return response

    def event(
        self,
        ws: Workspace,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> DriverResponse:
        """An Events API delivery; give retry_num (and the same event_id) to replay a redelivery."""
        body = json.dumps(payloads.event_callback(ws, event, event_id)).encode()
        retry = (
            {}
            if retry_num is None
            else {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        )
        return self.post(body, JSON, extra_headers=retry)

    def _interactive(self, payload: dict[str, Any]) -> DriverResponse:
        return self.post(urlencode({"payload": json.dumps(payload)}).encode(), FORM)

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        age: int | None = None,
        signature: str | None = None,
        sign: bool = True,
        extra_headers: dict[str, str] | None = None,
    ) -> DriverResponse:
        """POST raw bytes; `sign=False` sends no signature headers, `signature`/`timestamp` forge them.

        `age`: sign as if sent that many seconds ago (negative: in the future), counted when sending.
        """
        headers = {"Content-Type": content_type, **(extra_headers or {})}
        if sign:
            if timestamp is None:
                timestamp = int(time.time()) - (age or 0)
            stamp = str(timestamp)
            headers["X-Slack-Request-Timestamp"] = stamp
            computed = self._verifier.generate_signature(timestamp=stamp, body=body.decode())
            headers["X-Slack-Signature"] = signature or computed or ""
        request = urllib.request.Request(self.app_url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) checked in __init__
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 - http(s) checked in __init__
                response = _response(answer.status, answer.headers.items(), answer.read())
        except urllib.error.HTTPError as error:
            response = _response(error.code, error.headers.items(), error.read())
        if self._settle is not None:
            self._settle()
        return response


def _response(status: int, headers: list[tuple[str, str]], body: bytes) -> DriverResponse:
    return DriverResponse(status, {name.lower(): value for name, value in headers}, body.decode())
