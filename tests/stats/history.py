"""A generated community history: six months, about 200 members, written as the features would write it.

Seeded, so every run builds the same rows; the tests recompute the figures from these rows in Python.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind, PairingOutcome, Role, RsvpAnswer
from copbot.store import pairing_pairs, turnout
from copbot.store.models import (
    Activity,
    Member,
    PairingGroup,
    PairingGroupMember,
    PairingRound,
    PromptPost,
    Story,
)

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
START = NOW - timedelta(days=183)
TEAMS = ("Quality", "Payments", "Search", "Mobile", "Data")
THEMES = ("failure", "tools", "craft")
PROMPT_KEYS = ("first-time-incident", "changed-mind-opinion", "someone-helped-pairing", "mistake-assumption")
MEMBERS = 200


@dataclass
class History:
    """The rows written, kept as plain tuples for the tests' own counting."""

    community_id: int
    members: list[dict[str, Any]] = field(default_factory=list)
    activity: list[dict[str, Any]] = field(default_factory=list)
    stories: list[dict[str, Any]] = field(default_factory=list)
    posts: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: list[dict[str, Any]] = field(default_factory=list)  # with "round_start", "member_ids"


def _moment(rng: random.Random, since: datetime, until: datetime) -> datetime:
    seconds = int((until - since).total_seconds())
    return since + timedelta(seconds=rng.randrange(max(seconds, 1)))


def generate(session: Session, *, team_id: str, community_id: int, organiser: str, seed: int = 7) -> History:
    rng = random.Random(seed)  # noqa: S311 - a reproducible history, not secrecy
    history = History(community_id)
    _members(session, history, rng, team_id=team_id, organiser=organiser)
    _posts_and_stories(session, history, rng, team_id=team_id)
    _sessions(session, history, rng, team_id=team_id)
    _pairing(session, history, rng, team_id=team_id)
    if history.activity:
        session.execute(insert(Activity), history.activity)
    for row in history.activity:  # what record_activity keeps beside each row it logs
        occurrence = row["data"].get("occurrence")
        if occurrence is not None:
            turnout.note(
                session,
                team_id=team_id,
                community_id=community_id,
                user_id=row["user_id"],
                kind=row["kind"],
                at=row["at"],
                occurrence=occurrence,
                answer=row["answer"],
            )
    session.flush()
    return history


def _activity(
    history: History, team_id: str, user_id: str | None, kind: ActivityKind, at: datetime, **data: Any
) -> None:
    history.activity.append(
        {
            "team_id": team_id,
            "community_id": history.community_id,
            "user_id": user_id,
            "kind": kind,
            "at": at,
            "data": data,
            "answer": data.get("answer"),  # as copbot.store.activity.record_activity keeps them
            "occurrence": data.get("occurrence"),
        }
    )


def _members(session: Session, history: History, rng: random.Random, *, team_id: str, organiser: str) -> None:
    rows = []
    for index in range(MEMBERS):
        user_id = organiser if index == 0 else f"U{index:07d}"
        joined = START - timedelta(days=60) if index == 0 else _moment(rng, START - timedelta(days=60), NOW)
        left = None
        if index and rng.random() < 0.25:
            left = _moment(rng, joined + timedelta(hours=1), NOW + timedelta(days=20))
            left = left if left < NOW else None
        rows.append(
            {
                "team_id": team_id,
                "community_id": history.community_id,
                "user_id": user_id,
                "role": Role.ORGANISER if index == 0 else Role.MEMBER,
                "team_name": rng.choice(TEAMS[:4]) if index % 10 else "",
                "joined_at": joined,
                "left_at": left,
            }
        )
    session.execute(insert(Member), rows)
    session.flush()
    ids = session.query(Member.id, Member.user_id).filter(Member.community_id == history.community_id)
    by_user = {user: member_id for member_id, user in ids}
    for row in rows:
        row["id"] = by_user[row["user_id"]]
        _activity(history, team_id, row["user_id"], ActivityKind.JOINED, row["joined_at"])
        if row["left_at"] is not None:
            _activity(history, team_id, row["user_id"], ActivityKind.LEFT, row["left_at"])
    history.members = rows


def _present(
    rng: random.Random, history: History, at: datetime, *, regulars: int = 0
) -> dict[str, Any] | None:
    """Someone who is a member at `at`; with `regulars`, one of the first that many of them."""
    present = [
        m for m in history.members if m["joined_at"] <= at and (m["left_at"] is None or m["left_at"] > at)
    ]
    present = present[:regulars] if regulars else present
    return rng.choice(present) if present else None


def _posts_and_stories(session: Session, history: History, rng: random.Random, *, team_id: str) -> None:
    week = START
    while week < NOW:
        key = rng.choice(PROMPT_KEYS)
        post = PromptPost(
            team_id=team_id,
            community_id=history.community_id,
            prompt_key=key,
            theme=THEMES[PROMPT_KEYS.index(key) % len(THEMES)],
            language="en",
            slot_at=week,
            created_at=week,
        )
        session.add(post)
        session.flush()
        history.posts[post.id] = {"key": post.prompt_key, "theme": post.theme}
        for _ in range(rng.randrange(0, 5)):
            _story(
                session,
                history,
                rng,
                team_id=team_id,
                at=_moment(rng, week, min(week + timedelta(days=7), NOW)),
                post_id=post.id,
            )
        week += timedelta(days=7)
    for _ in range(25):
        _story(session, history, rng, team_id=team_id, at=_moment(rng, START, NOW), post_id=None)


