"""What a kind of delivery is: how to send it when its turn comes, and what to record once it went.

A kind renders its message when it is sent (from the store as it is then, in the recipient's language) and
makes the Slack calls it needs through `Outgoing.client`. It does not handle Slack's refusals: the sender
does that for every kind alike (retries, rate limits, permanent errors).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from copbot.i18n import Translator, normalise_language, translator
from copbot.slack.client import api_error_code
from copbot.slack.people import People, Person
from copbot.store.deliveries import Claimed

METADATA_EVENT = "copbot_delivery"  # message metadata naming the delivery that posted the message
# Public and private channels, whose history copbot may read; a repeat check in DMs would need im:history.
READABLE_CHANNELS = ("C", "G")
LOOKUP_LIMIT = 200  # messages read back when looking for an interrupted post
UNREADABLE = frozenset({"missing_scope", "not_in_channel", "channel_not_found", "thread_not_found"})


class Refused(Exception):
    """A refusal from somewhere other than the Web API (a response_url): treated like Slack's errors."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(f"{status} {error}")
        self.status = status
        self.error = error


@dataclass(frozen=True)
class Sent:
    """What the delivery produced in Slack, for the record and the kind's `after_sent`."""

    channel_id: str | None = None
    ts: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outgoing:
    """Everything a kind may use to send one delivery."""

    delivery: Claimed
    client: WebClient
    people: People
    default_language: str
    now: datetime
    session_factory: sessionmaker[Session]

    @property
    def payload(self) -> dict[str, Any]:
        return self.delivery.payload

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session to read what the message shows; it writes nothing and ends before Slack is called."""
        with self.session_factory() as session:
            yield session
            session.rollback()

    def person(self, user_id: str) -> Person | None:
        return self.people.get(self.client, self.delivery.team_id, user_id)

    def translator_for(self, user_id: str) -> Translator:
        """The person's language as Slack knows it (their locale), else copbot's default."""
        person = self.person(user_id)
        return translator(normalise_language(person.locale if person else None, self.default_language))

    def translator_in(self, language: str | None) -> Translator:
        return translator(normalise_language(language, self.default_language))

    def post(self, channel: str, message: dict[str, Any], **extra: Any) -> Sent:
        """chat.postMessage; for a user id as `channel`, Slack posts in the DM with them.

        Each post carries its work key in the message's metadata. When an earlier attempt was interrupted
        (its sender died after handing the message to Slack, perhaps), the channel is read first and a post
        already there is recorded instead of a second one: chat.postMessage has no idempotency key.
        """
        key = self.delivery.work_key
        if self.delivery.interrupted and channel.startswith(READABLE_CHANNELS):
            found = self._already_posted(channel, key, extra.get("thread_ts"))
            if found is not None:
                return found
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"work_key": key}}
        response = self.client.chat_postMessage(channel=channel, **message, metadata=metadata, **extra)
        return Sent(channel_id=str(response["channel"]), ts=str(response["ts"]))

    def _already_posted(self, channel: str, key: str, thread_ts: str | None) -> Sent | None:
        oldest = f"{self.delivery.created_at.timestamp():.6f}"
        try:
            if thread_ts is None:
                response = self.client.conversations_history(
                    channel=channel, oldest=oldest, limit=LOOKUP_LIMIT, include_all_metadata=True
                )
            else:
                response = self.client.conversations_replies(
                    channel=channel,
                    ts=thread_ts,
                    oldest=oldest,
                    limit=LOOKUP_LIMIT,
                    include_all_metadata=True,
                )
        except SlackApiError as error:
            if api_error_code(error) in UNREADABLE:  # an install from before the scope: post as before
                return None
            raise
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT and (
                (metadata.get("event_payload") or {}).get("work_key") == key
            ):
                return Sent(channel_id=channel, ts=str(message["ts"]))
        return None


class DeliveryKind:
    """Base of every kind: `name` is what `deliveries.kind` stores; `send` must be given."""

    name: str = ""
    # Slack errors that mean the work is already done (e.g. already_in_channel for an invitation).
    done_errors: frozenset[str] = frozenset()

    def send(self, out: Outgoing) -> Sent | None:
        """Make the Slack calls; None when there is nothing to send any more (e.g. its subject is gone)."""
        raise NotImplementedError

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        """Record what the send produced, in the transaction that marks it sent."""

    def after_failed(self, session: Session, delivery: Claimed, reason: str, now: datetime) -> None:
        """React to a permanent failure, in the transaction that marks it failed."""

    def after_delayed(
        self, session: Session, delivery: Claimed, until: datetime, now: datetime, *, failed_tries: int
    ) -> None:
        """React to a wait until `until`, in the transaction that gives the delivery back.

        `failed_tries`: how many tries Slack failed so far when this wait follows a failure (a retry);
        0 when Slack only asked to wait (a rate limit, the channel's pace).
        """
