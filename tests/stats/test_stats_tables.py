"""The tables kept for the stats (`turnout`, `pairing_pairs`) agree with the raw rows they are kept from."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations

from history import NOW, History
from sqlalchemy import select

from copbot.domain.enums import ActivityKind, RsvpAnswer
from copbot.store import pairing_pairs, turnout
from copbot.store.activity import record_activity
from copbot.store.attendance import forget_attended
from copbot.store.models import (
    Community,
    PairingGroup,
    PairingGroupMember,
    PairingPair,
    PairingRound,
    Turnout,
    TurnoutDate,
)

OCCURRENCE = "9:2026-08-20"  # a series the history has no answers for


def _turnout(session, community_id: int) -> set[tuple]:
    query = select(
        Turnout.occurrence,
        Turnout.occurs_on,
        Turnout.user_id,
        Turnout.answer,
        Turnout.answered_at,
        Turnout.attended_at,
    ).where(Turnout.community_id == community_id)
    return {tuple(row) for row in session.execute(query)}


def _dates(session, community_id: int) -> set[tuple]:
    query = select(TurnoutDate.occurrence, TurnoutDate.going, TurnoutDate.came).where(
        TurnoutDate.community_id == community_id
    )
    return {tuple(row) for row in session.execute(query)}


def test_turnout_holds_each_persons_latest_answer_and_first_attendance(session_factory, history: History):
    """One row per person and date: the answer logged last, when it was given, and when they came."""
    expected: dict[tuple[str, str], dict] = {}
    for row in sorted(history.activity, key=lambda r: r["at"]):
        if row["kind"] not in (ActivityKind.RSVP, ActivityKind.ATTENDED):
            continue
        entry = expected.setdefault(
            (row["data"]["occurrence"], row["user_id"]), {"answer": None, "answered_at": None, "came": None}
        )
        if row["kind"] == ActivityKind.RSVP:
            entry.update(answer=row["data"]["answer"], answered_at=row["at"])
        elif entry["came"] is None:
            entry["came"] = row["at"]
    with session_factory() as session:
        rows = _turnout(session, history.community_id)
    assert rows == {
        (
            occurrence,
            date.fromisoformat(occurrence.split(":")[1]),
            user,
            e["answer"],
            e["answered_at"],
            e["came"],
        )
        for (occurrence, user), e in expected.items()
    }
    assert any(answer == RsvpAnswer.NO for _, _, _, answer, _, came in rows if came is None)
    with session_factory() as session:
        dates = _dates(session, history.community_id)
    assert dates == {
        (
            occurrence,
            sum(e["answer"] == RsvpAnswer.YES for (o, _), e in expected.items() if o == occurrence),
            sum(e["came"] is not None for (o, _), e in expected.items() if o == occurrence),
        )
        for occurrence, _ in expected
    }


def test_rebuilding_turnout_from_the_log_gives_the_rows_kept_as_it_was_written(session_factory, history):
    """The one-statement fill (for bulk-made histories) and the write-time path keep the same rows."""
    with session_factory() as session, session.begin():
        kept = _turnout(session, history.community_id), _dates(session, history.community_id)
        turnout.rebuild(session, community_id=history.community_id)
        assert (_turnout(session, history.community_id), _dates(session, history.community_id)) == kept


def test_an_answer_replaces_an_earlier_one_and_not_a_later_one(session_factory, history):
    """Answers arriving out of order: the person's row keeps the latest in time; attendance the first."""
    with session_factory() as session, session.begin():
        community = session.get(Community, history.community_id)
        assert community is not None
        for answer, at in (("yes", NOW - timedelta(days=2)), ("no", NOW - timedelta(days=3))):
            record_activity(
                session, community, "UX", ActivityKind.RSVP, at, occurrence=OCCURRENCE, answer=answer
            )
        for at in (NOW - timedelta(hours=1), NOW - timedelta(hours=3)):
            record_activity(session, community, "UX", ActivityKind.ATTENDED, at, occurrence=OCCURRENCE)
        row = session.scalars(select(Turnout).where(Turnout.user_id == "UX")).one()
        assert (row.answer, row.answered_at, row.attended_at) == (
            "yes",
            NOW - timedelta(days=2),
            NOW - timedelta(hours=3),
        )
        assert row.occurs_on == date(2026, 8, 20)


