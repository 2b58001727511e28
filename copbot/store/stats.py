"""The organisers' statistics as SQL aggregates: one function per section, counting in the database.

Nothing here loads rows to count them: each query returns a handful of numbers (or one row per week,
cohort, newcomer or team pair). The few expressions SQLite and PostgreSQL write differently (seconds since
the epoch, a whole number, the smaller of two values) are copbot.store.dialect's.

The activity log is the source for what people did (copbot.domain.enums.ActivityKind); `members` for who
belongs; `stories` and `prompt_posts` for what was shared; `pairing_*` for the introductions. Two
figures read tables kept as things happen instead of picking through history: sessions from `turnout`
and `turnout_dates` (copbot.store.turnout), repeats and team pairs from `pairing_pairs`
(copbot.store.pairing_pairs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from copbot.domain.enums import ActivityKind, PairingOutcome, RsvpAnswer
from copbot.domain.stats import RETENTION_DAYS, WEEK, Window
from copbot.store import dialect
from copbot.store.dialect import DAY_SECONDS, Column
from copbot.store.models import (
    ACTION_KINDS,
    Activity,
    Member,
    PairingGroup,
    PairingGroupMember,
    PairingPair,
    PairingRound,
    PromptPost,
    Story,
    Turnout,
    TurnoutDate,
    acted,
)

GOING = RsvpAnswer.YES.value
WEEK_SECONDS = int(WEEK.total_seconds())
TOP = 3
LEARNED_SHOWN = 3
ACTIONS = ACTION_KINDS


def _is_action() -> ColumnElement[bool]:
    """What makes someone an active member: shared, said Going, came, met their pair, was helped.

    The same SQL text as the predicate of the partial index ix_activity_actions (its values inline), so
    that both databases see the index applies.
    """
    return literal_column(f"({acted('activity')})", Boolean)


def _in(column: Column, window: Window) -> ColumnElement[bool]:
    return and_(column >= window.start, column < window.end)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --- membership ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    at_start: int
    at_end: int
    joined: int
    left: int


def _member_at(moment: datetime) -> ColumnElement[bool]:
    return and_(Member.joined_at < moment, or_(Member.left_at.is_(None), Member.left_at >= moment))


def membership(session: Session, *, community_id: int, window: Window) -> Membership:
    """Members at the window's start and end, and first joins and departures within it."""
    query = select(
        _count_if(_member_at(window.start)),
        _count_if(_member_at(window.end)),
        _count_if(_in(Member.joined_at, window)),
        _count_if(and_(Member.left_at.is_not(None), _in(Member.left_at, window))),
    ).where(Member.community_id == community_id)
    at_start, at_end, joined, left = session.execute(query).one()
    return Membership(int(at_start), int(at_end), int(joined), int(left))


def _how_many(values: Any) -> Any:
    """How many distinct values a select yields (a GROUP BY: hashed, where COUNT DISTINCT sorts)."""
    return select(func.count()).select_from(values.group_by(*values.selected_columns).subquery())


def active_members(session: Session, *, community_id: int, window: Window) -> int:
    """People who did something that makes them active in the window (ix_activity_actions)."""
    people = select(Activity.user_id).where(
        Activity.community_id == community_id,
        _in(Activity.at, window),
        Activity.user_id.is_not(None),
        _is_action(),
    )
    return session.scalar(_how_many(people)) or 0


def newcomers(
    session: Session, *, community_id: int, window: Window
) -> list[tuple[datetime, datetime | None]]:
    """For each person who first joined in the window: when, and their first action since (or None)."""
    first = (
        select(func.min(Activity.at))
        .where(
            Activity.community_id == community_id,
            Activity.user_id == Member.user_id,
            Activity.at >= Member.joined_at,
            _is_action(),
        )
        .scalar_subquery()
    )
    query = select(Member.joined_at, first).where(
        Member.community_id == community_id, _in(Member.joined_at, window)
    )
    return [(joined, acted) for joined, acted in session.execute(query)]


@dataclass(frozen=True)
class CohortCounts:
    month: datetime
    joined: int
    eligible: dict[int, int]
    stayed: dict[int, int]


