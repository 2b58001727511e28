"""Who organises a community: listing, adding and removing organisers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind, Role
from copbot.domain.errors import Conflict, InvalidInput, NotFound
from copbot.domain.text import N_
from copbot.services import channels, notices
from copbot.services.communities import Actor, check_organiser, new_organiser
from copbot.services.lookup import membership
from copbot.store import members
from copbot.store.activity import record_activity
from copbot.store.models import Community, Member

UNKNOWN_PERSON = N_("I can't find that person in this workspace.")
NOT_A_PERSON = N_("Bots and deactivated accounts can't organise a community.")
ALREADY_ORGANISER = N_("<@{user}> already organises “{name}”.")
NOT_ORGANISER = N_("<@{user}> isn't an organiser of “{name}”.")
ADDED_DM = N_("<@{by}> made you an organiser of *{name}*. `/cop help` shows what organisers can do.")
REMOVED_DM = N_("<@{by}> removed you from the organisers of *{name}*. You are still a member.")
LAST_ORGANISER = N_("A community needs at least one organiser: add another before removing <@{user}>.")


def organiser_ids(session: Session, *, community: Community) -> list[str]:
    """The user ids of the community's organisers, earliest first (workspace admins are not listed)."""
    return members.organiser_ids(session, community_id=community.id)


def add_organiser(
    session: Session,
    *,
    community: Community,
    actor: Actor,
    target: Actor | None,
    origin: str,
    now: datetime,
) -> None:
    """Make `target` an organiser, joining them to the community (and its channel) if need be."""
    check_organiser(session, community, actor)
    if target is None:
        raise NotFound(UNKNOWN_PERSON)
    if not target.is_active:
        raise InvalidInput(NOT_A_PERSON)
    member = membership(session, community_id=community.id, user_id=target.user_id)
    if member is not None and member.left_at is None and member.role == Role.ORGANISER:
        raise Conflict(ALREADY_ORGANISER, user=target.user_id, name=community.name)
    member = member or _new_membership(session, community, target.user_id, now)
    member.role, member.left_at = Role.ORGANISER, None
    record_activity(session, community, target.user_id, ActivityKind.ORGANISER_ADDED, now, by=actor.user_id)
    channels.invite(
        session, community=community, user_id=target.user_id, origin=origin, now=now, tell_if_refused=True
    )
    _tell(session, community, target.user_id, ADDED_DM, by=actor.user_id, origin=origin, now=now)


def remove_organiser(
    session: Session, *, community: Community, actor: Actor, target_user_id: str, origin: str, now: datetime
) -> None:
    """Turn an organiser back into a member, unless they are the community's last organiser."""
    check_organiser(session, community, actor)
    # Locking the organisers' rows makes two simultaneous removals see each other (PostgreSQL).
    current = list(session.scalars(_organisers_query(community).with_for_update()))
    leaving = next((member for member in current if member.user_id == target_user_id), None)
    if leaving is None:
        raise Conflict(NOT_ORGANISER, user=target_user_id, name=community.name)
    if len(current) == 1:
        raise Conflict(LAST_ORGANISER, user=target_user_id)
    leaving.role = Role.MEMBER
    record_activity(session, community, target_user_id, ActivityKind.ORGANISER_REMOVED, now, by=actor.user_id)
    if target_user_id != actor.user_id:  # stepping down needs no note to oneself
        _tell(session, community, target_user_id, REMOVED_DM, by=actor.user_id, origin=origin, now=now)


def _tell(
    session: Session, community: Community, user_id: str, message: str, *, by: str, origin: str, now: datetime
) -> None:
    """The person added or removed learns it by DM, in their own language."""
    notices.notify(
        session,
        team_id=community.team_id,
        user_id=user_id,
        message=message,
        params={"by": by, "name": community.name},
        key=f"organiser:{community.id}:{user_id}:{origin}",
        now=now,
        community_id=community.id,
    )


def _organisers_query(community: Community) -> Select[Member]:
    return select(Member).where(
        Member.community_id == community.id, Member.role == Role.ORGANISER, Member.left_at.is_(None)
    )


def _new_membership(session: Session, community: Community, user_id: str, now: datetime) -> Member:
    """Their new membership; if they joined in the same instant, the unique (community, user) kept theirs."""
    try:
        with session.begin_nested():
            member = new_organiser(community, user_id, now)
            session.add(member)
            session.flush()
    except IntegrityError:
        joined = membership(session, community_id=community.id, user_id=user_id)
        assert joined is not None  # the row that won the race
        return joined
    return member