def _story(
    session: Session, history: History, rng: random.Random, *, team_id: str, at: datetime, post_id: int | None
) -> None:
    author = _present(rng, history, at)
    if author is None:
        return
    story = Story(
        team_id=team_id,
        community_id=history.community_id,
        member_id=author["id"],
        author_user_id=author["user_id"],
        prompt_post_id=post_id,
        language="en",
        title="A story",
        body="What happened",
        created_at=at,
        updated_at=at,
    )
    session.add(story)
    session.flush()
    history.stories.append({"id": story.id, "created_at": at, "prompt_post_id": post_id})
    _activity(history, team_id, author["user_id"], ActivityKind.STORY_SHARED, at, story_id=story.id)
    for _ in range(rng.randrange(0, 3)):
        helper = _present(rng, history, at + timedelta(hours=2))
        if helper is not None:
            _activity(
                history,
                team_id,
                helper["user_id"],
                ActivityKind.HELPED,
                at + timedelta(hours=2),
                story_id=story.id,
            )


def _sessions(session: Session, history: History, rng: random.Random, *, team_id: str) -> None:
    day = START + timedelta(days=3)
    while day < NOW + timedelta(days=14):
        occurrence = f"1:{day.date().isoformat()}"
        for _ in range(rng.randrange(3, 12)):
            asked = day - timedelta(days=rng.randrange(1, 6))
            person = _present(rng, history, asked, regulars=15 if rng.random() < 0.5 else 0)
            if person is None or asked >= NOW:
                continue
            answer = rng.choice((RsvpAnswer.YES, RsvpAnswer.YES, RsvpAnswer.MAYBE, RsvpAnswer.NO)).value
            _activity(
                history,
                team_id,
                person["user_id"],
                ActivityKind.RSVP,
                asked,
                answer=answer,
                occurrence=occurrence,
            )
            if answer == RsvpAnswer.YES and rng.random() < 0.3:  # changed their mind later
                _activity(
                    history,
                    team_id,
                    person["user_id"],
                    ActivityKind.RSVP,
                    asked + timedelta(hours=1),
                    answer=RsvpAnswer.NO.value,
                    occurrence=occurrence,
                )
            elif answer == RsvpAnswer.YES and day + timedelta(hours=2) < NOW and rng.random() < 0.8:
                _activity(
                    history,
                    team_id,
                    person["user_id"],
                    ActivityKind.ATTENDED,
                    day + timedelta(hours=2),
                    occurrence=occurrence,
                )
        day += timedelta(days=14)


def _pairing(session: Session, history: History, rng: random.Random, *, team_id: str) -> None:
    slot = START + timedelta(days=1)
    while slot < NOW:
        pairing_round = PairingRound(
            team_id=team_id, community_id=history.community_id, slot_start=slot, created_at=slot
        )
        session.add(pairing_round)
        session.flush()
        present = [
            m
            for m in history.members
            if m["joined_at"] <= slot and (m["left_at"] is None or m["left_at"] > slot)
        ]
        rng.shuffle(present)
        for index in range(0, len(present) - 1, 2):
            pair = present[index : index + 2]
            outcome = rng.choice(list(PairingOutcome))
            group = PairingGroup(team_id=team_id, round_id=pairing_round.id, outcome=outcome)
            session.add(group)
            session.flush()
            met = outcome == PairingOutcome.MET
            links = []
            for m in pair:  # what each said after "We met": their answer, and whether organisers may read it
                shown = met and rng.random() < 0.5
                text = f"Learned {group.id}-{m['id']}" if met and rng.random() < 0.6 else ""
                links.append(
                    {
                        "team_id": team_id,
                        "group_id": group.id,
                        "member_id": m["id"],
                        "answered_at": slot + timedelta(days=3) if met else None,
                        "learned": text,
                        "learned_shared": shown and bool(text),
                    }
                )
            session.execute(insert(PairingGroupMember), links)
            history.groups.append(
                {
                    "id": group.id,
                    "round_start": slot,
                    "member_ids": [m["id"] for m in pair],
                    "outcome": outcome,
                    "answers": [
                        {"at": link["answered_at"], "text": link["learned"], "shown": link["learned_shared"]}
                        for link in links
                        if link["learned"]
                    ],
                }
            )
            if met:
                for m in pair:
                    _activity(
                        history,
                        team_id,
                        m["user_id"],
                        ActivityKind.PAIR_MET,
                        slot + timedelta(days=3),
                        group_id=group.id,
                    )
        pairing_pairs.record_round(session, pairing_round)  # as copbot.services.pairing does
        slot += timedelta(days=14)
