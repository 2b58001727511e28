"""Creating, changing and listing a workspace's communities."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copbot.domain.communities import (
    CHANNEL,
    NAME,
    PAGE_SIZE,
    SLUG,
    CommunityDraft,
    name_key,
    page_slice,
)
from copbot.domain.enums import ActivityKind, Experience, Role
from copbot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from copbot.domain.text import N_
from copbot.services import channels, outbox
from copbot.services.lookup import (
    CARD_FIELDS,
    NO_COMMUNITIES,
    CommunityCard,
    communities_in,
    find_community,
    get_community,
    is_organiser,
)
from copbot.services.session_zones import rezone
from copbot.store import reservations
from copbot.store.activity import record_activity
from copbot.store.models import Community, Member

ADMINS_ONLY = N_("Only workspace admins can create communities here.")
NOT_ACTIVE = N_("Only people with an active account can do that.")
ORGANISERS_ONLY = N_("Only the organisers of “{name}” can do that.")
NAME_TAKEN = N_("There is already a community called “{name}” here.")
SLUG_TAKEN = N_("The short name “{slug}” is taken here. Choose another.")
WHICH_COMMUNITY = N_("Which community do you mean? Add its short name: {slugs}")
CHANNEL_TAKEN = N_("That channel already belongs to the community “{name}”. Pick another.")
BEING_SAVED = N_(
    "Someone is saving a community with this short name or name right now. Try again in a moment."
)

WELCOME_POST = "community.welcome"
WELCOME_REFRESH = "community.welcome_refresh"
PIN = "community.pin"
SAVED_DM = "community.saved"
WELCOME_WORTH = timedelta(days=7)  # a community's welcome is worth posting late rather than never


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
    """What a community's set-up asks of Slack before it can be stored (copbot.slack.gateways.communities).

    Only these are synchronous (within the request's time budget); the welcome post, its pin and the
    invitations are outbox deliveries.
    """

    def check_channel(self, channel_id: str) -> None:
        """Raise InvalidInput (field "channel") when copbot can't see the channel or it is archived."""

    def create_channel(self, name: str) -> str:
        """Create a public channel and return its id; InvalidInput (field "new_channel") when refused."""


class NameHolds(Protocol):
    """Holds a short name and a name while a new channel is made (copbot.store.reservations)."""

    def hold(self, team_id: str, keys: list[str]) -> AbstractContextManager[bool]: ...


def create_community(
    session: Session,
    *,
    team_id: str,
    actor: Actor,
    draft: CommunityDraft,
    admins_only: bool,
    origin: str,
    now: datetime,
    slack: CommunitySlack,
    holds: NameHolds,
) -> Community:
    """Store the community with its creator as organiser; its welcome post and invitation follow the commit.

    A new channel is asked of Slack only once the short name and name are held for this request, so that
    of several people creating one community at once, only one makes a channel.
    """
    check_may_create(actor, admins_only=admins_only)
    community = Community(team_id=team_id, created_by=actor.user_id, created_at=now)
    _place(session, community, draft, now=now, slack=slack, holds=holds)
    session.add(new_organiser(community, actor.user_id, now))
    record_activity(session, community, actor.user_id, ActivityKind.COMMUNITY_CREATED, now)
    _welcome(session, community, origin=origin, now=now)
    channels.invite(
        session, community=community, user_id=actor.user_id, origin=origin, now=now, tell_if_refused=False
    )
    _confirm(session, community, actor.user_id, origin=origin, created=True, now=now)
    return community


def update_community(
    session: Session,
    *,
    team_id: str,
    community_id: int,
    actor: Actor,
    draft: CommunityDraft,
    origin: str,
    now: datetime,
    slack: CommunitySlack,
    holds: NameHolds,
) -> Community:
    """Change the community; a new channel gets a fresh, pinned welcome, the old one is refreshed."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    check_organiser(session, community, actor)
    moving = draft.new_channel is not None or draft.channel_id != community.channel_id
    old_zone = community.timezone
    _place(session, community, draft, now=now, slack=slack, holds=holds)
    if community.timezone != old_zone:
        rezone(session, community=community, zone=community.timezone, now=now)
    if moving:
        community.welcome_message_ts = None
        _welcome(session, community, origin=origin, now=now)
    elif community.welcome_message_ts is None:  # never posted: post it, unless its post is on its way
        if not outbox.waiting(session, kind=WELCOME_POST, community_id=community.id):
            _welcome(session, community, origin=origin, now=now)
    else:
        outbox.deliver(
            session,
            team_id=team_id,
            kind=WELCOME_REFRESH,
            key=f"welcome-refresh:{community.id}:{origin}",
            payload={"community_id": community.id},
            now=now,
            community_id=community.id,
            channel_id=community.channel_id,
        )
    _confirm(session, community, actor.user_id, origin=origin, created=False, now=now)
    return community


def _place(
    session: Session,
    community: Community,
    draft: CommunityDraft,
    *,
    now: datetime,
    slack: CommunitySlack,
    holds: NameHolds,
) -> None:
    """Store the draft in its channel (a new one made only while its names are held for this request).

    Uniqueness is checked once the names are held: whoever held them before us has committed by then (or
    given up), so a community they stored is seen, and no channel is made for a name already taken.
    """
    keys = [f"slug:{draft.slug}", f"name:{name_key(draft.name)}"]
    with holds.hold(community.team_id, keys) as held:
        if not held:
            raise Conflict(BEING_SAVED, field=SLUG)
        _check_unique(session, team_id=community.team_id, draft=draft, community_id=community.id)
        if draft.new_channel is not None:
            channel_id = slack.create_channel(draft.new_channel)
        elif draft.channel_id == community.channel_id:
            channel_id = community.channel_id
        else:
            channel_id = _checked_channel(session, community.team_id, draft, community.id, slack)
        _store(session, community, draft, channel_id, now)
        reservations.release(session, team_id=community.team_id, keys=keys)


def _welcome(session: Session, community: Community, *, origin: str, now: datetime) -> None:
    """The welcome post in the community's channel (pinned once it is posted)."""
    outbox.deliver(
        session,
        team_id=community.team_id,
        kind=WELCOME_POST,
        key=f"welcome-post:{community.id}:{community.channel_id}:{origin}",
        payload={"community_id": community.id},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
        worth=WELCOME_WORTH,
    )


def _confirm(
    session: Session, community: Community, user_id: str, *, origin: str, created: bool, now: datetime
) -> None:
    outbox.deliver(
        session,
        team_id=community.team_id,
        kind=SAVED_DM,
        key=f"community-saved:{community.id}:{origin}",
        payload={"community_id": community.id, "user_id": user_id, "created": created},
        now=now,
        community_id=community.id,
    )


def welcome_ts(session: Session, *, community_id: int) -> str | None:
    """The ts of the community's welcome post, once it is posted."""
    community = session.get(Community, community_id)
    return community.welcome_message_ts if community is not None else None


def pin_welcome(session: Session, *, community_id: int, channel_id: str, ts: str, now: datetime) -> None:
    """The welcome is posted: remember it (unless the community moved meanwhile) and have it pinned."""
    community = session.get(Community, community_id)
    if community is None or community.channel_id != channel_id:
        return
    community.welcome_message_ts = ts
    outbox.deliver(
        session,
        team_id=community.team_id,
        kind=PIN,
        key=f"pin:{community.id}:{channel_id}:{ts}",
        payload={"ts": ts},
        now=now,
        community_id=community.id,
        channel_id=channel_id,
        worth=WELCOME_WORTH,
    )


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
    """One page of the workspace's communities, by name, with how many members each has.

    Read as plain rows, the page's alone: `/cop list` is among the commonest requests.
    """
    live = (Community.team_id == team_id, Community.archived_at.is_(None))
    total = session.scalar(select(func.count(Community.id)).where(*live)) or 0
    shown = page_slice(total, page)
    members = (
        select(func.count(Member.id))
        .where(Member.community_id == Community.id, Member.left_at.is_(None))
        .scalar_subquery()
    )
    fields = [getattr(Community, name) for name in CARD_FIELDS]
    query = select(*fields, members.label("members")).where(*live).order_by(func.lower(Community.name))
    rows = session.execute(query.offset(shown.start).limit(shown.stop - shown.start))
    cards = [CommunityCard(**row._asdict()) for row in rows]
    return CommunityPage(cards=cards, page=page, remaining=max(0, total - shown.stop))


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


def _check_unique(session: Session, *, team_id: str, draft: CommunityDraft, community_id: int | None) -> None:
    """Early, friendly answers; the unique indexes decide what two simultaneous saves both miss here."""
    same_name = select(Community.id).where(
        Community.team_id == team_id,
        Community.name_key == name_key(draft.name),
        Community.archived_at.is_(None),
        Community.id != community_id,
    )
    if session.scalar(same_name) is not None:
        raise Conflict(NAME_TAKEN, field=NAME, name=draft.name)
    same_slug = select(Community.id).where(
        Community.team_id == team_id, Community.slug == draft.slug, Community.id != community_id
    )
    if session.scalar(same_slug) is not None:  # archived communities keep their short name
        raise Conflict(SLUG_TAKEN, field=SLUG, slug=draft.slug)


def _checked_channel(
    session: Session, team_id: str, draft: CommunityDraft, community_id: int | None, slack: CommunitySlack
) -> str:
    """The existing channel the draft names, once known to be free here and visible to copbot."""
    assert draft.channel_id is not None  # the draft names exactly one
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
    if draft.reminder_offsets is not None:
        community.reminder_offsets = list(draft.reminder_offsets)
    if draft.mark_attendance is not None:
        community.mark_attendance = draft.mark_attendance
    community.updated_at = now


def _store(
    session: Session, community: Community, draft: CommunityDraft, channel_id: str, now: datetime
) -> None:
    """Apply the draft and flush in a savepoint: the unique indexes decide between simultaneous saves."""
    _apply(community, draft, channel_id, now)
    try:
        with session.begin_nested():
            session.add(community)
            session.flush()
    except IntegrityError as error:
        conflict = _conflict(session, error, draft, community)
        # The request is refused: end its transaction now, so that its write lock (SQLite's is the
        # whole database) is gone before the names held for it are given up in another transaction.
        session.rollback()
        raise conflict from None


def _conflict(
    session: Session, error: IntegrityError, draft: CommunityDraft, community: Community
) -> Conflict:
    """Which rule the database enforced: one community per channel, unique names, unique short names."""
    constraint = str(error.orig)
    if "channel" in constraint:
        owner = select(Community.name).where(
            Community.team_id == community.team_id,
            Community.channel_id == community.channel_id,
            Community.archived_at.is_(None),
        )
        return Conflict(CHANNEL_TAKEN, field=CHANNEL, name=session.scalar(owner) or draft.name)
    if "name_key" in constraint or "live_name" in constraint:
        return Conflict(NAME_TAKEN, field=NAME, name=draft.name)
    return Conflict(SLUG_TAKEN, field=SLUG, slug=draft.slug)


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
