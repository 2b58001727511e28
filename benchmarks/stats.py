"""How fast `/cop stats` counts 10,000 members and 1,000,000 activity rows, on SQLite and PostgreSQL.

Generates two years of history (members joining and leaving, stories, answers and attendance, pairing
rounds, "this helped me"), 85 % of the activity in the measured community and the rest in a neighbour so
that the indexes have something to skip, then times per database and period copbot's figures
(copbot.services.stats.community_stats, all sections, and the weekly series the chart draws) beside a
baseline measured in the same run: loading the period's rows into Python and counting the main figures
there. Target: the 30-day figures under 300 ms on PostgreSQL.
Prints a table and writes benchmarks/results/stats.json.

    v/bin/python benchmarks/stats.py [--quick] [--members 10000] [--activity 1000000] [--runs 7]
        [--postgres-url URL | env COPBOT_BENCH_POSTGRES_URL] [--only sqlite|postgresql]

PostgreSQL work happens in a schema of its own (stats_bench), dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, insert, select, text
from sqlalchemy.orm import Session

from copbot.domain import stats as rules
from copbot.domain.enums import ActivityKind, Experience, PairingOutcome, Role, RsvpAnswer
from copbot.domain.stats import Period
from copbot.services import stats
from copbot.store import pairing_pairs, turnout
from copbot.store.db import make_engine, make_session_factory
from copbot.store.migrate import upgrade
from copbot.store.models import (
    Activity,
    Community,
    Member,
    PairingGroup,
    PairingGroupMember,
    PairingRound,
    PromptPost,
    Story,
    Workspace,
)
from copbot.store.stats import ACTIONS

from common import database

RESULTS = Path(__file__).parent / "results" / "stats.json"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/copbot_stats"
SCHEMA = "stats_bench"
TARGET_MS = 300.0
NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
HISTORY = timedelta(days=730)
TEAM = "TBENCH0001"
MEASURED_SHARE = 0.85
TEAMS = [f"Team {n}" for n in range(25)]
CHUNK = 50_000
KINDS = (
    (ActivityKind.STORY_SHARED, 0.05),
    (ActivityKind.HELPED, 0.20),
    (ActivityKind.RSVP, 0.40),
    (ActivityKind.ATTENDED, 0.20),
    (ActivityKind.PAIR_MET, 0.10),
    (ActivityKind.PROFILE_UPDATED, 0.05),
)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--activity", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7, help="timed calls per figure and period")
    parser.add_argument("--quick", action="store_true", help="1,000 members and 100,000 activity rows")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("COPBOT_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    options = parser.parse_args()
    if options.quick:
        options.members, options.activity, options.runs = 1_000, 100_000, 3
    figures: dict[str, Any] = {}
    for backend in ("sqlite", "postgresql"):
        if options.only in {None, backend}:
            with database(backend, options.postgres_url, SCHEMA) as url:
                figures[backend] = _run(url, options)
    _report(figures, options)
    return 0


def _run(url: str, options: argparse.Namespace) -> dict[str, Any]:
    upgrade(url)
    engine = make_engine(url)
    backend = engine.dialect.name
    print(
        f"{backend}: generating {options.members:,} members and {options.activity:,} activity rows…",
        flush=True,
    )
    started = time.perf_counter()
    measured = _seed(engine, options, random.Random(10))
    load_seconds = time.perf_counter() - started
    _vacuum(engine)
    factory = make_session_factory(engine)
    periods: dict[str, Any] = {}
    with factory() as session:
        community = session.get(Community, measured)
        assert community is not None
        for period in Period:
            periods[period.value] = {
                "copbot_ms": _median_ms(
                    options.runs,
                    lambda p=period: stats.community_stats(session, community, period=p, now=NOW),
                ),
                "weekly_series_ms": _median_ms(
                    options.runs,
                    lambda p=period: stats.weekly_series(session, community_id=measured, period=p, now=NOW),
                ),
                "baseline_ms": _median_ms(options.runs, lambda p=period: _baseline(session, measured, p)),
            }
            _check(session, community, period)
        health = _median_ms(options.runs, lambda: stats.health_of(session, community_id=measured, now=NOW))
    engine.dispose()
    return {"load_seconds": round(load_seconds, 1), "periods": periods, "home_health_ms": health}


def _vacuum(engine: Engine) -> None:
    """What autovacuum would have done to a live database: statistics, and the visibility map.

    Without PostgreSQL's visibility map, no index-only scan can skip the table's pages.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))


