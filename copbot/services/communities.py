"""Creating, changing and listing a workspace's communities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copbot.domain.communities import CHANNEL, NAME, PAGE_SIZE, SLUG, CommunityDraft, page_slice
from copbot.domain.enums import ActivityKind, Experience, Role
from copbot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from copbot.domain.text import N_
from copbot.services.lookup import (
    NO_COMMUNITIES,
    CommunityCard,
    communities_in,
    find_community,
    get_community,
    is_organiser,
)
from copbot.store.activity import record_activity
from copbot.store.models import Community, Member

ADMINS_ONLY = N_("Only workspace admins can create communities here.")
NOT_ACTIVE = N_("Only people with an active account can do that.")
ORGANISERS_ONLY = N_("Only the organisers of “{name}” can do that.")
NAME_TAKEN = N_("There is already a community called “{name}” here.")
SLUG_TAKEN = N_("The short name “{slug}” is taken here. Choose another.")
WHICH_COMMUNITY = N_("Which community do you mean? Add its short name: {slugs}")
CHANNEL_TAKEN = N_("That channel already belongs to the community “{name}”. Pick another.")


@dataclass(frozen=True)
class Actor:
    """Who is asking, as far as permissions go."""

    user_id: str
    is_admin: bool  # workspace admin or owner
    is_active: bool  # a person with a live account, not a bot


@dataclass(frozen=True)
class CommunityPage:
    cards: list[CommunityCard]
    page: int
    remaining: int  # communities on later pages


class CommunitySlack(Protocol):
    """The Slack side of setting a community up in a channel (copbot.slack.gateways.communities)."""

    def check_channel(self, channel_id: str) -> None:
        """Raise InvalidInput (field "channel") when copbot can't see the channel or it is archived."""

    def create_channel(self, name: str) -> str:
        """Create a public channel and return its id; InvalidInput (field "new_channel") when refused."""

    def publish_welcome(self, card: CommunityCard, previous_ts: str | None) -> str:
        """Join the channel, post the welcome (or refresh `previous_ts`), pin it; the message's ts."""

    def add_to_channel(self, channel_id: str, user_id: str) -> None:
        """Invite the person unless they are in the channel already."""


def create_community(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    draft: CommunityDraft,
    admins_only: bool,
    now: datetime,
    slack: CommunitySlack,
) -> Community:
    """Store the community with its creator as organiser, then welcome people in its channel."""
    check_may_create(actor, admins_only=admins_only)
    _check_unique(session, team_id=team_id, draft=draft, community_id=None)
    channel_id = _settle_channel(session, team_id=team_id, draft=draft, community_id=None, slack=slack)
    community = Community(team_id=team_id, created_by=actor.user_id, created_at=now)
    _apply(community, draft, channel_id, now)
    _save(session, community, draft)
    session.add(new_organiser(community, actor.user_id, now))
    record_activity(session, community, actor.user_id, ActivityKind.COMMUNITY_CREATED, now)
    community.welcome_message_ts = slack.publish_welcome(CommunityCard.of(community), None)
    slack.add_to_channel(channel_id, actor.user_id)
    return community


def update_community(
    session: Session,
    *,
    team_id: str,
    community_id: int,
    actor: Actor,
    draft: CommunityDraft,
    now: datetime,
    slack: CommunitySlack,
) -> Community:
    """Change the community; a new channel gets a fresh, pinned welcome, the old one is refreshed."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    check_organiser(session, community, actor)
    _check_unique(session, team_id=team_id, draft=draft, community_id=community.id)
    moved = draft.channel_id != community.channel_id
    channel_id = community.channel_id
    if moved:
        channel_id = _settle_channel(
            session, team_id=team_id, draft=draft, community_id=community.id, slack=slack
        )
    _apply(community, draft, channel_id, now)
    _save(session, community, draft)
    previous_ts = None if moved else community.welcome_message_ts
    community.welcome_message_ts = slack.publish_welcome(CommunityCard.of(community), previous_ts)
    return community


def check_may_create(actor: Actor, *, admins_only: bool) -> None:
    if not actor.is_active:
        raise NotAllowed(NOT_ACTIVE)
    if admins_only and not actor.is_admin:
        raise NotAllowed(ADMINS_ONLY)


def check_organiser(session: Session, community: Community, actor: Actor) -> None:
    if not actor.is_active:
        raise NotAllowed(NOT_ACTIVE)
    if not _organises(session, community, actor):
        raise NotAllowed(ORGANISERS_ONLY, name=community.name)


def _organises(session: Session, community: Community, actor: Actor) -> bool:
    return is_organiser(
        session, community=community, user_id=actor.user_id, is_workspace_admin=actor.is_admin
    )


def list_page(session: Session, *, team_id: str, page: int) -> CommunityPage:
    """One page of the workspace's communities, by name, with how many members each has."""
    communities = communities_in(session, team_id=team_id)
    shown = page_slice(len(communities), page)
    counts = _member_counts(session, [community.id for community in communities[shown]])
    cards = [CommunityCard.of(community, counts.get(community.id, 0)) for community in communities[shown]]
    return CommunityPage(cards=cards, page=page, remaining=max(0, len(communities) - shown.stop))


