"""Pairing deliveries: the round's start (Slack says who is around), the introductions, the channel posts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from copbot.domain.pairing.eligibility import Presence, slack_verdict
from copbot.i18n import Translator
from copbot.services import outbox, pairing, pairing_end, pairing_groups
from copbot.services.lookup import community_card
from copbot.slack.blocks.pairing import (
    build_announce,
    build_follow_up,
    build_intro,
    build_paused,
    build_result,
    build_too_few,
    build_unplaced,
)
from copbot.slack.outbox.client import Gated
from copbot.slack.outbox.kinds import DeliveryKind, Outgoing, Sent
from copbot.store.db import unit_of_work
from copbot.store.deliveries import Claimed

# From this many candidates, users.list pages (200 people a call) beat a users.info each: users.info is
# allowed about 100 calls a minute. What the reads found is kept when Slack holds them back (a 429), so the
# next try goes on from the page or the person it stopped at instead of starting over.
LIST_FROM = 50
PAGE = 200


class RoundStart(DeliveryKind):
    """Reads Slack once per candidate (outside any transaction); the round is planned in after_sent."""

    name = pairing.ROUND_START

    def send(self, out: Outgoing) -> Sent | None:
        with out.reading() as session:
            candidates = pairing.round_candidates(
                session, community_id=out.delivery.community_id or 0, now=out.now
            )
        progress: dict[str, Any] = dict(out.payload.get("progress") or {})
        try:
            _read(out.client, set(candidates.values()), progress)
        except (Gated, SlackApiError, OSError):
            with unit_of_work(out.session_factory) as session:
                outbox.keep_progress(session, out.delivery, progress)
            raise
        seen: dict[str, list[str | None]] = progress["seen"]
        time_zones: dict[str, str | None] = {}
        left_out: Counter[str] = Counter()
        for member_id, user_id in candidates.items():
            verdict, tz = seen[user_id]
            if verdict:
                left_out[verdict] += 1
            else:
                time_zones[str(member_id)] = tz
        return Sent(data={"time_zones": time_zones, "left_out": dict(left_out)})

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:
        pairing.start_round(
            session,
            community_id=delivery.community_id or 0,
            slot_start=datetime.fromisoformat(str(delivery.payload["slot_start"])),
            requested_by=delivery.payload.get("requested_by"),
            time_zones={int(member_id): tz for member_id, tz in sent.data["time_zones"].items()},
            left_out=dict(sent.data["left_out"]),
            now=now,
        )


def _read(client: WebClient, user_ids: set[str], progress: dict[str, Any]) -> None:
    """What Slack says of each person now: users.info each, or users.list pages for a large community.

    Into progress["seen"] (user id → [verdict or "", time zone]); what earlier tries read is not read again.
    """
    seen: dict[str, list[str | None]] = progress.setdefault("seen", {})
    if len(user_ids) >= LIST_FROM:
        while not progress.get("listed"):
            page = client.users_list(limit=PAGE, cursor=progress.get("cursor") or None)
            seen |= {user["id"]: _seen(user) for user in page["members"] if user["id"] in user_ids}
            progress["cursor"] = (page.get("response_metadata") or {}).get("next_cursor") or None
            progress["listed"] = not progress["cursor"]
    # A small community; or, after a list kept from an earlier try, whoever became a candidate since.
    for user_id in sorted(user_ids - seen.keys()):
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            if error.response.get("error") != "user_not_found":
                raise
            user = None
        seen[user_id] = _seen(user)


def _seen(user: dict[str, Any] | None) -> list[str | None]:
    verdict = slack_verdict(_presence(user))
    return [str(verdict) if verdict is not None else "", (user or {}).get("tz")]


def _presence(user: dict[str, Any] | None) -> Presence:
    if user is None:
        return Presence(known=False)
    profile = user.get("profile") or {}
    return Presence(
        known=True,
        deleted=bool(user.get("deleted")),
        is_bot=bool(user.get("is_bot") or user.get("is_app_user")),
        status_emoji=str(profile.get("status_emoji") or ""),
        status_text=str(profile.get("status_text") or ""),
    )


def _intro(out: Outgoing) -> pairing_groups.Intro | None:
    with out.reading() as session:
        return pairing_groups.intro(session, group_id=int(out.payload["group_id"]), now=out.now)


class Intro(DeliveryKind):
    """conversations.open with the group, then the introduction in that conversation."""

    name = pairing.INTRO

    def send(self, out: Outgoing) -> Sent | None:
        intro = _intro(out)
        if intro is None:
            return None
        opened = out.client.conversations_open(users=[person.user_id for person in intro.people])
        channel = str(opened["channel"]["id"])
        return out.post(channel, build_intro(out.translator_in(intro.community.language), intro))

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:  # noqa: ARG002
        assert sent.channel_id is not None
        assert sent.ts is not None
        group_id = int(delivery.payload["group_id"])
        pairing_groups.intro_sent(session, group_id=group_id, channel_id=sent.channel_id, ts=sent.ts)


class FollowUp(DeliveryKind):
    """Once, near the round's end, in the group's conversation, if nobody answered yet."""

    name = pairing.FOLLOW_UP

    def send(self, out: Outgoing) -> Sent | None:
        group_id = int(out.payload["group_id"])
        with out.reading() as session:
            if not pairing_groups.needs_follow_up(session, group_id=group_id):
                return None
        intro = _intro(out)
        if intro is None or intro.dm_channel_id is None:
            return None
        return out.post(
            intro.dm_channel_id, build_follow_up(out.translator_in(intro.community.language), intro)
        )

    def after_sent(self, session: Session, delivery: Claimed, sent: Sent, now: datetime) -> None:  # noqa: ARG002
        pairing_groups.followed_up(session, group_id=int(delivery.payload["group_id"]), now=now)


def _summary(out: Outgoing) -> pairing_groups.RoundSummary | None:
    with out.reading() as session:
        return pairing_groups.round_summary(session, round_id=int(out.payload["round_id"]))


def _post_summary(
    out: Outgoing, build: Callable[[Translator, pairing_groups.RoundSummary], dict[str, Any]]
) -> Sent | None:
    """A post about the round in the community's channel, in its language."""
    summary = _summary(out)
    if summary is None:
        return None
    message = build(out.translator_in(summary.community.language), summary)
    return out.post(summary.community.channel_id, message)


