"""A community's welcome post and its pin, invitations to its channel, and notes to its organisers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from copbot.domain.text import N_
from copbot.services import channels, communities, notices, outbox
from copbot.services.lookup import CommunityCard, community_card
from copbot.slack.blocks.communities import build_channel_problem, build_created, build_updated, build_welcome
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent
from copbot.store.deliveries import Claimed

# A welcome that can no longer be edited is posted again instead.
GONE = frozenset({"message_not_found", "cant_update_message"})
PRIVATE = "method_not_supported_for_channel_type"  # conversations.join on a private channel


def _card(out: Outgoing) -> CommunityCard | None:
    community_id = out.delivery.community_id
    if community_id is None:
        return None
    with out.reading() as session:
        return community_card(session, community_id=community_id)


def _post_welcome(out: Outgoing, card: CommunityCard) -> Sent:
    """Join the channel (a public one copbot is not in yet), then post the welcome in its language."""
    try:
        out.client.conversations_join(channel=card.channel_id)
    except SlackApiError as error:
        if error.response.get("error") != PRIVATE:
            raise
    return out.post(card.channel_id, build_welcome(out.translator_in(card.language), card))


class WelcomePost(DeliveryKind):
    name = communities.WELCOME_POST

    def send(self, out: Outgoing) -> Sent | None:
        card = _card(out)
        if card is None or card.channel_id != out.delivery.channel_id:
            return None  # the community is gone, or lives in another channel now
        return _post_welcome(out, card)

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        assert delivery.community_id is not None
        assert sent.channel_id is not None
        assert sent.ts is not None
        communities.pin_welcome(
            session, community_id=delivery.community_id, channel_id=sent.channel_id, ts=sent.ts, now=now
        )


class WelcomeRefresh(DeliveryKind):
    """The community changed: its pinned welcome says so (posted again if it was deleted)."""

    name = communities.WELCOME_REFRESH

    def send(self, out: Outgoing) -> Sent | None:
        card = _card(out)
        ts = self._welcome_ts(out)
        if card is None or ts is None:
            return None  # no welcome yet: the pending post will show the new details
        message = build_welcome(out.translator_in(card.language), card)
        try:
            out.client.chat_update(channel=card.channel_id, ts=ts, **message)
        except SlackApiError as error:
            if error.response.get("error") not in GONE:
                raise
            sent = _post_welcome(out, card)
            return Sent(sent.channel_id, sent.ts, {"reposted": True})
        return Sent(card.channel_id, ts)

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        if sent.data.get("reposted"):
            WelcomePost().after_sent(session, delivery, sent, now)

    @staticmethod
    def _welcome_ts(out: Outgoing) -> str | None:
        with out.reading() as session:
            return communities.welcome_ts(session, community_id=out.delivery.community_id or 0)


class Pin(DeliveryKind):
    name = communities.PIN
    done_errors = frozenset({"already_pinned"})

    def send(self, out: Outgoing) -> Sent | None:
        channel = str(out.delivery.channel_id)
        out.client.pins_add(channel=channel, timestamp=str(out.payload["ts"]))
        return Sent(channel, str(out.payload["ts"]))


class Saved(DeliveryKind):
    """The organiser's DM after creating or changing a community."""

    name = communities.SAVED_DM

    def send(self, out: Outgoing) -> Sent | None:
        card = _card(out)
        if card is None:
            return None
        user_id = str(out.payload["user_id"])
        build = build_created if out.payload.get("created") else build_updated
        return out.post(user_id, build(out.translator_for(user_id), card))


class Invite(DeliveryKind):
    """Into the community's channel; a public channel copbot left is joined first."""

    name = channels.INVITE
    done_errors = frozenset({"already_in_channel", "cant_invite_self"})

    def send(self, out: Outgoing) -> Sent | None:
        channel, user_id = str(out.delivery.channel_id), str(out.payload["user_id"])
        try:
            out.client.conversations_invite(channel=channel, users=user_id)
        except SlackApiError as error:
            if error.response.get("error") != "not_in_channel":
                raise
            out.client.conversations_join(channel=channel)
            out.client.conversations_invite(channel=channel, users=user_id)
        return Sent(channel)

    def after_failed(self, session: Session, delivery: Claimed, reason: str, now: datetime) -> None:  # noqa: ARG002
        if delivery.payload.get("tell_if_refused"):
            notices.notify(
                session,
                team_id=delivery.team_id,
                user_id=str(delivery.payload["user_id"]),
                message=channels.COULD_NOT_ADD,
                params={"channel": str(delivery.channel_id)},
                key=delivery.work_key,
                now=now,
            )


WHY = {
    "channel_not_found": N_("copbot can no longer see it (it was deleted, or is private without copbot)."),
    "is_archived": N_("the channel is archived."),
    "not_in_channel": N_("copbot is not a member of it."),
}


class ChannelProblem(DeliveryKind):
    """To each organiser, once: copbot can't post in the community's channel, and what to do."""

    name = outbox.CHANNEL_PROBLEM

    def send(self, out: Outgoing) -> Sent | None:
        card = _card(out)
        if card is None:
            return None
        user_id = str(out.payload["user_id"])
        tr = out.translator_for(user_id)
        why = tr.gettext(WHY.get(str(out.payload["reason"]), WHY["channel_not_found"]))
        message: dict[str, Any] = build_channel_problem(tr, card, why)
        return out.post(user_id, message)


KINDS: tuple[DeliveryKind, ...] = (
    WelcomePost(),
    WelcomeRefresh(),
    Pin(),
    Saved(),
    Invite(),
    ChannelProblem(),
)
