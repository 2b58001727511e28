"""What members control of their own pairing: pause, resume, frequency, a private avoid list, their status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from copbot.domain.enums import Role
from copbot.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from copbot.domain.pairing.controls import pause_end
from copbot.domain.pairing.eligibility import is_paused
from copbot.domain.text import N_
from copbot.domain.wallclock import LocalDay
from copbot.services import notices
from copbot.services.home import refresh_home
from copbot.services.lookup import chosen_community, is_organiser
from copbot.services.outbox import waiting
from copbot.services.pairing import ROUND_START, request_round
from copbot.store import pairing as store
from copbot.store.models import Community, Member, PairingAvoid
from copbot.store.upsert import insert_if_absent

RESUMED = N_("Introductions are back on: see you next round.")
NOT_TAKING_PART = N_(
    "You are not taking part in introductions: tick *Introductions* in your profile with "
    "`/cop join <community>`."
)
NOT_A_MEMBER = N_("You are not in any community here yet: `/cop join` to join one.")


@dataclass(frozen=True)
class MembershipStatus:
    community: str
    opted_in: bool
    paused: bool
    paused_until: LocalDay | None  # the day the pause ends, in the community's time zone
    every_other: bool
    rhythm_weeks: int


@dataclass(frozen=True)
class PairingStatus:
    memberships: tuple[MembershipStatus, ...]
    avoiding: int


def pause(
    session: Session, *, team_id: str, user_id: str, words: list[str], now: datetime
) -> LocalDay | None:
    """Pause the person's introductions in every community; the day it ends (None: until resumed)."""
    members = _memberships(session, team_id=team_id, user_id=user_id)
    timezone = _timezone(session, members[0])
    until = pause_end(words, now=now, timezone=timezone)
    for member in members:
        member.pairing_paused_at, member.paused_until = now, until
    return _zoned_day(until, timezone)


def resume(session: Session, *, team_id: str, user_id: str, community_id: int | None = None) -> bool:
    """Lift the person's pauses, everywhere (or in the one community a Resume button names).

    Only pauses: where they said they do not take part in introductions, they still do not. True when they
    take part somewhere.
    """
    taking_part = False
    for member in _memberships(session, team_id=team_id, user_id=user_id):
        if community_id is None or member.community_id == community_id:
            member.pairing_paused_at, member.paused_until = None, None
            member.pairing_ignored_rounds = 0
            taking_part = taking_part or member.pairing_opt_in
    return taking_part


def pause_in(
    session: Session, *, team_id: str, user_id: str, community_id: int, origin: str, now: datetime
) -> None:
    """The App Home's Pause button: introductions in that one community stop until resumed."""
    member = _membership_in(session, team_id=team_id, user_id=user_id, community_id=community_id)
    member.pairing_paused_at, member.paused_until = now, None
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)


def resume_in(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    community_id: int,
    origin: str,
    response_url: str | None,
    now: datetime,
) -> None:
    """A Resume button (the pause DM, the App Home): that community again; said beside the click."""
    _membership_in(session, team_id=team_id, user_id=user_id, community_id=community_id)
    resume(session, team_id=team_id, user_id=user_id, community_id=community_id)
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)
    notices.notify(
        session,
        team_id=team_id,
        user_id=user_id,
        message=RESUMED,
        params={},
        key=origin,
        now=now,
        response_url=response_url,
    )


def _membership_in(session: Session, *, team_id: str, user_id: str, community_id: int) -> Member:
    for member in _memberships(session, team_id=team_id, user_id=user_id):
        if member.community_id == community_id:
            return member
    raise NotFound("That community no longer exists.")


@dataclass(frozen=True)
class Preferences:
    """What the App Home's introductions modal shows, for one community (the avoid list is everywhere)."""

    community: str
    paused: bool
    paused_until: date | None  # the day the pause ends, in the community's time zone
    every_other: bool
    avoided: tuple[str, ...]


PAUSE_FIELD = "pair_pause"
UNTIL_FIELD = "pair_pause_until"
AVOID_FIELD = "pair_avoid"
PAUSE_CHOICES = ("none", "1w", "2w", "until", "resumed")  # not paused / a week / two / until a day / resumed