class Announce(DeliveryKind):
    name = pairing.ANNOUNCE

    def send(self, out: Outgoing) -> Sent | None:
        return _post_summary(out, build_announce)


class Result(DeliveryKind):
    """One line at the round's end: how many groups met, no names."""

    name = pairing_end.RESULT

    def send(self, out: Outgoing) -> Sent | None:
        return _post_summary(out, build_result)


class TooFew(DeliveryKind):
    name = pairing.TOO_FEW

    def send(self, out: Outgoing) -> Sent | None:
        user_id = str(out.payload["user_id"])
        with out.reading() as session:
            card = community_card(session, community_id=out.delivery.community_id or 0)
        if card is None:
            return None
        counts = {str(reason): int(count) for reason, count in out.payload["counts"].items()}
        return out.post(user_id, build_too_few(out.translator_for(user_id), card.name, counts))


class PausedDm(DeliveryKind):
    name = pairing_end.PAUSED_DM

    def send(self, out: Outgoing) -> Sent | None:
        user_id = str(out.payload["user_id"])
        with out.reading() as session:
            card = community_card(session, community_id=out.delivery.community_id or 0)
        if card is None:
            return None
        return out.post(user_id, build_paused(out.translator_for(user_id), card.id, card.name))


class UnplacedDm(DeliveryKind):
    name = pairing.UNPLACED_DM

    def send(self, out: Outgoing) -> Sent | None:
        user_id = str(out.payload["user_id"])
        with out.reading() as session:
            card = community_card(session, community_id=out.delivery.community_id or 0)
        if card is None:
            return None
        return out.post(user_id, build_unplaced(out.translator_for(user_id), card.name))


KINDS: tuple[DeliveryKind, ...] = (
    RoundStart(),
    Intro(),
    FollowUp(),
    Announce(),
    Result(),
    TooFew(),
    PausedDm(),
    UnplacedDm(),
)
