"""`/cop stats`: a community's figures for its organisers, the App Home's health line, the chart and export.

Who may see them is decided here, before any figure is read: the community's organisers and the
workspace's admins and owners. The figures come from copbot.store.stats (SQL aggregates); the arithmetic
(changes, shares, medians, cohorts) is copbot.domain.stats's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from copbot.domain import stats as rules
from copbot.domain.enums import ActivityKind
from copbot.domain.errors import NotAllowed, NotFound
from copbot.domain.prompts import OWN_KEY_PREFIX
from copbot.domain.stats import Change, Cohort, Period, Window
from copbot.domain.text import N_
from copbot.prompts.library import builtin_library
from copbot.services.communities import Actor, choose_community
from copbot.services.lookup import get_community, is_organiser
from copbot.services.outbox import deliver
from copbot.store import stats as figures
from copbot.store.models import Community, Prompt
from copbot.store.stats import Learned

ANSWER = "stats.answer"  # the figures, to the command's response_url, then the chart to the DM
EXPORT = "stats.export"
FILE_WORTH = timedelta(hours=1)  # an organiser who asked an hour ago will ask again rather than wait
ANSWER_WORTH = timedelta(minutes=25)  # Slack takes a response_url's answers for 30 minutes
ORGANISERS_ONLY = N_("Only a community's organisers and workspace admins can see its stats.")
TEAM_PAIRS_NAMED = 5  # the teams that never met: named up to this many pairs


@dataclass(frozen=True)
class Health:
    """The App Home's line for organisers: the last 30 days, from the same queries as `/cop stats`."""

    members: int
    active: int
    joined: int
    left: int
    stories: int


@dataclass(frozen=True)
class Activation:
    newcomers: int
    activated: int  # did something within 30 days of joining
    median_days: float | None


@dataclass(frozen=True)
class PromptDraw:
    text: str  # the prompt in the community's language, or its theme when the prompt is gone
    stories: int


@dataclass(frozen=True)
class PairingFigures:
    groups: Change
    met: Change
    repeats: int
    team_pairs_met: int
    team_pairs_possible: int
    never_met: list[tuple[str, str]]  # up to TEAM_PAIRS_NAMED pairs of teams not introduced in the period
    never_met_count: int


@dataclass(frozen=True)
class CommunityStats:
    community_name: str
    period: Period
    members: Change
    joined: Change
    left: Change
    active: Change
    activation: Activation
    cohorts: list[Cohort]
    stories: Change
    weeks: int
    top_prompts: list[PromptDraw]
    top_themes: list[tuple[str, int]]
    sessions: figures.Sessions
    sessions_held_before: int
    pairing: PairingFigures
    learned: list[Learned]

    @property
    def empty(self) -> bool:
        """Nobody did anything yet, in this period or the one before: nothing worth a figure or a chart."""
        return not any(
            (
                self.active.now,
                self.active.before,
                self.stories.now,
                self.stories.before,
                self.sessions.held,
                self.sessions_held_before,
                self.pairing.groups.now,
                self.pairing.groups.before,
            )
        )


@dataclass(frozen=True)
class WeeklySeries:
    weeks: list[date]  # first day of each 7-day bucket (UTC)
    members: list[int]
    joined: list[int]
    left: list[int]
    active: list[int]
    stories: list[int]
    going: list[int]
    attended: list[int]
    pairs_met: list[int]
    helped: list[int]


def viewable_community(session: Session, *, team_id: str, actor: Actor, name: str | None) -> Community:
    """The community named (or the one the person organises), once they may see its stats."""
    community = choose_community(session, team_id=team_id, actor=actor, name=name, organised_only=True)
    check_may_view(session, community, actor)
    return community


def check_may_view(session: Session, community: Community, actor: Actor) -> None:
    """Organisers of the community and workspace admins; the refusal names no figure and no community."""
    allowed = actor.is_active and is_organiser(
        session, community=community, user_id=actor.user_id, is_workspace_admin=actor.is_admin
    )
    if not allowed:
        raise NotAllowed(ORGANISERS_ONLY)


def community_stats(
    session: Session, community: Community, *, period: Period, now: datetime
) -> CommunityStats:
    window = rules.window_of(period, now)
    before = window.previous()
    where = {"community_id": community.id}
    membership, membership_before = (figures.membership(session, **where, window=w) for w in (window, before))
    return CommunityStats(
        community_name=community.name,
        period=period,
        members=Change(membership.at_end, membership.at_start),
        joined=Change(membership.joined, membership_before.joined),
        left=Change(membership.left, membership_before.left),
        active=Change(*(figures.active_members(session, **where, window=w) for w in (window, before))),
        activation=_activation(session, community.id, window),
        cohorts=_cohorts(session, community.id, window),
        stories=Change(*(figures.stories_shared(session, **where, window=w) for w in (window, before))),
        weeks=rules.week_count(window),
        top_prompts=_top_prompts(session, community, window),
        top_themes=figures.top_themes(session, **where, window=window),
        sessions=figures.sessions(session, **where, window=window, days=_local_days(community, window)),
        sessions_held_before=figures.sessions_held(session, **where, days=_local_days(community, before)),
        pairing=_pairing(session, community.id, window),
        learned=figures.learned(session, **where, window=window),
    )


def health_of(session: Session, *, community_id: int, now: datetime) -> Health:
    window = rules.window_of(Period.DAYS_30, now)
    membership = figures.membership(session, community_id=community_id, window=window)
    return Health(
        members=membership.at_end,
        active=figures.active_members(session, community_id=community_id, window=window),
        joined=membership.joined,
        left=membership.left,
        stories=figures.stories_shared(session, community_id=community_id, window=window),
    )


