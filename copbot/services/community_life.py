"""A community's life: paused and resumed, archived and unarchived, deleted; its Slack channel archived.

Paused or archived, a community's schedule stops: its planners skip it (copbot.store.community_life.running)
and the scheduled posts already in the outbox are skipped rather than sent late, when it is paused and by
the sender for any that slipped past (HELD_KINDS). Back again, it starts from now: nothing missed is
caught up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copbot.domain.errors import Conflict, InvalidInput, NotFound
from copbot.domain.text import N_
from copbot.services import notices, pairing, pairing_end, prompts, session_reminders
from copbot.services.communities import Actor, check_organiser
from copbot.services.lookup import is_organiser
from copbot.services.outbox import deliver
from copbot.store import community_life as store
from copbot.store.members import organiser_ids
from copbot.store.models import Community

CHANNEL_NOTE = "community.note"  # a short note in the community's channel, in its language

# What the loop plans for a community: none of it is sent while the community is paused or archived.
HELD_KINDS = frozenset({
    prompts.POST,
    prompts.SLOWER_DM,
    session_reminders.REMINDER,
    session_reminders.TAKEAWAY,
    pairing.ROUND_START,
    pairing.TOO_FEW,
    pairing.INTRO,
    pairing.ANNOUNCE,
    pairing.FOLLOW_UP,
    pairing.UNPLACED_DM,
    pairing_end.RESULT,
})  # fmt: skip

GONE = N_("That community no longer exists.")
PAUSED_NOTE = N_(
    "*{name}* is paused: no story prompts, session reminders or introductions until its organisers resume it."
)
RESUMED_NOTE = N_(
    "*{name}* is back: story prompts, session reminders and introductions start again from now."
)
CHANNEL_ARCHIVED = N_(
    "The channel of *{name}* was archived, so copbot paused the community. "
    "Give it another channel with `/cop edit {slug}` and then `/cop resume {slug}`, "
    "or archive the community with `/cop archive {slug}`."
)
ALREADY_PAUSED = N_("*{name}* is already paused.")
NOT_PAUSED = N_("*{name}* isn't paused.")
ALREADY_ARCHIVED = N_("*{name}* is already archived.")
NOT_ARCHIVED = N_("*{name}* isn't archived.")
ARCHIVED = N_("*{name}* is archived: unarchive it first.")
CHANNEL_TAKEN = N_(
    "*{name}* can't be unarchived: its channel <#{channel}> now belongs to *{other}*. "
    "Archive that community or give it another channel first."
)
NAME_TAKEN = N_(
    "*{name}* can't be unarchived: another community is called that now. Rename or archive that one first."
)
WRONG_NAME = N_("That isn't the short name of “{name}”. Type {slug} to delete it, or cancel.")
WHICH = N_("Which community do you mean? Add its short name: {slugs}")
NONE_TO_CHANGE = N_("You don't organise a community this applies to.")
SLUGS_SHOWN = 10


class State(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    ARCHIVED = "archived"
    DELETED = "deleted"


@dataclass(frozen=True)
class LifeOutcome:
    """What an organiser changed, for their answer."""

    community_id: int
    name: str
    slug: str
    state: State


def pause(session: Session, *, team_id: str, community_id: int, actor: Actor, now: datetime) -> LifeOutcome:
    """Stop the community's schedule; what it had planned is skipped, and its channel is told."""
    community = _organised(session, team_id, community_id, actor, archived=False)
    if community.paused_at is not None:
        raise Conflict(ALREADY_PAUSED, name=community.name)
    _pause(session, community, now)
    _tell_channel(session, community, State.PAUSED, now=now)
    return _outcome(community)


def resume(session: Session, *, team_id: str, community_id: int, actor: Actor, now: datetime) -> LifeOutcome:
    """Start the schedule again from now (nothing missed is caught up); its channel is told."""
    community = _organised(session, team_id, community_id, actor, archived=False)
    if community.paused_at is None:
        raise Conflict(NOT_PAUSED, name=community.name)
    community.paused_at, community.resumed_at = None, now
    _tell_channel(session, community, State.RUNNING, now=now)
    return _outcome(community)


def archive(session: Session, *, team_id: str, community_id: int, actor: Actor, now: datetime) -> LifeOutcome:
    """Hide it from lists and free its channel and name; its history stays, and nothing scheduled runs."""
    community = _organised(session, team_id, community_id, actor, archived=None)
    if community.archived_at is not None:
        raise Conflict(ALREADY_ARCHIVED, name=community.name)
    community.archived_at = community.updated_at = now
    session.flush()
    store.skip_held(session, kinds=HELD_KINDS, now=now, community_id=community.id)
    return _outcome(community)


def unarchive(
    session: Session, *, team_id: str, community_id: int, actor: Actor, now: datetime
) -> LifeOutcome:
    """Bring it back, unless its channel or name was taken meanwhile; its schedule starts from now."""
    community = _organised(session, team_id, community_id, actor, archived=None)
    if community.archived_at is None:
        raise Conflict(NOT_ARCHIVED, name=community.name)
    _check_free(session, community)
    try:
        with session.begin_nested():
            community.archived_at, community.resumed_at, community.updated_at = None, now, now
            session.flush()
    except IntegrityError:  # taken in the same instant: the live-name and live-channel indexes decided
        session.rollback()
        raise Conflict(NAME_TAKEN, name=community.name) from None
    return _outcome(community)