def preferences_in(
    session: Session, *, team_id: str, user_id: str, community_id: int, now: datetime
) -> Preferences:
    member = _membership_in(session, team_id=team_id, user_id=user_id, community_id=community_id)
    community = session.get(Community, community_id)
    assert community is not None
    paused = is_paused(member.pairing_paused_at, member.paused_until, now)
    return Preferences(
        community=community.name,
        paused=paused,
        paused_until=_local_day(member.paused_until, community.timezone) if paused else None,
        every_other=member.pairing_every_other,
        avoided=tuple(store.avoided_users(session, team_id=team_id, user_id=user_id)),
    )


def newly_avoided(session: Session, *, team_id: str, user_id: str, chosen: list[str]) -> list[str]:
    """The chosen people not yet on the person's avoid list: the ones to check before they are added."""
    already = set(store.avoided_users(session, team_id=team_id, user_id=user_id))
    return [other for other in chosen if other not in already]


def save_preferences(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    community_id: int,
    pause_for: str,
    until: date | None,
    every_other: bool,
    avoided: list[str],
    origin: str,
    now: datetime,
) -> None:
    """The introductions modal: the pause and frequency in that community, and the whole avoid list.

    The people newly avoided are already checked to be live people of this workspace.
    """
    member = _membership_in(session, team_id=team_id, user_id=user_id, community_id=community_id)
    community = session.get(Community, community_id)
    assert community is not None
    if pause_for == "none":
        if member.pairing_paused_at is not None:
            resume(session, team_id=team_id, user_id=user_id, community_id=community_id)
    else:
        ends = _pause_end(pause_for, until, now=now, timezone=community.timezone)
        paused = is_paused(member.pairing_paused_at, member.paused_until, now)
        if not (paused and member.paused_until == ends):  # unchanged: the pause keeps its start
            member.pairing_paused_at, member.paused_until = now, ends
    member.pairing_every_other = every_other
    for other in store.avoided_users(session, team_id=team_id, user_id=user_id):
        if other not in avoided:
            unavoid(session, team_id=team_id, user_id=user_id, other=other)
    for other in avoided:
        avoid(session, team_id=team_id, user_id=user_id, other=other, now=now)
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)


def _pause_end(pause_for: str, until: date | None, *, now: datetime, timezone: str) -> datetime | None:
    if pause_for not in PAUSE_CHOICES:
        raise InvalidInput("Choose how long to pause.", field=PAUSE_FIELD)
    if pause_for == "until" and until is None:
        raise InvalidInput("Pick the day the pause ends.", field=UNTIL_FIELD)
    words = {"1w": ["1w"], "2w": ["2w"], "resumed": [], "until": ["until", str(until)]}[pause_for]
    try:
        return pause_end(words, now=now, timezone=timezone)
    except InvalidInput as error:
        error.field = UNTIL_FIELD
        raise


def every_other_in(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    community_id: int,
    every_other: bool,
    origin: str,
    now: datetime,
) -> None:
    """The App Home's frequency buttons: every round, or every other round, in that one community."""
    member = _membership_in(session, team_id=team_id, user_id=user_id, community_id=community_id)
    member.pairing_every_other = every_other
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)


def set_every_other(session: Session, *, team_id: str, user_id: str, every_other: bool) -> None:
    for member in _memberships(session, team_id=team_id, user_id=user_id):
        member.pairing_every_other = every_other


def status(session: Session, *, team_id: str, user_id: str, now: datetime) -> PairingStatus:
    members = _memberships(session, team_id=team_id, user_id=user_id)
    rows = []
    for member in members:
        community = session.get(Community, member.community_id)
        assert community is not None
        rows.append(
            MembershipStatus(
                community=community.name,
                opted_in=member.pairing_opt_in,
                paused=is_paused(member.pairing_paused_at, member.paused_until, now),
                paused_until=_zoned_day(member.paused_until, community.timezone),
                every_other=member.pairing_every_other,
                rhythm_weeks=community.pairing_every_weeks,
            )
        )
    avoiding = len(store.avoided_users(session, team_id=team_id, user_id=user_id))
    return PairingStatus(tuple(rows), avoiding)


