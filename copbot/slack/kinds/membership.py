"""DMs to people who join, update their profile or leave, and the offer to people who walk into a channel."""

from __future__ import annotations

from copbot.services import membership
from copbot.services.lookup import community_card
from copbot.slack.blocks.membership import (
    build_farewell,
    build_joiner_offer,
    build_profile_updated,
    build_welcome,
)
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent


class WelcomeDm(DeliveryKind):
    name = membership.WELCOME_DM

    def send(self, out: Outgoing) -> Sent | None:
        user_id = str(out.payload["user_id"])
        with out.reading() as session:
            welcome = membership.welcome(
                session,
                community_id=out.delivery.community_id or 0,
                outcome=str(out.payload["outcome"]),
                now=out.now,
            )
        if welcome is None:
            return None
        person = out.person(user_id)
        tz = person.tz if person is not None and person.tz else welcome.community.timezone
        return out.post(user_id, build_welcome(out.translator_for(user_id), welcome, tz=tz))


class ProfileUpdatedDm(DeliveryKind):
    name = membership.PROFILE_UPDATED_DM

    def send(self, out: Outgoing) -> Sent | None:
        user_id = str(out.payload["user_id"])
        with out.reading() as session:
            card = community_card(session, community_id=out.delivery.community_id or 0)
        if card is None:
            return None
        return out.post(user_id, build_profile_updated(out.translator_for(user_id), card))


class FarewellDm(DeliveryKind):
    name = membership.FAREWELL_DM

    def send(self, out: Outgoing) -> Sent | None:
        user_id = str(out.payload["user_id"])
        with out.reading() as session:
            card = community_card(session, community_id=out.delivery.community_id or 0)
        if card is None:
            return None
        message = build_farewell(out.translator_for(user_id), card, erased=bool(out.payload["erased"]))
        return out.post(user_id, message)


class JoinerOffer(DeliveryKind):
    """Only the person sees it, in the channel they joined; communities they joined since are left out."""

    name = membership.JOINER_OFFER

    def send(self, out: Outgoing) -> Sent | None:
        channel_id, user_id = str(out.payload["channel_id"]), str(out.payload["user_id"])
        with out.reading() as session:
            cards = membership.joiner_offer(
                session,
                team_id=out.delivery.team_id,
                channel_id=channel_id,
                user_id=user_id,
                community_ids=[int(i) for i in out.payload["community_ids"]],
            )
        if not cards:
            return None
        offer = build_joiner_offer(out.translator_for(user_id), channel_id, cards)
        out.client.chat_postEphemeral(channel=channel_id, user=user_id, **offer)
        return Sent(channel_id)


KINDS: tuple[DeliveryKind, ...] = (WelcomeDm(), ProfileUpdatedDm(), FarewellDm(), JoinerOffer())