def cohorts(
    session: Session, *, community_id: int, months: Sequence[datetime], end: datetime
) -> list[CohortCounts]:
    """Each monthly join cohort's size; for 30/60/90 days, who could be counted and who stayed that long."""
    if not months:
        return []
    bounds = [*months[1:], end]
    which = case(*((Member.joined_at < bound, index) for index, bound in enumerate(bounds)), else_=None)
    stay = dialect.epoch(session, Member.left_at) - dialect.epoch(session, Member.joined_at)
    columns = [which, func.count()]
    for days in RETENTION_DAYS:
        eligible = Member.joined_at <= end - timedelta(days=days)
        stayed = and_(eligible, or_(Member.left_at.is_(None), stay >= days * DAY_SECONDS))
        columns += [_count_if(eligible), _count_if(stayed)]
    query = (
        select(*columns)
        .where(Member.community_id == community_id, Member.joined_at >= months[0], Member.joined_at < end)
        .group_by(which)
    )
    rows = {int(row[0]): row[1:] for row in session.execute(query) if row[0] is not None}
    return [_cohort(month, rows.get(index)) for index, month in enumerate(months)]


def _cohort(month: datetime, row: Sequence[int] | None) -> CohortCounts:
    if row is None:
        return CohortCounts(month, 0, {}, {})
    figures = [int(value) for value in row]
    eligible = {days: figures[1 + 2 * index] for index, days in enumerate(RETENTION_DAYS)}
    stayed = {days: figures[2 + 2 * index] for index, days in enumerate(RETENTION_DAYS)}
    return CohortCounts(month, figures[0], eligible, stayed)


# --- stories ---------------------------------------------------------------------------------------


def stories_shared(session: Session, *, community_id: int, window: Window) -> int:
    """Stories shared in the window; a deleted one still counts (its tombstone keeps the date)."""
    query = select(func.count(Story.id)).where(
        Story.community_id == community_id, _in(Story.created_at, window)
    )
    return session.scalar(query) or 0


def top_prompts(session: Session, *, community_id: int, window: Window) -> list[tuple[str, int]]:
    """The prompts (by key) whose posts drew the most stories shared in the window."""
    return _drawn_by(session, PromptPost.prompt_key, community_id=community_id, window=window)


def top_themes(session: Session, *, community_id: int, window: Window) -> list[tuple[str, int]]:
    return _drawn_by(session, PromptPost.theme, community_id=community_id, window=window)


def _drawn_by(
    session: Session, column: Column, *, community_id: int, window: Window
) -> list[tuple[str, int]]:
    drawn = func.count(Story.id)
    query = (
        select(column, drawn)
        .join(PromptPost, Story.prompt_post_id == PromptPost.id)
        .where(Story.community_id == community_id, _in(Story.created_at, window))
        .group_by(column)
        .order_by(drawn.desc(), column)
        .limit(TOP)
    )
    return [(str(name), int(count)) for name, count in session.execute(query)]


# --- sessions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sessions:
    held: int  # distinct occurrences dated in the window that someone answered or attended
    planned: int  # people whose latest answer for one of them was Going (counted once per occurrence)
    attendances: int  # people who came, counted once per occurrence
    attendees: int  # distinct people who came
    returning: int  # of those, people who had come to another session before (or came twice)


def _dates(community_id: int, days: tuple[date, date]) -> ColumnElement[bool]:
    """The community's session dates `days` that someone answered or came to (`turnout_dates`)."""
    return and_(
        TurnoutDate.community_id == community_id,
        TurnoutDate.occurs_on >= days[0],
        TurnoutDate.occurs_on < days[1],
    )


def sessions_held(session: Session, *, community_id: int, days: tuple[date, date]) -> int:
    """Distinct occurrences dated `days` that someone answered or attended."""
    return session.scalar(select(func.count()).where(_dates(community_id, days))) or 0


def sessions(session: Session, *, community_id: int, window: Window, days: tuple[date, date]) -> Sessions:
    """Meetups held between the community's local dates `days` (first included, last excluded).

    Kept as answers and attendances are logged (copbot.store.turnout): each date's count of people whose
    latest answer is Going and of people who came, so held, planned and attendances are sums over the
    dates; attendees and returning ones come from one `turnout` row per attendee and date.
    """
    totals = (func.coalesce(func.sum(column), 0) for column in (TurnoutDate.going, TurnoutDate.came))
    dates = select(func.count(), *totals).where(_dates(community_id, days))
    held, planned, attendances = (int(value or 0) for value in session.execute(dates).one())
    people = (
        select(Turnout.user_id, func.count().label("sessions"))
        .where(
            Turnout.community_id == community_id,
            Turnout.occurs_on >= days[0],
            Turnout.occurs_on < days[1],
            Turnout.attended_at.is_not(None),  # the terms of the partial index ix_turnout_came
            Turnout.user_id.is_not(None),
        )
        .group_by(Turnout.user_id)
        .subquery()
    )
    query = select(
        func.count(), _count_if(_returning(people, community_id=community_id, window=window))
    ).select_from(people)
    attendees, returning = (int(value or 0) for value in session.execute(query).one())
    return Sessions(held, planned, attendances, attendees, returning)


