"""The organisers' statistics as SQL aggregates: one function per section, counting in the database.

Nothing here loads rows to count them: each query returns a handful of numbers (or one row per week,
cohort, newcomer or team pair). The few expressions SQLite and PostgreSQL write differently (seconds since
the epoch, a whole number, the date in an occurrence key) are the `_Dialect` helpers at the end.

The activity log is the source for what people did (copbot.domain.enums.ActivityKind); `members` for who
belongs; `stories` and `prompt_posts` for what was shared; `pairing_*` for the introductions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    case,
    cast,
    distinct,
    extract,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from copbot.domain.enums import ActivityKind, PairingOutcome, RsvpAnswer
from copbot.domain.stats import RETENTION_DAYS, WEEK, Window
from copbot.store.models import (
    Activity,
    Member,
    PairingGroup,
    PairingGroupMember,
    PairingRound,
    PromptPost,
    Story,
)

Column = SQLColumnExpression[Any]  # a mapped attribute or any SQL expression
GOING = RsvpAnswer.YES.value
DAY_SECONDS = 86_400
WEEK_SECONDS = int(WEEK.total_seconds())
RSVP_LOOKBACK = timedelta(days=30)  # an answer given this long before its session still counts
ATTENDANCE_LAG = timedelta(days=7)  # attendance may be recorded this long after the session
TOP = 3
LEARNED_SHOWN = 3
ACTIONS = (ActivityKind.STORY_SHARED, ActivityKind.ATTENDED, ActivityKind.PAIR_MET, ActivityKind.HELPED)


def _is_action() -> ColumnElement[bool]:
    """What makes someone an active member: shared, said Going, came, met their pair, was helped.

    The kinds are listed first so that an index on (community, kind, time, …) is searched by kind.
    """
    return and_(
        Activity.kind.in_((*ACTIONS, ActivityKind.RSVP)),
        or_(Activity.kind != ActivityKind.RSVP, Activity.answer == GOING),
    )


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
    dialect = _Dialect.of(session)
    stay = dialect.epoch(Member.left_at) - dialect.epoch(Member.joined_at)
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


def _dated(session: Session, *, community_id: int, window: Window, days: tuple[date, date]) -> Any:
    """Answers and attendances for the occurrences dated `days`.

    An answer comes before its session (up to RSVP_LOOKBACK), an attendance after it (up to ATTENDANCE_LAG).
    Two selects, one per kind, so that each is a range of the occurrences' covering index (one select
    with OR reads the table's pages on PostgreSQL).
    """
    day = _Dialect.of(session).occurrence_day(Activity.occurrence)

    def of(kind: ActivityKind, start: datetime, end: datetime) -> Any:
        return select(
            Activity.id,
            Activity.user_id,
            Activity.kind,
            Activity.at,
            Activity.occurrence,
            Activity.answer,
        ).where(
            Activity.community_id == community_id,
            Activity.kind == kind,
            Activity.at >= start,
            Activity.at < end,
            Activity.occurrence.is_not(None),
            day >= days[0].isoformat(),
            day < days[1].isoformat(),
        )

    return union_all(
        of(ActivityKind.RSVP, window.start - RSVP_LOOKBACK, window.end),
        of(ActivityKind.ATTENDED, window.start, window.end + ATTENDANCE_LAG),
    )


def sessions_held(session: Session, *, community_id: int, window: Window, days: tuple[date, date]) -> int:
    """Distinct occurrences dated `days` that someone answered or attended."""
    rows = _dated(session, community_id=community_id, window=window, days=days).subquery()
    return session.scalar(_how_many(select(rows.c.occurrence))) or 0


def sessions(session: Session, *, community_id: int, window: Window, days: tuple[date, date]) -> Sessions:
    """Meetups held between the community's local dates `days` (first included, last excluded).

    The answers and attendances of those dates are read once (a CTE) and counted five ways in one
    statement; attendees and returning ones from one row per attendee.
    """
    rows = _dated(session, community_id=community_id, window=window, days=days).cte("dated")
    came = (
        select(rows.c.user_id, rows.c.occurrence)
        .where(rows.c.kind == ActivityKind.ATTENDED, rows.c.user_id.is_not(None))
        .group_by(rows.c.user_id, rows.c.occurrence)
        .cte("came")
    )
    people = select(came.c.user_id, func.count().label("sessions")).group_by(came.c.user_id).subquery()
    query = select(
        _how_many(select(rows.c.occurrence)).scalar_subquery(),
        _planned(rows),
        select(func.count()).select_from(came).scalar_subquery(),
        func.count(),
        _count_if(_returning(people, community_id=community_id, window=window)),
    ).select_from(people)
    held, planned, attendances, attendees, returning = (
        int(value or 0) for value in session.execute(query).one()
    )
    return Sessions(held, planned, attendances, attendees, returning)


def _planned(rows: Any) -> Any:
    """People whose latest answer for an occurrence was Going, once per occurrence."""
    latest = func.row_number().over(
        partition_by=(rows.c.user_id, rows.c.occurrence), order_by=(rows.c.at.desc(), rows.c.id.desc())
    )
    answers = (
        select(rows.c.answer, latest.label("rank"))
        .where(rows.c.kind == ActivityKind.RSVP, rows.c.user_id.is_not(None))
        .subquery()
    )
    return select(func.count()).where(answers.c.rank == 1, answers.c.answer == GOING).scalar_subquery()


def _returning(attendees: Any, *, community_id: int, window: Window) -> ColumnElement[bool]:
    """An attendee who came to two of these sessions, or to one before the period."""
    before = (
        select(literal(1))
        .where(
            Activity.community_id == community_id,
            Activity.user_id == attendees.c.user_id,
            Activity.kind == ActivityKind.ATTENDED,
            Activity.at < window.start,
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
    in_window = and_(PairingRound.community_id == community_id, _in(PairingRound.slot_start, window))
    groups, met = introductions(session, community_id=community_id, window=window)
    return Pairing(
        groups=groups,
        met=met,
        repeats=_repeats(session, community_id=community_id, window=window),
        team_pairs_met=_team_pairs_met(session, in_window),
        teams=_teams(session, community_id=community_id),
    )


def _repeats(session: Session, *, community_id: int, window: Window) -> int:
    """Groups of the window in which two people had been introduced in an earlier round.

    The window's pairs against the pairs of the rounds before it, matched on the two people (a hash join
    on PostgreSQL; a lookup per pair through each person's groups costs more). The pairs are a subquery
    each time, not a CTE, so that the planner knows how many there are.
    """
    now = _pairs(community_id, PairingRound.slot_start >= window.start, PairingRound.slot_start < window.end)
    before = _pairs(community_id, PairingRound.slot_start < window.end)
    met_before = (
        select(literal(1))
        .where(before.c.first == now.c.first, before.c.second == now.c.second, before.c.slot < now.c.slot)
        .exists()
    )
    return session.scalar(_how_many(select(now.c.group_id).where(met_before))) or 0


def _pairs(community_id: int, *when: ColumnElement[bool]) -> Any:
    """Every pair of people introduced in the community's rounds `when`: group, round start, the two."""
    one, two = aliased(PairingGroupMember), aliased(PairingGroupMember)
    return (
        select(
            PairingGroup.id.label("group_id"),
            PairingRound.slot_start.label("slot"),
            one.member_id.label("first"),
            two.member_id.label("second"),
        )
        .join(PairingRound, PairingGroup.round_id == PairingRound.id)
        .join(one, one.group_id == PairingGroup.id)
        .join(two, and_(two.group_id == PairingGroup.id, two.member_id > one.member_id))
        .where(PairingRound.community_id == community_id, *when)
        .subquery()
    )