def _median_ms(runs: int, call: Callable[[], object]) -> float:
    call()  # warm the caches and the query plans
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


# --- the history -----------------------------------------------------------------------------------


def _seed(engine: Engine, options: argparse.Namespace, rng: random.Random) -> int:
    with Session(engine) as session, session.begin():
        session.add(Workspace(team_id=TEAM, name="Bench", installed_at=NOW - HISTORY))
        session.flush()
        ids = [_community(session, name) for name in ("Measured", "Neighbour")]
    neighbour_members = max(options.members // 5, 10)
    members = {
        ids[0]: _members(engine, ids[0], options.members, rng),
        ids[1]: _members(engine, ids[1], neighbour_members, rng),
    }
    measured_rows = int(options.activity * MEASURED_SHARE)
    for community_id, count in ((ids[0], measured_rows), (ids[1], options.activity - measured_rows)):
        _activity(engine, community_id, members[community_id], count, rng)
        with Session(engine) as session, session.begin():  # what record_activity keeps beside each row
            turnout.rebuild(session, community_id=community_id)
        _stories(engine, community_id, members[community_id], count // 20, rng)
        _pairing(engine, community_id, members[community_id], rng)
    return ids[0]


def _community(session: Session, name: str) -> int:
    community = Community(
        team_id=TEAM,
        slug=name.lower(),
        name=name,
        purpose="p",
        audience="a",
        channel_id=f"C{name.upper()[:8]}",
        created_by="UBENCH",
        created_at=NOW - HISTORY,
        updated_at=NOW - HISTORY,
    )
    session.add(community)
    session.flush()
    return community.id


def _moment(rng: random.Random, since: datetime, until: datetime) -> datetime:
    return since + timedelta(seconds=rng.randrange(max(int((until - since).total_seconds()), 1)))


def _members(engine: Engine, community_id: int, count: int, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for index in range(count):
        joined = _moment(rng, NOW - HISTORY, NOW)
        left = _moment(rng, joined, NOW + HISTORY) if rng.random() < 0.3 else None
        rows.append(
            {
                "team_id": TEAM,
                "community_id": community_id,
                "user_id": f"U{community_id}{index:08d}",
                "role": Role.ORGANISER if index == 0 else Role.MEMBER,
                "team_name": rng.choice(TEAMS),
                "experience": Experience.PRACTISING,
                "interests": [],
                "pairing_opt_in": True,
                "joined_at": joined,
                "left_at": left if left is not None and left < NOW else None,
            }
        )
    _bulk(engine, Member.__table__, rows)  # type: ignore[arg-type]
    with engine.connect() as connection:
        ids = dict(
            connection.execute(
                select(Member.user_id, Member.id).where(Member.community_id == community_id)
            ).all()
        )
    for row in rows:
        row["id"] = ids[row["user_id"]]
    return rows


def _activity(
    engine: Engine, community_id: int, members: list[dict[str, Any]], count: int, rng: random.Random
) -> None:
    kinds, weights = zip(*KINDS, strict=True)
    rows: list[dict[str, Any]] = []
    for _ in range(count):
        member = rng.choice(members)
        kind = rng.choices(kinds, weights)[0]
        at = _moment(rng, member["joined_at"], member["left_at"] or NOW)
        data = _data(kind, at, rng)
        rows.append(
            {
                "team_id": TEAM,
                "community_id": community_id,
                "user_id": member["user_id"],
                "kind": kind,
                "at": at,
                "data": data,
                "answer": data.get("answer"),  # as copbot.store.activity.record_activity keeps them
                "occurrence": data.get("occurrence"),
            }
        )
        if len(rows) == CHUNK:
            _bulk(engine, Activity.__table__, rows)  # type: ignore[arg-type]
            rows = []
    _bulk(engine, Activity.__table__, rows)  # type: ignore[arg-type]


def _data(kind: ActivityKind, at: datetime, rng: random.Random) -> dict[str, Any]:
    occurrence = f"{rng.randrange(1, 4)}:{(at + timedelta(days=rng.randrange(0, 7))).date().isoformat()}"
    if kind == ActivityKind.RSVP:
        return {"answer": rng.choice(list(RsvpAnswer)).value, "occurrence": occurrence}
    if kind == ActivityKind.ATTENDED:
        return {"occurrence": f"{rng.randrange(1, 4)}:{at.date().isoformat()}"}
    if kind == ActivityKind.PAIR_MET:
        learned = {"learned": "We compared our test strategies"} if rng.random() < 0.5 else {}
        return {"group_id": rng.randrange(1, 100_000), "show_to_organisers": rng.random() < 0.5, **learned}
    return {}


def _stories(
    engine: Engine, community_id: int, members: list[dict[str, Any]], count: int, rng: random.Random
) -> None:
    posts = []
    slot = NOW - HISTORY
    while slot < NOW:
        posts.append(
            {
                "team_id": TEAM,
                "community_id": community_id,
                "prompt_key": f"p{rng.randrange(30)}",
                "theme": f"t{rng.randrange(6)}",
                "language": "en",
                "slot_at": slot,
                "created_at": slot,
            }
        )
        slot += timedelta(days=7)
    _bulk(engine, PromptPost.__table__, posts)  # type: ignore[arg-type]
    with engine.connect() as connection:
        post_ids = list(
            connection.scalars(select(PromptPost.id).where(PromptPost.community_id == community_id))
        )
    rows = []
    for _ in range(count):
        member = rng.choice(members)
        at = _moment(rng, member["joined_at"], member["left_at"] or NOW)
        rows.append(
            {
                "team_id": TEAM,
                "community_id": community_id,
                "member_id": member["id"],
                "author_user_id": member["user_id"],
                "prompt_post_id": rng.choice(post_ids) if rng.random() < 0.6 else None,
                "language": "en",
                "title": "A story",
                "body": "What happened",
                "lesson": "",
                "tags": [],
                "ask_me": True,
                "created_at": at,
                "updated_at": at,
            }
        )
    _bulk(engine, Story.__table__, rows)  # type: ignore[arg-type]


def _pairing(engine: Engine, community_id: int, members: list[dict[str, Any]], rng: random.Random) -> None:
    slot = NOW - HISTORY
    while slot < NOW:
        with Session(engine) as session, session.begin():
            pairing_round = PairingRound(
                team_id=TEAM, community_id=community_id, slot_start=slot, created_at=slot
            )
            session.add(pairing_round)
            session.flush()
            present = [
                m for m in members if m["joined_at"] <= slot and (m["left_at"] is None or m["left_at"] > slot)
            ]
            rng.shuffle(present)
            pairs = [present[i : i + 2] for i in range(0, len(present) - 1, 2)]
            outcomes = [
                {"team_id": TEAM, "round_id": pairing_round.id, "outcome": rng.choice(list(PairingOutcome))}
                for _ in pairs
            ]
            group_ids = (
                session.scalars(
                    insert(PairingGroup).returning(PairingGroup.id, sort_by_parameter_order=True), outcomes
                ).all()
                if outcomes
                else []
            )
            rows = [
                {"team_id": TEAM, "group_id": g, "member_id": m["id"]}
                for g, pair in zip(group_ids, pairs, strict=True)
                for m in pair
            ]
            if rows:
                session.execute(insert(PairingGroupMember), rows)
                pairing_pairs.record_round(session, pairing_round)  # as copbot.services.pairing does
        slot += timedelta(days=28)


def _bulk(engine: Engine, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows: PostgreSQL's COPY, SQLite's executemany."""
    if not rows:
        return
    if engine.dialect.name != "postgresql":
        for start in range(0, len(rows), CHUNK):
            with engine.begin() as connection:
                connection.execute(insert(table), rows[start : start + CHUNK])
        return
    columns = list(rows[0])
    with engine.begin() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row([_copied(row[column]) for column in columns])


def _copied(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


# --- the baseline: rows into Python, counted there -------------------------------------------------


def _baseline(session: Session, community_id: int, period: Period) -> dict[str, int]:
    window = rules.window_of(period, NOW)
    before = window.previous()
    members = session.execute(
        select(Member.user_id, Member.joined_at, Member.left_at).where(Member.community_id == community_id)
    ).all()
    rows = session.execute(
        select(Activity.user_id, Activity.kind, Activity.at, Activity.data).where(
            Activity.community_id == community_id, Activity.at >= before.start, Activity.at < window.end
        )
    ).all()
    shared = session.scalars(
        select(Story.created_at).where(Story.community_id == community_id, Story.created_at >= before.start)
    ).all()

    def inside(moment: datetime | None, w: rules.Window) -> bool:
        return moment is not None and w.start <= moment < w.end

    def acted(row: Any) -> bool:
        going = row.kind == ActivityKind.RSVP and row.data.get("answer") == RsvpAnswer.YES
        return row.kind in ACTIONS or going

    return {
        "members": sum(j < window.end and (left is None or left >= window.end) for _, j, left in members),
        "joined": sum(inside(j, window) for _, j, _ in members),
        "left": sum(inside(left, window) for _, _, left in members),
        "active": len({r.user_id for r in rows if acted(r) and inside(r.at, window)}),
        "active_before": len({r.user_id for r in rows if acted(r) and inside(r.at, before)}),
        "stories": sum(inside(moment, window) for moment in shared),
        "held": len(
            {
                r.data.get("occurrence")
                for r in rows
                if r.kind in (ActivityKind.RSVP, ActivityKind.ATTENDED) and inside(r.at, window)
            }
        ),
    }


def _check(session: Session, community: Community, period: Period) -> None:
    """The baseline and copbot agree on the figures both count, or the comparison means nothing."""
    figures = stats.community_stats(session, community, period=period, now=NOW)
    counted = _baseline(session, community.id, period)
    ours = {
        "members": figures.members.now,
        "joined": figures.joined.now,
        "left": figures.left.now,
        "active": figures.active.now,
        "active_before": figures.active.before,
        "stories": figures.stories.now,
    }
    theirs = {key: counted[key] for key in ours}
    assert ours == theirs, (period.value, ours, theirs)


def _report(figures: dict[str, Any], options: argparse.Namespace) -> None:
    size = f"{options.members:,} members, {options.activity:,} activity rows"
    print(f"\n/cop stats: {size} (median of {options.runs})")
    print(
        f"{'database':<11}{'period':<8}{'copbot ms':>11}{'weekly ms':>11}{'baseline ms':>13}{'speed-up':>10}"
    )
    for backend, result in figures.items():
        for period, timing in result["periods"].items():
            speedup = timing["baseline_ms"] / timing["copbot_ms"] if timing["copbot_ms"] else 0
            ours, weekly, baseline = timing["copbot_ms"], timing["weekly_series_ms"], timing["baseline_ms"]
            print(f"{backend:<11}{period:<8}{ours:>11}{weekly:>11}{baseline:>13}{speedup:>9.1f}x")
        home, load = result["home_health_ms"], result["load_seconds"]
        print(f"{backend:<11}{'home':<8}{home:>11}   (App Home health line; history generated in {load} s)")
    postgres = figures.get("postgresql", {}).get("periods", {}).get("30d")
    if postgres:
        verdict = "met" if postgres["copbot_ms"] < TARGET_MS else "MISSED"
        ours = postgres["copbot_ms"]
        print(f"target: 30-day figures under {TARGET_MS:.0f} ms on PostgreSQL: {verdict} ({ours} ms)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {
        "members": options.members,
        "activity": options.activity,
        "runs": options.runs,
        "target_ms": TARGET_MS,
        "results": figures,
    }
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"written: {RESULTS}")


if __name__ == "__main__":
    raise SystemExit(main())