def _returning(attendees: Any, *, community_id: int, window: Window) -> ColumnElement[bool]:
    """An attendee who came to two of these sessions, or to one before the period."""
    earlier = aliased(Turnout)
    before = (
        select(literal(1))
        .where(
            earlier.community_id == community_id,
            earlier.user_id == attendees.c.user_id,
            earlier.attended_at < window.start,
        )
        .exists()
    )
    return or_(attendees.c.sessions > 1, before)


# --- pairing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pairing:
    groups: int
    met: int
    repeats: int  # groups in which two people had already been introduced in an earlier round
    team_pairs_met: list[tuple[str, str]]  # distinct team pairs introduced, each sorted
    teams: list[str]  # the teams of the community's members now


def introductions(session: Session, *, community_id: int, window: Window) -> tuple[int, int]:
    """Groups made in the window's rounds, and how many of them met."""
    query = (
        select(func.count(PairingGroup.id), _count_if(PairingGroup.outcome == PairingOutcome.MET))
        .join(PairingRound, PairingGroup.round_id == PairingRound.id)
        .where(PairingRound.community_id == community_id, _in(PairingRound.slot_start, window))
    )
    groups, met = session.execute(query).one()
    return int(groups or 0), int(met or 0)


def pairing(session: Session, *, community_id: int, window: Window) -> Pairing:
    groups, met = introductions(session, community_id=community_id, window=window)
    return Pairing(
        groups=groups,
        met=met,
        repeats=_repeats(session, community_id=community_id, window=window),
        team_pairs_met=_team_pairs_met(session, community_id=community_id, window=window),
        teams=_teams(session, community_id=community_id),
    )


def _pairs_of(community_id: int, window: Window) -> ColumnElement[bool]:
    """The pairs introduced by the community's rounds that started in the window (`pairing_pairs`)."""
    return and_(PairingPair.community_id == community_id, _in(PairingPair.slot_start, window))


def _repeats(session: Session, *, community_id: int, window: Window) -> int:
    """Groups of the window in which two people had been introduced in an earlier round.

    Whether a pair is a repeat is kept with the pair when its round is made (copbot.store.pairing_pairs).
    """
    repeated = select(PairingPair.group_id).where(_pairs_of(community_id, window), PairingPair.repeat)
    return session.scalar(_how_many(repeated)) or 0


def _team_pairs_met(session: Session, *, community_id: int, window: Window) -> list[tuple[str, str]]:
    """The distinct pairs of (current) teams whose members a round of the window introduced, each sorted."""
    one, two = aliased(Member), aliased(Member)
    low, high = dialect.ordered(session, one.team_name, two.team_name)
    query = (
        select(low, high)
        .select_from(PairingPair)
        .join(one, one.id == PairingPair.first_member_id)
        .join(two, two.id == PairingPair.second_member_id)
        .where(
            _pairs_of(community_id, window),
            one.team_name != two.team_name,
            one.team_name != "",
            two.team_name != "",
        )
        .group_by(low, high)
    )
    return [(str(a), str(b)) for a, b in session.execute(query)]


def _teams(session: Session, *, community_id: int) -> list[str]:
    query = select(Member.team_name).where(
        Member.community_id == community_id, Member.left_at.is_(None), Member.team_name != ""
    )
    return sorted(str(name) for name in session.scalars(query.distinct()))


@dataclass(frozen=True)
class Learned:
    user_id: str
    at: datetime
    text: str


def _shown_answers(community_id: int) -> Select[str | None, datetime | None, str, int]:
    """The "what did you learn or decide?" answers of a community that their authors let organisers read."""
    return (
        select(Member.user_id, PairingGroupMember.answered_at, PairingGroupMember.learned, PairingGroup.id)
        .join(Member, Member.id == PairingGroupMember.member_id)
        .join(PairingGroup, PairingGroup.id == PairingGroupMember.group_id)
        .join(PairingRound, PairingRound.id == PairingGroup.round_id)
        .where(
            PairingRound.community_id == community_id,
            PairingGroupMember.learned_shared.is_(True),
            PairingGroupMember.learned != "",
            PairingGroupMember.answered_at.is_not(None),
            Member.erased_at.is_(None),
        )
    )