def _activation(session: Session, community_id: int, window: Window) -> Activation:
    pairs = figures.newcomers(session, community_id=community_id, window=window)
    activated, delays = rules.first_actions(pairs)
    return Activation(newcomers=len(pairs), activated=activated, median_days=rules.median_days(delays))


def _cohorts(session: Session, community_id: int, window: Window) -> list[Cohort]:
    counted = figures.cohorts(
        session, community_id=community_id, months=rules.cohort_months(window), end=window.end
    )
    return [Cohort(c.month, c.joined, c.eligible, c.stayed) for c in counted]


def _top_prompts(session: Session, community: Community, window: Window) -> list[PromptDraw]:
    drawn = figures.top_prompts(session, community_id=community.id, window=window)
    return [PromptDraw(_prompt_text(session, key, community.language), count) for key, count in drawn]


def _prompt_text(session: Session, key: str, language: str) -> str:
    if key.startswith(OWN_KEY_PREFIX) and key.removeprefix(OWN_KEY_PREFIX).isdigit():
        own = session.get(Prompt, int(key.removeprefix(OWN_KEY_PREFIX)))
        return own.text if own is not None else key
    builtin = builtin_library().get(key)
    return builtin.text(language) if builtin is not None else key


def _pairing(session: Session, community_id: int, window: Window) -> PairingFigures:
    now = figures.pairing(session, community_id=community_id, window=window)
    groups_before, met_before = figures.introductions(
        session, community_id=community_id, window=window.previous()
    )
    possible = rules.team_pairs(now.teams)
    met = set(now.team_pairs_met)
    never = [pair for pair in possible if pair not in met]
    return PairingFigures(
        groups=Change(now.groups, groups_before),
        met=Change(now.met, met_before),
        repeats=now.repeats,
        team_pairs_met=len(possible) - len(never),
        team_pairs_possible=len(possible),
        never_met=never[:TEAM_PAIRS_NAMED],
        never_met_count=len(never),
    )


def _local_days(community: Community, window: Window) -> tuple[date, date]:
    """The community's local dates the window covers: sessions are keyed by their local date."""
    try:
        zone = ZoneInfo(community.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return window.start.astimezone(zone).date(), window.end.astimezone(zone).date()


def weekly_series(session: Session, *, community_id: int, period: Period, now: datetime) -> WeeklySeries:
    """The chart's and the export's weeks: members at each week's end and what happened in it."""
    window = rules.window_of(period, now)
    weeks = rules.week_count(window)
    counted = figures.weekly(session, community_id=community_id, window=window, weeks=weeks)
    at_end = figures.membership(session, community_id=community_id, window=window).at_end
    return WeeklySeries(
        weeks=[start.date() for start in window.weeks()],
        members=rules.members_by_week(at_end, counted.joined, counted.left),
        joined=counted.joined,
        left=counted.left,
        active=counted.active,
        stories=counted.stories,
        going=counted.by_kind[ActivityKind.RSVP],
        attended=counted.by_kind[ActivityKind.ATTENDED],
        pairs_met=counted.by_kind[ActivityKind.PAIR_MET],
        helped=counted.by_kind[ActivityKind.HELPED],
    )


def ask(
    session: Session,
    *,
    kind: str,
    community: Community,
    user_id: str,
    period: Period,
    origin: str,
    now: datetime,
    response_url: str = "",
) -> None:
    """Have the figures (or the export) counted as of `now` by the sender, after Slack has its answer.

    Counting a large community can take longer than the 3 seconds Slack waits for a command's answer.
    """
    payload: dict[str, object] = {
        "community_id": community.id,
        "user_id": user_id,
        "period": period.value,
        "at": now.isoformat(),
    }
    if response_url:
        payload["response_url"] = response_url
    deliver(
        session,
        team_id=community.team_id,
        kind=kind,
        key=f"{kind}:{community.id}:{user_id}:{period.value}:{origin}",
        payload=payload,
        now=now,
        community_id=community.id,
        worth=ANSWER_WORTH if kind == ANSWER else FILE_WORTH,
    )


@dataclass(frozen=True)
class FileRequest:
    """What a chart or export delivery carries: whose, which community and period, as of when."""

    community_id: int
    user_id: str
    period: Period
    at: datetime


def file_request(payload: dict[str, object]) -> FileRequest:
    return FileRequest(
        community_id=int(str(payload["community_id"])),
        user_id=str(payload["user_id"]),
        period=Period(str(payload["period"])),
        at=datetime.fromisoformat(str(payload["at"])),
    )


def answer_content(session: Session, *, team_id: str, asked: FileRequest) -> CommunityStats | None:
    """The figures as of the request; None once the community is gone."""
    try:
        community = get_community(session, team_id=team_id, community_id=asked.community_id)
    except NotFound:
        return None
    return community_stats(session, community, period=asked.period, now=asked.at)


@dataclass(frozen=True)
class FileContent:
    community_name: str
    series: WeeklySeries
    outcomes: list[figures.GroupOutcome]


def file_content(session: Session, *, team_id: str, asked: FileRequest, outcomes: bool) -> FileContent | None:
    """The weeks (and for an export the introductions) as of the request; None once the community is gone."""
    try:
        community = get_community(session, team_id=team_id, community_id=asked.community_id)
    except NotFound:
        return None
    series = weekly_series(session, community_id=community.id, period=asked.period, now=asked.at)
    window = rules.window_of(asked.period, asked.at)
    shown = figures.group_outcomes(session, community_id=community.id, window=window) if outcomes else []
    return FileContent(community.name, series, shown)