def avoid(session: Session, *, team_id: str, user_id: str, other: str, now: datetime) -> None:
    """Never introduce the person to `other` (already checked to be a live person of this workspace)."""
    if other == user_id:
        raise InvalidInput("You can't avoid yourself.", field=AVOID_FIELD)
    insert_if_absent(
        session,
        PairingAvoid,
        ["team_id", "user_id", "avoided_user_id"],
        team_id=team_id,
        user_id=user_id,
        avoided_user_id=other,
        created_at=now,
    )


def unavoid(session: Session, *, team_id: str, user_id: str, other: str) -> bool:
    """True when `other` was on the person's avoid list."""
    removed = session.execute(
        delete(PairingAvoid).where(
            PairingAvoid.team_id == team_id,
            PairingAvoid.user_id == user_id,
            PairingAvoid.avoided_user_id == other,
        )
    )
    return bool(removed.rowcount)  # type: ignore[attr-defined]


def pair_now(
    session: Session, *, team_id: str, user_id: str, name: str | None, is_admin: bool, now: datetime
) -> tuple[Community, int]:
    """An organiser's round right now; the community and how many members may be introduced."""
    community = chosen_community(session, team_id=team_id, community_id=None, name=name)
    if community is None:
        community = _only_organised(session, team_id=team_id, user_id=user_id)
    if not is_organiser(session, community=community, user_id=user_id, is_workspace_admin=is_admin):
        raise NotAllowed("Only the organisers of *{community}* can start a round.", community=community.name)
    if waiting(session, kind=ROUND_START, community_id=community.id):
        raise Conflict(
            "A round of *{community}* is starting: I am still checking who is around. "
            "Its introductions follow shortly.",
            community=community.name,
        )
    running = store.last_round(session, community_id=community.id)
    if running is not None and running.ends_at is not None and running.ends_at > now:
        raise Conflict(
            "A round of *{community}* is still running: it ends on {day}.",
            community=community.name,
            day=_zoned_day(running.ends_at, community.timezone),
        )
    # Keyed by the minute: a double click or a retried command asks for one round.
    slot = now.replace(second=0, microsecond=0)
    eligible = request_round(session, community=community, slot_start=slot, now=now, requested_by=user_id)
    return community, eligible


def _only_organised(session: Session, *, team_id: str, user_id: str) -> Community:
    query = (
        select(Community)
        .join(Member, Member.community_id == Community.id)
        .where(
            Community.team_id == team_id,
            Community.archived_at.is_(None),
            Member.user_id == user_id,
            Member.left_at.is_(None),
            Member.role == Role.ORGANISER,
        )
    )
    organised = list(session.scalars(query))
    if len(organised) != 1:
        raise InvalidInput("Which community? `/cop pair now <community>`")
    return organised[0]


def _memberships(session: Session, *, team_id: str, user_id: str) -> list[Member]:
    query = (
        select(Member)
        .join(Community, Community.id == Member.community_id)
        .where(
            Member.team_id == team_id,
            Member.user_id == user_id,
            Member.left_at.is_(None),
            Community.archived_at.is_(None),
        )
        .order_by(Member.joined_at, Member.id)
    )
    members = list(session.scalars(query))
    if not members:
        raise NotFound(NOT_A_MEMBER)
    return members


def _local_day(at: datetime | None, timezone: str) -> date | None:
    return None if at is None else at.astimezone(ZoneInfo(timezone)).date()


def _zoned_day(at: datetime | None, timezone: str) -> LocalDay | None:
    """The day of `at` in the zone, kept with its zone so that the Slack layer writes it as a date token."""
    day = _local_day(at, timezone)
    return None if day is None else LocalDay(day, timezone)


def _timezone(session: Session, member: Member) -> str:
    community = session.get(Community, member.community_id)
    return community.timezone if community is not None else "UTC"
