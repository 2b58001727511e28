"""Drive the app under test the way Slack does in Socket Mode: envelopes on its open WebSocket.

The payloads are the ones the HTTP driver signs and posts (copbot.sandbox.payloads), so a listener sees
the same body either way; each method returns the payload of the app's ack, or None for a bare ack.
"""

from __future__ import annotations

import uuid
from typing import Any

from copbot.sandbox import payloads, viewstore
from copbot.sandbox.server import SlackSandbox
from copbot.sandbox.world import Workspace

TIMEOUT = 10.0


class SocketModeDriver:
    def __init__(self, sandbox: SlackSandbox, *, timeout: float = TIMEOUT) -> None:
        self.sandbox = sandbox
        self.timeout = timeout

    def command(
        self,
        ws: Workspace,
        user_id: str,
        text: str = "",
        command: str = "/cop",
        channel_id: str | None = None,
    ) -> dict[str, Any] | None:
        """A slash command; typed in the user's DM with the bot unless a channel is given."""
        channel = channel_id or ws.open_dm(user_id)
        form = payloads.command_form(ws, user_id, command=command, text=text, channel_id=channel)
        return self.deliver(ws, "slash_commands", form, accepts_response_payload=True)

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
    ) -> dict[str, Any] | None:
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
        return self.deliver(ws, "interactive", payload, accepts_response_payload=False)

    def submit(
        self, ws: Workspace, user_id: str, view: dict[str, Any], values: dict[str, dict[str, dict[str, Any]]]
    ) -> dict[str, Any] | None:
        """Submit a modal the sandbox holds with these input values, then apply the app's response_action."""
        held = viewstore.set_values(ws, view["id"], values)
        payload = payloads.view_submission(ws, user_id, held)
        ack = self.deliver(ws, "interactive", payload, accepts_response_payload=True)
        viewstore.apply_submission_ack(ws, user_id, held["id"], ack)
        return ack

    def close(self, ws: Workspace, user_id: str, view: dict[str, Any]) -> dict[str, Any] | None:
        """The user dismisses a modal (Slack sends this only for views with notify_on_close)."""
        ack = self.deliver(
            ws, "interactive", payloads.view_closed(ws, user_id, view), accepts_response_payload=False
        )
        viewstore.close_view(ws, view["id"])
        return ack

    def event(
        self,
        ws: Workspace,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> dict[str, Any] | None:
        """An Events API delivery; give retry_attempt (and the same event_id) to replay a redelivery."""
        envelope = payloads.event_callback(ws, event, event_id)
        retry = {"retry_attempt": retry_attempt, "retry_reason": retry_reason}
        return self.deliver(ws, "events_api", envelope, accepts_response_payload=False, **retry)

    def deliver(
        self,
        ws: Workspace,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        **extra: Any,
    ) -> dict[str, Any] | None:
        """Send one envelope on the workspace's newest open connection and wait for the app's ack.

        Raises TimeoutError when no connection is open, or no ack comes, within the driver's timeout.
        """
        connection = self.sandbox.wait_for_socket_connection(ws, self.timeout)
        envelope = {
            "envelope_id": str(uuid.uuid4()),
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }
        answer = connection.request(envelope, self.timeout).get("payload")
        return answer if isinstance(answer, dict) else None
