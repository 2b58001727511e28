"""Paused, a community's scheduled posts stop with the loop running; resumed, they start again from now."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from factories import make_meetup
from sqlalchemy import select, update

from copbot.domain.enums import DeliveryStatus, PromptCadence, Repeat
from copbot.services.community_life import HELD_KINDS
from copbot.services.prompts import plan_prompts
from copbot.store.db import unit_of_work
from copbot.store.models import Community, Delivery, PairingRound

# Tuesdays: the round at 09:30 Paris (08:30 UTC), the prompt at 14:00 Paris (13:00 UTC). Wednesdays: a
# weekly session at 16:00 UTC, reminded 24 h and 1 h before, and asked about at 17:15 UTC.
PROMPT_SLOT = datetime(2026, 3, 3, 13, 0, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def scheduled(place, people, session_factory):
    """Testing, in Paris, with every kind of scheduled work: weekly prompts, rounds and a session series."""

    def put(language: str = "en", organiser: str = "alice"):
        placed = place(
            "Testing",
            organisers=(getattr(people, organiser),),
            members=(people.bruno, people.chen, people.dana)
            if organiser == "alice"
            else (people.chen, people.dana),
            language=language,
            prompt_cadence=PromptCadence.WEEKLY,
            prompt_weekday=1,
            prompt_time=time(14, 0),
            pairing_every_weeks=1,
            pairing_weekday=1,
        )
        with session_factory() as session, session.begin():
            community = session.get(Community, placed.id)
            make_meetup(
                session,
                community,
                title="Clinic",
                starts_at=at(4, 16),
                duration_minutes=60,
                repeat=Repeat.WEEKLY,
                timezone="Europe/Paris",
                created_by=getattr(people, organiser),
                created_at=at(1, 9),
            )
        return placed

    return put


def tick_at(copbot, clock, when: datetime) -> None:
    clock.current = when
    copbot.loop.tick()
    copbot.sender.wait_idle()


def sent(session_factory, community_id: int) -> list[str]:
    """The kinds of scheduled work sent for the community, in order."""
    with session_factory() as session:
        query = (
            select(Delivery.kind)
            .where(
                Delivery.community_id == community_id,
                Delivery.status == DeliveryStatus.SENT,
                Delivery.kind.in_(HELD_KINDS),
            )
            .order_by(Delivery.sent_at, Delivery.id)
        )
        return list(session.scalars(query))


def rounds(session_factory) -> int:
    with session_factory() as session:
        return len(session.scalars(select(PairingRound.id)).all())


@pytest.mark.parametrize(("language", "organiser"), [("en", "alice"), ("fr", "bruno")])
def test_pause_stops_every_scheduled_post_until_resumed_and_resume_starts_from_now(
    language, organiser, scheduled, driver, workspace, people, copbot, clock, session_factory
):
    """Paused on Monday: no round, prompt or reminder while the loop ticks; resumed, nothing missed is late.

    Resumed on Tuesday at 16:30 UTC, the round (8 h late), the prompt (3.5 h late) and the day-before reminder
    (30 min late) would all still be due: none is sent. Wednesday's 1 h reminder and takeaway question, next
    Tuesday's round and prompt go as usual.
    """
    testing = scheduled(language, organiser)
    clock.current = at(2, 9)
    driver.command(workspace, getattr(people, organiser), "pause testing")
    for when in (at(2, 9), at(3, 8, 31), at(3, 13, 1), at(3, 16, 1)):
        tick_at(copbot, clock, when)
    assert sent(session_factory, testing.id) == []
    assert rounds(session_factory) == 0
    assert len(workspace.messages(testing.channel_id)) == 1  # the pause note, nothing else

    clock.current = at(3, 16, 30)
    driver.command(workspace, getattr(people, organiser), "resume testing")
    tick_at(copbot, clock, at(3, 16, 30))
    assert sent(session_factory, testing.id) == []
    assert len(workspace.messages(testing.channel_id)) == 2  # the note that it is back

    for when in (at(4, 15, 1), at(4, 17, 16), at(10, 8, 31), at(10, 13, 1)):
        tick_at(copbot, clock, when)
    kinds = sent(session_factory, testing.id)
    assert kinds[:2] == ["sessions.reminder", "sessions.takeaway"]
    assert "pairing.round_start" in kinds
    assert kinds[-1] == "prompts.post"
    assert rounds(session_factory) == 1


def test_scheduled_posts_already_queued_are_skipped_not_sent_later(
    scheduled, driver, workspace, people, copbot, clock, session_factory
):
    """A prompt planned, not yet sent when the community is paused, is skipped; resuming does not send it."""
    testing = scheduled()
    clock.current = PROMPT_SLOT
    with unit_of_work(session_factory) as session:
        plan_prompts(session, PROMPT_SLOT)
    driver.command(workspace, people.alice, "pause testing")
    tick_at(copbot, clock, at(3, 13, 5))
    driver.command(workspace, people.alice, "resume testing")
    tick_at(copbot, clock, at(3, 13, 10))
    with session_factory() as session:
        [prompt] = session.scalars(select(Delivery).where(Delivery.kind == "prompts.post")).all()
    assert (prompt.status, prompt.sent_at) == (DeliveryStatus.SKIPPED, None)
    assert sent(session_factory, testing.id) == []
    assert len(workspace.messages(testing.channel_id)) == 2  # paused, back: no prompt


def test_the_sender_skips_what_a_paused_community_had_planned(
    scheduled, copbot, workspace, clock, session_factory
):
    """A prompt planned just as the community was paused (a planner racing the pause) is not sent either."""
    testing = scheduled()
    with unit_of_work(session_factory) as session:
        plan_prompts(session, PROMPT_SLOT)
        session.get(Community, testing.id).paused_at = PROMPT_SLOT
    tick_at(copbot, clock, at(3, 13, 1))
    assert sent(session_factory, testing.id) == []
    assert workspace.messages(testing.channel_id) == []


def test_an_archived_community_does_nothing_scheduled(
    scheduled, driver, workspace, people, copbot, clock, session_factory
):
    """Archived on Monday: the week's round, prompt and reminders never come."""
    testing = scheduled()
    clock.current = at(2, 9)
    driver.command(workspace, people.alice, "archive testing")
    for when in (at(2, 9), at(3, 8, 31), at(3, 13, 1), at(3, 16, 1), at(4, 15, 1), at(4, 17, 16)):
        tick_at(copbot, clock, when)
    assert sent(session_factory, testing.id) == []
    assert rounds(session_factory) == 0
    assert workspace.messages(testing.channel_id) == []


def test_a_post_due_after_a_short_pause_is_still_sent(
    scheduled, driver, workspace, people, copbot, clock, session_factory
):
    """Queued on Monday for Tuesday, a prompt survives a pause that ended on Monday: it is sent when due."""
    testing = scheduled()
    clock.current = at(2, 9)
    with unit_of_work(session_factory) as session:
        plan_prompts(session, PROMPT_SLOT)
        session.execute(update(Delivery).where(Delivery.kind == "prompts.post").values(due_at=PROMPT_SLOT))
    driver.command(workspace, people.alice, "pause testing")
    tick_at(copbot, clock, at(2, 10))
    clock.current = at(2, 11)
    driver.command(workspace, people.alice, "resume testing")
    tick_at(copbot, clock, at(3, 13, 1))
    assert sent(session_factory, testing.id)[0] == "prompts.post"