def test_attendance_marked_again_forgets_the_previous_marking(session_factory, history):
    """As the ATTENDED activity of the date is forgotten, so are its attendances; answers stay, erased too."""
    with session_factory() as session, session.begin():
        community = session.get(Community, history.community_id)
        assert community is not None
        record_activity(session, community, "UX", ActivityKind.RSVP, NOW, occurrence=OCCURRENCE, answer="yes")
        for user in ("UX", "UY"):
            record_activity(session, community, user, ActivityKind.ATTENDED, NOW, occurrence=OCCURRENCE)
        forget_attended(session, community_id=community.id, occurrence=OCCURRENCE)
        mine = select(Turnout.user_id, Turnout.answer, Turnout.attended_at).where(
            Turnout.occurrence == OCCURRENCE, Turnout.community_id == community.id
        )
        assert {tuple(row) for row in session.execute(mine)} == {("UX", "yes", None)}
        counts = select(TurnoutDate.going, TurnoutDate.came).where(TurnoutDate.occurrence == OCCURRENCE)
        assert session.execute(counts).one() == (1, 0)
        turnout.anonymise(session, community_id=community.id, user_id="UX")
        assert session.execute(counts).one() == (0, 0)
        kept = select(Turnout.user_id, Turnout.answer).where(Turnout.occurrence == OCCURRENCE)
        assert session.execute(kept).all() == [(None, "yes")]


def test_pairs_are_every_two_people_of_each_group_and_repeat_an_earlier_round(session_factory, history):
    """Each group's pairs, marked as repeats exactly when a round that started earlier had the same two."""
    expected = set()
    for group in history.groups:
        for first, second in combinations(sorted(group["member_ids"]), 2):
            repeat = any(
                other["round_start"] < group["round_start"] and {first, second} <= set(other["member_ids"])
                for other in history.groups
            )
            expected.add((group["id"], group["round_start"], first, second, repeat))
    with session_factory() as session:
        query = select(
            PairingPair.group_id,
            PairingPair.slot_start,
            PairingPair.first_member_id,
            PairingPair.second_member_id,
            PairingPair.repeat,
        ).where(PairingPair.community_id == history.community_id)
        rows = {tuple(row) for row in session.execute(query)}
    assert rows == expected
    assert any(repeat for *_, repeat in rows)


def test_a_round_stored_before_later_ones_marks_their_pairs_as_repeats(session_factory, history):
    """Rounds stored out of order still leave each pair a repeat exactly when an earlier round had it."""
    last = max(history.groups, key=lambda g: g["round_start"])
    first, second = sorted(last["member_ids"])[:2]
    with session_factory() as session, session.begin():
        community = session.get(Community, history.community_id)
        assert community is not None
        earliest = min(g["round_start"] for g in history.groups) - timedelta(days=14)
        pairing_round = PairingRound(
            team_id=community.team_id, community_id=community.id, slot_start=earliest, created_at=earliest
        )
        session.add(pairing_round)
        session.flush()
        group = PairingGroup(team_id=community.team_id, round_id=pairing_round.id)
        session.add(group)
        session.flush()
        for member_id in (first, second):
            session.add(PairingGroupMember(team_id=community.team_id, group_id=group.id, member_id=member_id))
        pairing_pairs.record_round(session, pairing_round)
        repeat = select(PairingPair.group_id, PairingPair.repeat).where(
            PairingPair.first_member_id == first, PairingPair.second_member_id == second
        )
        marks = dict(session.execute(repeat).all())
    assert marks[group.id] is False
    assert marks[last["id"]] is True