def _team_pairs_met(session: Session, in_window: ColumnElement[bool]) -> list[tuple[str, str]]:
    one, two = aliased(PairingGroupMember), aliased(PairingGroupMember)
    team_one, team_two = aliased(Member), aliased(Member)
    query = (
        select(team_one.team_name, team_two.team_name)
        .select_from(PairingGroup)
        .join(PairingRound, PairingGroup.round_id == PairingRound.id)
        .join(one, one.group_id == PairingGroup.id)
        .join(two, and_(two.group_id == PairingGroup.id, two.member_id != one.member_id))
        .join(team_one, team_one.id == one.member_id)
        .join(team_two, team_two.id == two.member_id)
        .where(in_window, team_one.team_name < team_two.team_name, team_one.team_name != "")
        .distinct()
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
    dialect = _Dialect.of(session)

    def bucket(column: Column) -> ColumnElement[int]:
        return dialect.whole((dialect.epoch(column) - window.origin.timestamp()) / WEEK_SECONDS)

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


# --- what SQLite and PostgreSQL write differently --------------------------------------------------


class _Dialect:
    def __init__(self, *, postgresql: bool) -> None:
        self.postgresql = postgresql

    @classmethod
    def of(cls, session: Session) -> _Dialect:
        return cls(postgresql=session.get_bind().dialect.name == "postgresql")

    def epoch(self, column: Column) -> ColumnElement[float]:
        """Seconds since 1970 (SQLite keeps naive UTC text; julianday reads it)."""
        if self.postgresql:
            return cast(extract("epoch", column), Float)
        return (func.julianday(column) - 2440587.5) * DAY_SECONDS

    def whole(self, value: ColumnElement[float]) -> ColumnElement[int]:
        """The whole part of a non-negative number (PostgreSQL's cast rounds, SQLite's truncates)."""
        return cast(func.floor(value), Integer) if self.postgresql else cast(value, Integer)

    def occurrence_day(self, occurrence: Column) -> ColumnElement[str]:
        """The local date in an occurrence key "<series id>:<YYYY-MM-DD>"."""
        if self.postgresql:
            return func.split_part(occurrence, ":", 2)
        return func.substr(occurrence, func.instr(occurrence, ":") + 1)
