"""A scheduled story prompt's channel post, and the organisers' DM offering a slower rhythm."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from copbot.services import prompts
from copbot.slack.blocks.prompts import build_prompt_message, build_slower_offer
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent
from copbot.store.deliveries import Claimed


class Post(DeliveryKind):
    name = prompts.POST

    def send(self, out: Outgoing) -> Sent | None:
        with out.reading() as session:
            prompt = prompts.prompt_view(
                session,
                prompt_post_id=int(out.payload["prompt_post_id"]),
                quiet_before=bool(out.payload["quiet_before"]),
            )
        if prompt is None:
            return None
        return out.post(prompt.channel_id, build_prompt_message(out.translator_in(prompt.language), prompt))

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        assert sent.channel_id is not None
        assert sent.ts is not None
        prompts.prompt_posted(
            session,
            prompt_post_id=int(delivery.payload["prompt_post_id"]),
            channel_id=sent.channel_id,
            ts=sent.ts,
            now=now,
        )


class SlowerOffer(DeliveryKind):
    name = prompts.SLOWER_DM

    def send(self, out: Outgoing) -> Sent | None:
        with out.reading() as session:
            offer = prompts.slower_suggestion(
                session,
                community_id=int(out.payload["community_id"]),
                user_id=str(out.payload["user_id"]),
                cadence=str(out.payload["cadence"]),
            )
        if offer is None:
            return None
        return out.post(offer.user_id, build_slower_offer(out.translator_for(offer.user_id), offer))


KINDS: tuple[DeliveryKind, ...] = (Post(), SlowerOffer())
