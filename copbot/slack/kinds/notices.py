"""Notes to one person, and replies to the message they clicked (through its response_url)."""

from __future__ import annotations

from typing import Any

from slack_sdk.webhook import WebhookClient

from copbot.services import notices
from copbot.slack.blocks.common import escape
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Refused, Sent

RESPONSE_URL_TIMEOUT = 10


def post_to_response_url(url: str, body: dict[str, Any]) -> None:
    """POST to a click's response_url; anything but 200 is a refusal the sender classifies."""
    response = WebhookClient(url, timeout=RESPONSE_URL_TIMEOUT).send_dict(body)
    if response.status_code != 200:  # noqa: PLR2004 - Slack answers exactly 200 "ok"
        raise Refused(response.status_code, str(response.body or "").strip()[:100])


class Notice(DeliveryKind):
    """A catalog message in the person's language: beside the message they clicked, or by DM."""

    name = notices.NOTICE

    def send(self, out: Outgoing) -> Sent | None:
        user_id = str(out.payload["user_id"])
        params = {k: escape(v) if isinstance(v, str) else v for k, v in out.payload["params"].items()}
        text = out.translator_for(user_id).gettext(str(out.payload["message"]), **params)
        url = out.payload.get("response_url")
        if url:
            post_to_response_url(
                str(url), {"response_type": "ephemeral", "replace_original": False, "text": text}
            )
            return Sent()
        return out.post(user_id, {"text": text})


class Respond(DeliveryKind):
    """A body for a response_url, as the request decided it (e.g. delete the message clicked)."""

    name = notices.RESPOND

    def send(self, out: Outgoing) -> Sent | None:
        post_to_response_url(str(out.payload["response_url"]), dict(out.payload["body"]))
        return Sent()


KINDS: tuple[DeliveryKind, ...] = (Notice(), Respond())