def delete(
    session: Session, *, team_id: str, community_id: int, actor: Actor, typed: str, field: str
) -> LifeOutcome:
    """Remove every row of the community, once its organiser typed its short name (`field`: that input)."""
    community = _organised(session, team_id, community_id, actor, archived=None)
    if typed.strip().lstrip("#").lower() != community.slug:
        raise InvalidInput(WRONG_NAME, field=field, name=community.name, slug=community.slug)
    outcome = LifeOutcome(community.id, community.name, community.slug, State.DELETED)
    store.delete_community(session, community_id=community.id)
    return outcome


def channel_archived(session: Session, *, team_id: str, channel_id: str, now: datetime) -> None:
    """Its Slack channel was archived: the live community there is paused and its organisers told by DM."""
    query = select(Community).where(
        Community.team_id == team_id, Community.channel_id == channel_id, Community.archived_at.is_(None)
    )
    for community in session.scalars(query):
        if community.paused_at is None:
            _pause(session, community, now)
        for user_id in organiser_ids(session, community_id=community.id):
            notices.notify(
                session,
                team_id=team_id,
                user_id=user_id,
                message=CHANNEL_ARCHIVED,
                params={"name": community.name, "slug": community.slug},
                key=f"channel-archived:{community.id}:{channel_id}:{user_id}:{now.isoformat()}",
                now=now,
                community_id=community.id,
            )


def deletable(session: Session, *, team_id: str, community_id: int, actor: Actor) -> LifeOutcome:
    """The community its organiser is about to delete (for the confirmation modal)."""
    return _outcome(_organised(session, team_id, community_id, actor, archived=None))


def state_of(community: Community) -> State:
    if community.archived_at is not None:
        return State.ARCHIVED
    return State.PAUSED if community.paused_at is not None else State.RUNNING


def community_named(
    session: Session, *, team_id: str, actor: Actor, name: str | None, archived: bool | None
) -> int:
    """The community a command names (archived ones too), else the only fitting one `actor` organises."""
    every = select(Community).where(Community.team_id == team_id)
    if name:
        wanted = name.strip().lstrip("#").lower()
        matches = every.where((Community.slug == wanted) | (func.lower(Community.name) == wanted))
        found = list(session.scalars(matches.order_by(Community.id)))
        if not found:
            raise NotFound(N_("There is no community called “{name}” here."), name=name[:80])
        # A name may be both a live community's and an archived one's: the one the command applies to first.
        wanted_archived = bool(archived)
        return min(found, key=lambda c: (c.archived_at is not None) != wanted_archived).id
    fitting = [
        community
        for community in session.scalars(every.order_by(Community.slug))
        if archived is None or (community.archived_at is not None) == archived
    ]
    organised = [c for c in fitting if _may_organise(session, c, actor)]
    if len(organised) == 1:
        return organised[0].id
    if not organised:
        raise NotFound(NONE_TO_CHANGE)
    slugs = ", ".join(f"`{community.slug}`" for community in organised[:SLUGS_SHOWN])
    raise InvalidInput(WHICH, slugs=slugs + (", …" if len(organised) > SLUGS_SHOWN else ""))


def _may_organise(session: Session, community: Community, actor: Actor) -> bool:
    return actor.is_active and is_organiser(
        session, community=community, user_id=actor.user_id, is_workspace_admin=actor.is_admin
    )


def _organised(
    session: Session, team_id: str, community_id: int, actor: Actor, *, archived: bool | None
) -> Community:
    """The community, once `actor` may organise it; `archived`: False refuses an archived one."""
    community = session.get(Community, community_id)
    if community is None or community.team_id != team_id:
        raise NotFound(GONE)
    check_organiser(session, community, actor)
    if archived is False and community.archived_at is not None:
        raise Conflict(ARCHIVED, name=community.name)
    return community


def _pause(session: Session, community: Community, now: datetime) -> None:
    community.paused_at = community.updated_at = now
    session.flush()
    store.skip_held(session, kinds=HELD_KINDS, now=now, community_id=community.id)


def _check_free(session: Session, community: Community) -> None:
    live = select(Community).where(
        Community.team_id == community.team_id, Community.archived_at.is_(None), Community.id != community.id
    )
    other = session.scalar(live.where(Community.channel_id == community.channel_id))
    if other is not None:
        raise Conflict(CHANNEL_TAKEN, name=community.name, channel=community.channel_id, other=other.name)
    if session.scalar(live.where(Community.name_key == community.name_key)) is not None:
        raise Conflict(NAME_TAKEN, name=community.name)


def _tell_channel(session: Session, community: Community, state: State, *, now: datetime) -> None:
    message = PAUSED_NOTE if state is State.PAUSED else RESUMED_NOTE
    deliver(
        session,
        team_id=community.team_id,
        kind=CHANNEL_NOTE,
        key=f"{CHANNEL_NOTE}:{community.id}:{state}:{now.isoformat()}",
        payload={"message": message, "params": {"name": community.name}, "language": community.language},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
    )


def _outcome(community: Community) -> LifeOutcome:
    return LifeOutcome(community.id, community.name, community.slug, state_of(community))
