"""A community's channel told it was paused or is back, in the community's language."""

from __future__ import annotations

from copbot.services import community_life
from copbot.slack.blocks.community_life import build_channel_note
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent


class ChannelNote(DeliveryKind):
    name = community_life.CHANNEL_NOTE

    def send(self, out: Outgoing) -> Sent | None:
        channel_id = out.delivery.channel_id
        if channel_id is None:
            return None
        language = out.payload.get("language")
        tr = out.translator_in(str(language) if language else None)
        note = build_channel_note(tr, str(out.payload["message"]), out.payload["params"])
        return out.post(channel_id, note)


KINDS: tuple[DeliveryKind, ...] = (ChannelNote(),)