def choose_community(
    session: Session, *, team_id: str, actor: Actor, name: str | None, organised_only: bool
) -> Community:
    """The community a command names; else the only one there is, or the only one `actor` organises."""
    if name:
        return find_community(session, team_id=team_id, name=name)
    candidates = communities_in(session, team_id=team_id)
    if not candidates:
        raise NotFound(NO_COMMUNITIES)
    if organised_only:
        candidates = [c for c in candidates if _organises(session, c, actor)] or candidates
    if len(candidates) == 1:
        return candidates[0]
    slugs = ", ".join(f"`{community.slug}`" for community in candidates[:PAGE_SIZE])
    raise InvalidInput(WHICH_COMMUNITY, slugs=slugs + (", …" if len(candidates) > PAGE_SIZE else ""))


def _member_counts(session: Session, community_ids: list[int]) -> dict[int, int]:
    query = (
        select(Member.community_id, func.count(Member.id))
        .where(Member.community_id.in_(community_ids), Member.left_at.is_(None))
        .group_by(Member.community_id)
    )
    return dict(session.execute(query).all())


def _check_unique(session: Session, *, team_id: str, draft: CommunityDraft, community_id: int | None) -> None:
    for other in communities_in(session, team_id=team_id):
        if other.id != community_id and other.name.casefold() == draft.name.casefold():
            raise Conflict(NAME_TAKEN, field=NAME, name=draft.name)
    same_slug = select(Community.id).where(
        Community.team_id == team_id, Community.slug == draft.slug, Community.id != community_id
    )
    if session.scalar(same_slug) is not None:  # archived communities keep their short name
        raise Conflict(SLUG_TAKEN, field=SLUG, slug=draft.slug)


def _settle_channel(
    session: Session, *, team_id: str, draft: CommunityDraft, community_id: int | None, slack: CommunitySlack
) -> str:
    """The channel the draft names, checked; or the new one it asks for, created."""
    if draft.channel_id is None:
        assert draft.new_channel is not None  # the draft names exactly one
        return slack.create_channel(draft.new_channel)
    owner = select(Community.name).where(
        Community.team_id == team_id,
        Community.channel_id == draft.channel_id,
        Community.archived_at.is_(None),
        Community.id != community_id,
    )
    taken_by = session.scalar(owner)
    if taken_by is not None:
        raise Conflict(CHANNEL_TAKEN, field=CHANNEL, name=taken_by)
    slack.check_channel(draft.channel_id)
    return draft.channel_id


def _apply(community: Community, draft: CommunityDraft, channel_id: str, now: datetime) -> None:
    community.name = draft.name
    community.slug = draft.slug
    community.purpose = draft.purpose
    community.audience = draft.audience
    community.channel_id = channel_id
    community.language = draft.language
    community.timezone = draft.timezone
    community.prompt_cadence = draft.prompt_cadence
    community.prompt_weekday = draft.prompt_weekday
    community.prompt_time = draft.prompt_time
    community.pairing_every_weeks = draft.pairing_every_weeks
    community.pairing_weekday = draft.pairing_weekday
    community.pairing_group_size = draft.group_size
    community.updated_at = now


def _save(session: Session, community: Community, draft: CommunityDraft) -> None:
    """Flush in a savepoint: the (team, slug) unique constraint decides between two simultaneous saves."""
    try:
        with session.begin_nested():
            session.add(community)
            session.flush()
    except IntegrityError:
        raise Conflict(SLUG_TAKEN, field=SLUG, slug=draft.slug) from None


def new_organiser(community: Community, user_id: str, now: datetime) -> Member:
    """An organiser who never filled in the join form: pairing waits until they say yes with `/cop join`."""
    return Member(
        team_id=community.team_id,
        community_id=community.id,
        user_id=user_id,
        role=Role.ORGANISER,
        experience=Experience.PRACTISING,
        pairing_opt_in=False,
        joined_at=now,
    )