def learned(
    session: Session, *, community_id: int, window: Window, limit: int = LEARNED_SHOWN
) -> list[Learned]:
    """The latest "what I learned" answers whose authors allowed organisers to see them."""
    query = (
        _shown_answers(community_id)
        .where(_in(PairingGroupMember.answered_at, window))
        .order_by(PairingGroupMember.answered_at.desc(), PairingGroupMember.id.desc())
        .limit(limit)
    )
    return [
        Learned(str(user), at, str(text)) for user, at, text, _ in session.execute(query) if at is not None
    ]


# --- weekly series and the export ------------------------------------------------------------------


@dataclass(frozen=True)
class Weekly:
    joined: list[int]
    left: list[int]
    active: list[int]
    stories: list[int]
    by_kind: dict[ActivityKind, list[int]]  # going answers (RSVP), ATTENDED, PAIR_MET, HELPED


WEEKLY_KINDS = (ActivityKind.RSVP, ActivityKind.ATTENDED, ActivityKind.PAIR_MET, ActivityKind.HELPED)


def weekly(session: Session, *, community_id: int, window: Window, weeks: int) -> Weekly:
    """Per 7-day bucket (see Window.origin): joins, departures, active people and what they did."""

    def bucket(column: Column) -> ColumnElement[int]:
        weeks_since = (dialect.epoch(session, column) - window.origin.timestamp()) / WEEK_SECONDS
        return dialect.whole(session, weeks_since)

    def series(column: Column, counted: ColumnElement[int], *where: ColumnElement[bool]) -> list[int]:
        index = bucket(column)
        query = select(index, counted).where(_in(column, window), *where).group_by(index)
        return _spread(session.execute(query).all(), weeks)

    members, activity = Member.community_id == community_id, Activity.community_id == community_id
    kinds = Activity.kind.in_(WEEKLY_KINDS)
    counted = and_(kinds, or_(Activity.kind != ActivityKind.RSVP, Activity.answer == GOING))
    index = bucket(Activity.at)
    by_kind_query = (
        select(index, Activity.kind, func.count())
        .where(activity, _in(Activity.at, window), counted)
        .group_by(index, Activity.kind)
    )
    rows = session.execute(by_kind_query).all()
    return Weekly(
        joined=series(Member.joined_at, func.count(), members),
        left=series(Member.left_at, func.count(), members),
        active=series(
            Activity.at,
            func.count(distinct(Activity.user_id)),
            activity,
            Activity.user_id.is_not(None),
            _is_action(),
        ),
        stories=series(Story.created_at, func.count(), Story.community_id == community_id),
        by_kind={kind: _spread([(i, n) for i, k, n in rows if k == kind], weeks) for kind in WEEKLY_KINDS},
    )


def _spread(rows: Sequence[tuple[object, object]], weeks: int) -> list[int]:
    counts = [0] * weeks
    for index, count in rows:
        if index is not None and 0 <= int(index) < weeks:  # type: ignore[call-overload]
            counts[int(index)] += int(count)  # type: ignore[call-overload]
    return counts


@dataclass(frozen=True)
class GroupOutcome:
    round_start: datetime
    group_id: int
    size: int
    outcome: PairingOutcome
    teams: int  # distinct non-empty teams in the group
    learned: list[str]  # answers whose authors allowed organisers to see them


def group_outcomes(session: Session, *, community_id: int, window: Window) -> list[GroupOutcome]:
    """Every introduction of the window, for the export: one row per group (not a count)."""
    query = (
        select(
            PairingRound.slot_start,
            PairingGroup.id,
            PairingGroup.outcome,
            func.count(PairingGroupMember.id),
            func.count(distinct(case((Member.team_name != "", Member.team_name), else_=None))),
        )
        .join(PairingRound, PairingGroup.round_id == PairingRound.id)
        .join(PairingGroupMember, PairingGroupMember.group_id == PairingGroup.id)
        .join(Member, Member.id == PairingGroupMember.member_id)
        .where(PairingRound.community_id == community_id, _in(PairingRound.slot_start, window))
        .group_by(PairingRound.slot_start, PairingGroup.id, PairingGroup.outcome)
        .order_by(PairingRound.slot_start, PairingGroup.id)
    )
    answers = _allowed_answers(session, community_id=community_id)
    return [
        GroupOutcome(start, group_id, int(size), outcome, int(teams), answers.get(group_id, []))
        for start, group_id, outcome, size, teams in session.execute(query)
    ]


def _allowed_answers(session: Session, *, community_id: int) -> dict[int, list[str]]:
    query = _shown_answers(community_id).order_by(PairingGroupMember.answered_at, PairingGroupMember.id)
    answers: dict[int, list[str]] = {}
    for _, _, text, group_id in session.execute(query):
        answers.setdefault(int(group_id), []).append(str(text))
    return answers
