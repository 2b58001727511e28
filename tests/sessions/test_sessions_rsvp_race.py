"""Fifty members pressing RSVP buttons on one reminder at once, over real HTTP: message and store agree."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from factories import make_member
from sessions_support import buttons
from sqlalchemy import select

from copbot.slack.blocks.sessions import GOING_SHOWN
from copbot.slack.ids import RSVP_CANT, RSVP_GOING, RSVP_MAYBE
from copbot.store.models import Community, Rsvp

PEOPLE = 50
# Each person's presses, in order: most answer once, some change their mind.
PRESSES = (RSVP_GOING, RSVP_MAYBE, RSVP_CANT, RSVP_GOING)


def test_fifty_people_answering_at_once_leave_the_reminder_equal_to_the_store(
    planner, people, testing, copbot, workspace, session_factory, sandbox
):
    """Concurrent presses coalesce into updates; the last update shows exactly the answers stored."""
    users = [workspace.add_user(name=f"member{n}", real_name=f"Member {n}") for n in range(PEOPLE)]
    with session_factory() as session, session.begin():
        community = session.get(Community, testing.id)
        for user in users:
            make_member(session, community, user)
    planner.plan(people.alice, "testing")
    copbot.loop.tick()
    copbot.sender.wait_idle()
    [reminder] = workspace.messages(testing.channel)
    reminder = {**reminder, "channel": testing.channel}
    ref = dict(buttons(reminder["blocks"]))[RSVP_GOING]

    def press(n: int) -> None:
        for action in PRESSES[: 1 + n % 3] if n % 5 else PRESSES:
            response = planner.driver.action(workspace, users[n], action, value=ref, message=reminder)
            assert response.status == 200

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        list(pool.map(press, range(PEOPLE)))
    for _ in range(5):  # what the requests' senders left (e.g. a follow-up update) goes with the loop
        copbot.loop.tick()
        copbot.sender.wait_idle()

    with session_factory() as session:
        rows = session.execute(select(Rsvp.user_id, Rsvp.answer).order_by(Rsvp.answered_at, Rsvp.id)).all()
    assert len(rows) == PEOPLE  # one answer each, however often they pressed
    going = [user for user, answer in rows if answer.value == "yes"]
    maybe = sum(1 for _, answer in rows if answer.value == "maybe")
    cant = sum(1 for _, answer in rows if answer.value == "no")
    [shown] = workspace.messages(testing.channel)
    names = ", ".join(f"<@{user}>" for user in going[:GOING_SHOWN])
    if len(going) > GOING_SHOWN:
        names += f" and {len(going) - GOING_SHOWN} more"
    expected = f"{len(going)} going · {maybe} maybe · {cant} can't go" + (
        f"\nGoing: {names}" if going else ""
    )
    [answers] = [
        b["elements"][0]["text"] for b in shown["blocks"] if b["type"] == "context" and "going" in str(b)
    ]
    assert answers == expected
    presses = sum(len(PRESSES) if n % 5 == 0 else 1 + n % 3 for n in range(PEOPLE))
    assert len(sandbox.calls("chat.update")) < presses  # concurrent presses coalesced
