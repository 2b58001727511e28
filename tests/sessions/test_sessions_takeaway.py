"""After a session: "What did you take away?" in its reminder's thread, and a story linked to the session."""

from __future__ import annotations

from datetime import UTC, datetime

from sessions_support import buttons, texts
from sqlalchemy import select

from copbot.sandbox.forms import fill
from copbot.slack.ids import RSVP_GOING, SESSION_TAKEAWAY_BUTTON, SHARE_VIEW
from copbot.store.models import Story

AFTER = datetime(2026, 3, 3, 10, 20, tzinfo=UTC)  # the 09:00-10:00 UTC session ended 20 minutes ago


def _run_loop(copbot):
    copbot.loop.tick()
    copbot.sender.wait_idle()


def test_the_question_replies_to_the_last_reminder_and_links_the_story(
    planner, people, testing, copbot, workspace, clock, session_factory
):
    """chen answers the question through the share modal: his story records the session."""
    planner.plan(people.alice, "testing", repeat="none")
    _run_loop(copbot)
    [reminder] = workspace.messages(testing.channel)
    clock.current = AFTER
    _run_loop(copbot)
    _run_loop(copbot)

    [_, question] = workspace.messages(testing.channel)
    assert question["thread_ts"] == reminder["ts"]
    assert "What did you take away from *Testing clinic*?" in texts(question["blocks"])
    [(action, ref)] = buttons(question["blocks"])
    assert action == SESSION_TAKEAWAY_BUTTON

    planner.click(people.chen, SESSION_TAKEAWAY_BUTTON, ref, message={**question, "channel": testing.channel})
    view = planner.modal(people.chen, SHARE_VIEW)
    answers = fill(view, {"title": "Bugs hide at boundaries", "story": "We tried 0, 1 and 2."})
    assert planner.driver.submit(workspace, people.chen, view, answers).text == ""
    with session_factory() as session:
        story = session.scalars(select(Story)).one()
    assert (story.title, story.session_id) == ("Bugs hide at boundaries", planner.series()[0].id)


def test_a_cancelled_session_is_not_asked_about(planner, people, testing, copbot, workspace, clock):
    """Cancelled before it took place: no question afterwards."""
    planner.plan(people.alice, "testing", repeat="none", date="2026-03-04")
    ref = next(
        v for a, v in buttons(planner.listing(people.alice, "testing")["blocks"]) if a != "sessions_more"
    )
    planner.cancel(people.alice, ref)
    clock.current = datetime(2026, 3, 4, 10, 20, tzinfo=UTC)
    _run_loop(copbot)
    [notice] = workspace.messages(testing.channel)  # the cancellation's notice, and nothing after
    assert notice["text"].startswith("The session *Testing clinic* (<!date^1772614800^")


def test_someone_outside_the_community_cannot_share_from_it(
    planner, people, testing, copbot, workspace, clock
):
    """dana is told to join first; no modal opens."""
    planner.plan(people.alice, "testing", repeat="none")
    ref = f"{planner.series()[0].id}:2026-03-03"
    clock.current = AFTER
    planner.click(people.dana, SESSION_TAKEAWAY_BUTTON, ref)
    assert [r["text"] for r in workspace.responses(people.dana)] == [
        "Join Testing first: `/cop join testing`"
    ]
    assert workspace.views(people.dana) == []


def _cancel_the_series_just_after_the_first(planner, user_id, community, copbot, clock):
    """3 March's reminder is posted; at 10:05 UTC, just after that session, the series is cancelled."""
    planner.plan(user_id, community)
    _run_loop(copbot)
    clock.current = datetime(2026, 3, 3, 10, 5, tzinfo=UTC)
    listed = buttons(planner.listing(user_id, community)["blocks"])
    next_ref = next(value for action, value in listed if action == RSVP_GOING)
    assert next_ref.endswith(":2026-03-10")
    assert planner.cancel(user_id, next_ref, which="series").text == ""
    clock.current = AFTER
    _run_loop(copbot)
    _run_loop(copbot)


def test_cancelling_the_series_keeps_the_question_of_the_session_that_just_ended(
    planner, people, testing, copbot, workspace, clock
):
    """The question still comes in the thread of 3 March's reminder, and its button opens the modal."""
    _cancel_the_series_just_after_the_first(planner, people.alice, "testing", copbot, clock)

    reminder, notice, question = workspace.messages(testing.channel)
    assert "are cancelled from now on" in notice["text"]
    assert question["thread_ts"] == reminder["ts"]
    assert "What did you take away from *Testing clinic*?" in texts(question["blocks"])
    [(action, ref)] = buttons(question["blocks"])
    assert ref.endswith(":2026-03-03")
    planner.click(people.chen, action, ref, message={**question, "channel": testing.channel})
    assert planner.modal(people.chen, SHARE_VIEW)["callback_id"] == SHARE_VIEW


def test_the_question_after_a_cancelled_series_is_asked_in_french(
    planner, people, design, copbot, workspace, clock
):
    """In the French community the question is French; later dates of the cancelled series get none."""
    _cancel_the_series_just_after_the_first(planner, people.bruno, "design", copbot, clock)
    clock.current = datetime(2026, 3, 10, 10, 20, tzinfo=UTC)  # after the cancelled 10 March session
    _run_loop(copbot)

    questions = [m for m in workspace.messages(design.channel) if "retenu" in m["text"]]
    assert [q["text"] for q in questions] == ["Qu'avez-vous retenu de *Testing clinic* ?"]
