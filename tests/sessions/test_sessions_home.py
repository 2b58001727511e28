"""The App Home and the welcome DM name a series' true next session, and the Home offers its RSVP buttons."""

from __future__ import annotations

from datetime import UTC, datetime

from sessions_support import buttons, texts

from copbot.sandbox.forms import fill
from copbot.slack.ids import RSVP_GOING


def _home(planner, user_id):
    event = {"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home"}
    assert planner.driver.event(planner.ws, event).status == 200
    return planner.ws.home_view(user_id)


def test_the_home_names_the_next_date_of_a_weekly_series(planner, people, testing, clock):
    """Once the first Tuesday has begun, chen's Home names the second, in his New York time."""
    planner.plan(people.alice, "testing")
    clock.current = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
    home = _home(planner, people.chen)
    shown = texts(home["blocks"])
    assert "Next session: *Testing clinic*, <!date^1773133200^{date_long_pretty} {time}|" in shown
    assert "|Tuesday, March 10, 2026 at 5:00\u202fAM>" in shown  # the fallback, in his time
    series_id = planner.series()[0].id
    assert (RSVP_GOING, f"{series_id}:2026-03-10") in buttons(home["blocks"])


def test_answering_from_the_home_keeps_the_answer_and_redraws_it(planner, people, testing, clock):
    """A Going press on the Home tab has no message to answer beside: the answer is kept, the Home redrawn."""
    planner.plan(people.alice, "testing")
    home = _home(planner, people.bruno)
    ref = next(value for action, value in buttons(home["blocks"]) if action == RSVP_GOING)
    planner.driver.action(planner.ws, people.bruno, RSVP_GOING, value=ref, view=home)
    assert planner.rsvps() == [(people.bruno, "2026-03-03", "yes")]
    assert planner.ws.dm_messages(people.bruno) == []


def test_a_cancelled_date_is_skipped_in_the_welcome(planner, people, testing, clock):
    """dana joins after the first Tuesday was cancelled: her welcome names the 10th."""
    planner.plan(people.alice, "testing")
    series_id = planner.series()[0].id
    planner.cancel(people.alice, f"{series_id}:2026-03-03")
    planner.command(people.dana, "join testing")
    view = planner.ws.views(people.dana)[-1]
    planner.driver.submit(
        planner.ws, people.dana, view, fill(view, {"experience": "practising", "team": "QA"})
    )
    [welcome] = planner.ws.dm_messages(people.dana)
    assert "|Tuesday 10 March, 05:00 (America/New_York)>" in texts(welcome["blocks"])
