"""Every kind of delivery copbot sends, by the name `deliveries.kind` stores."""

from __future__ import annotations

from copbot.slack.kinds import communities, home, membership, notices, pairing, sessions, stories
from copbot.slack.outbox.kinds import DeliveryKind

FEATURES = (communities, home, membership, notices, sessions, stories, pairing)


def all_kinds() -> dict[str, DeliveryKind]:
    kinds = {kind.name: kind for feature in FEATURES for kind in feature.KINDS}
    assert len(kinds) == sum(len(feature.KINDS) for feature in FEATURES), "two kinds share a name"
    return kinds
