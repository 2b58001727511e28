"""Every kind of delivery copbot sends, by the name `deliveries.kind` stores."""

from __future__ import annotations

from copbot.slack.kinds import (
    communities,
    community_life,
    home,
    membership,
    notices,
    pairing,
    prompts,
    sessions,
    stats,
    stories,
)
from copbot.slack.outbox.kinds import DeliveryKind

FEATURES = (
    communities,
    community_life,
    home,
    membership,
    notices,
    sessions,
    prompts,
    stories,
    pairing,
    stats,
)


def all_kinds() -> dict[str, DeliveryKind]:
    kinds = {kind.name: kind for feature in FEATURES for kind in feature.KINDS}
    assert len(kinds) == sum(len(feature.KINDS) for feature in FEATURES), "two kinds share a name"
    return kinds
