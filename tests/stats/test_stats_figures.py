"""The figures of a generated six-month history match what this test counts itself from the raw rows."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from history import NOW, History

from copbot.domain.enums import ActivityKind, PairingOutcome, RsvpAnswer
from copbot.domain.stats import Period, Window, cohort_months, window_of
from copbot.prompts.library import builtin_library
from copbot.services import stats
from copbot.store.models import Community

ACTIONS = {ActivityKind.STORY_SHARED, ActivityKind.ATTENDED, ActivityKind.PAIR_MET, ActivityKind.HELPED}
PARIS = ZoneInfo("Europe/Paris")


def _inside(moment: datetime | None, window: Window) -> bool:
    return moment is not None and window.start <= moment < window.end


def _member_at(member: dict, moment: datetime) -> bool:
    return member["joined_at"] < moment and (member["left_at"] is None or member["left_at"] >= moment)


def _is_action(row: dict) -> bool:
    going = row["kind"] == ActivityKind.RSVP and row["data"]["answer"] == RsvpAnswer.YES
    return row["kind"] in ACTIONS or going


def _active(history: History, window: Window) -> int:
    return len({r["user_id"] for r in history.activity if _is_action(r) and _inside(r["at"], window)})


def _figures(session_factory, history: History, period: Period) -> stats.CommunityStats:
    with session_factory() as session:
        community = session.get(Community, history.community_id)
        assert community is not None
        return stats.community_stats(session, community, period=period, now=NOW)


@pytest.fixture(params=list(Period), ids=[p.value for p in Period])
def period(request) -> Period:
    return request.param


def test_membership_and_activity(session_factory, history, period):
    """Members at both ends, joins, departures and active members, now and in the previous period."""
    figures, window = _figures(session_factory, history, period), window_of(period, NOW)
    before = window.previous()
    assert (figures.members.now, figures.members.before) == (
        sum(_member_at(m, window.end) for m in history.members),
        sum(_member_at(m, window.start) for m in history.members),
    )
    assert (figures.joined.now, figures.joined.before) == tuple(
        sum(_inside(m["joined_at"], w) for m in history.members) for w in (window, before)
    )
    assert (figures.left.now, figures.left.before) == tuple(
        sum(_inside(m["left_at"], w) for m in history.members) for w in (window, before)
    )
    assert (figures.active.now, figures.active.before) == (_active(history, window), _active(history, before))
    assert figures.active.now > 0


def test_newcomer_activation(session_factory, history, period):
    """Newcomers who did something within 30 days of joining, and the median delay to their first action."""
    figures, window = _figures(session_factory, history, period), window_of(period, NOW)
    delays = []
    newcomers = [m for m in history.members if _inside(m["joined_at"], window)]
    for member in newcomers:
        firsts = [
            r["at"]
            for r in history.activity
            if r["user_id"] == member["user_id"] and _is_action(r) and r["at"] >= member["joined_at"]
        ]
        if firsts and min(firsts) - member["joined_at"] <= timedelta(days=30):
            delays.append((min(firsts) - member["joined_at"]) / timedelta(days=1))
    assert figures.activation.newcomers == len(newcomers)
    assert figures.activation.activated == len(delays)
    assert figures.activation.median_days == round(statistics.median(delays), 1)


def test_cohort_retention(session_factory, history, period):
    """Each monthly cohort: who could be counted at 30/60/90 days, and who had not left by then."""
    figures, window = _figures(session_factory, history, period), window_of(period, NOW)
    months = cohort_months(window)
    assert [c.month for c in figures.cohorts] == months
    for cohort, start, end in zip(figures.cohorts, months, [*months[1:], NOW], strict=True):
        joined = [m for m in history.members if start <= m["joined_at"] < end]
        assert cohort.joined == len(joined)
        for days in (30, 60, 90):
            eligible = [m for m in joined if m["joined_at"] + timedelta(days=days) <= NOW]
            stayed = [
                m
                for m in eligible
                if m["left_at"] is None or m["left_at"] - m["joined_at"] >= timedelta(days=days)
            ]
            assert (cohort.eligible.get(days, 0), cohort.stayed.get(days, 0)) == (len(eligible), len(stayed))


def test_stories_and_what_drew_them(session_factory, history, period):
    """Stories in each period, and the themes whose prompts drew the most."""
    figures, window = _figures(session_factory, history, period), window_of(period, NOW)
    assert (figures.stories.now, figures.stories.before) == tuple(
        sum(_inside(s["created_at"], w) for s in history.stories) for w in (window, window.previous())
    )
    answered = [
        s for s in history.stories if s["prompt_post_id"] is not None and _inside(s["created_at"], window)
    ]
    themes = Counter(history.posts[s["prompt_post_id"]]["theme"] for s in answered)
    assert figures.top_themes == sorted(themes.items(), key=lambda item: (-item[1], item[0]))[:3]
    prompts = Counter(history.posts[s["prompt_post_id"]]["key"] for s in answered)
    drawn = sorted(prompts.items(), key=lambda item: (-item[1], item[0]))[:3]
    library = builtin_library()
    assert [(draw.text, draw.stories) for draw in figures.top_prompts] == [
        (library.get(key).text("en"), count) for key, count in drawn
    ]


def test_sessions_held_planned_and_returning(session_factory, history, period):
    """Occurrences dated in the period, latest answers that said Going, who came and who came back."""
    figures, window = _figures(session_factory, history, period), window_of(period, NOW)
    first, last = window.start.astimezone(PARIS).date().isoformat(), NOW.astimezone(PARIS).date().isoformat()
    rows = [
        r
        for r in history.activity
        if r["kind"] in (ActivityKind.RSVP, ActivityKind.ATTENDED)
        and first <= r["data"]["occurrence"].split(":")[1] < last
    ]
    latest: dict[tuple[str, str], dict] = {}
    for row in sorted((r for r in rows if r["kind"] == ActivityKind.RSVP), key=lambda r: r["at"]):
        latest[(row["user_id"], row["data"]["occurrence"])] = row
    came = {(r["user_id"], r["data"]["occurrence"]) for r in rows if r["kind"] == ActivityKind.ATTENDED}
    attendees = {user for user, _ in came}
    twice = {user for user, count in Counter(user for user, _ in came).items() if count > 1}
    earlier = {
        r["user_id"]
        for r in history.activity
        if r["kind"] == ActivityKind.ATTENDED and r["at"] < window.start
    }
    assert figures.sessions == stats.figures.Sessions(
        held=len({r["data"]["occurrence"] for r in rows}),
        planned=sum(r["data"]["answer"] == RsvpAnswer.YES for r in latest.values()),
        attendances=len(came),
        attendees=len(attendees),
        returning=len(attendees & (twice | earlier)),
    )
    assert figures.sessions.held > 0
    assert figures.sessions.returning > 0 or period is Period.DAYS_30


def test_pairing_groups_meetings_repeats_and_teams(session_factory, history, period):
    """Groups made and met, groups that repeated an earlier introduction, and the team pairs connected."""
    figures, window = _figures(session_factory, history, period), window_of(period, NOW)
    groups = [g for g in history.groups if _inside(g["round_start"], window)]
    assert figures.pairing.groups.now == len(groups)
    assert figures.pairing.met.now == sum(g["outcome"] == PairingOutcome.MET for g in groups)
    seen_before = lambda g: any(  # noqa: E731
        e["round_start"] < g["round_start"] and set(g["member_ids"]) <= set(e["member_ids"])
        for e in history.groups
    )
    assert figures.pairing.repeats == sum(seen_before(g) for g in groups)
    teams = {m["id"]: m["team_name"] for m in history.members}
    current = sorted({m["team_name"] for m in history.members if m["left_at"] is None and m["team_name"]})
    met = {tuple(sorted(teams[i] for i in g["member_ids"])) for g in groups}
    possible = [(a, b) for i, a in enumerate(current) for b in current[i + 1 :]]
    assert figures.pairing.team_pairs_possible == len(possible)
    assert figures.pairing.team_pairs_met == sum(pair in met for pair in possible)
    assert figures.pairing.never_met_count == len(possible) - figures.pairing.team_pairs_met


def test_only_answers_their_authors_allowed_are_shown(session_factory, history, period):
    """The latest three "what I learned" answers, only from people who allowed organisers to see them."""
    figures, window = _figures(session_factory, history, period), window_of(period, NOW)
    answers = [answer for group in history.groups for answer in group["answers"]]
    allowed = [
        (answer["at"], order, answer["text"])
        for order, answer in enumerate(answers)  # the order the answers were stored in
        if answer["shown"] and _inside(answer["at"], window)
    ]
    latest = sorted(allowed, reverse=True)[:3]
    assert [item.text for item in figures.learned] == [text for _, _, text in latest]
    hidden = {answer["text"] for answer in answers if not answer["shown"]}
    assert hidden
    assert not hidden & {item.text for item in figures.learned}


def test_weekly_series_add_up_to_the_period(session_factory, history, period):
    """The weeks' joins, departures and stories sum to the period's; the last week's members are today's."""
    window = window_of(period, NOW)
    figures = _figures(session_factory, history, period)
    with session_factory() as session:
        series = stats.weekly_series(session, community_id=history.community_id, period=period, now=NOW)
    assert len(series.weeks) == figures.weeks
    assert sum(series.joined) == figures.joined.now
    assert sum(series.left) == figures.left.now
    assert sum(series.stories) == figures.stories.now
    assert series.members[-1] == figures.members.now
    pairs_met = sum(r["kind"] == ActivityKind.PAIR_MET and _inside(r["at"], window) for r in history.activity)
    assert sum(series.pairs_met) == pairs_met
