"""Editing how a series repeats or when it ends: the dates it drops are cancelled like any other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sessions_support import buttons, texts

from copbot.slack.ids import RSVP_GOING
from copbot.store.models import Community

WEEK_BEFORE = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)  # 17 March's week-before reminder is due (09:00)
MARCH_17 = 1773738000  # 17 March 10:00 in Paris, 09:00 UTC
MARCH_24 = 1774342800  # 24 March 10:00 in Paris, 09:00 UTC
MARCH_10 = 1773133200  # 10 March 10:00 in Paris, 09:00 UTC


def _run_loop(copbot):
    copbot.loop.tick()
    copbot.sender.wait_idle()


def _deliver_all(copbot, clock):
    """Send what the edit asked for; a moment later, what the channel's rate limit held back."""
    copbot.sender.wait_idle()
    clock.current += timedelta(seconds=5)
    _run_loop(copbot)


def _listed(planner, user_id, community):
    """The refs of the sessions listed, by date."""
    listed = buttons(planner.listing(user_id, community)["blocks"])
    return {value.split(":")[1]: value for action, value in listed if action == RSVP_GOING}


def _edit(planner, user_id, ref, **answers):
    assert planner.submit(user_id, planner.open_edit(user_id, ref), **answers).text == ""


def _reminder_of(workspace, channel, stamp):
    [reminder] = [
        {**m, "channel": channel}
        for m in workspace.messages(channel)
        if "thread_ts" not in m and f"<!date^{stamp}^" in texts(m.get("blocks", []))
    ]
    return reminder


def test_ending_a_series_earlier_cancels_the_dates_it_drops(
    planner, people, testing, copbot, workspace, clock, session_factory
):
    """Ending on 10 March (moved to the 11th): 17 March's reminder says cancelled, chen is told, and more."""
    with session_factory() as session, session.begin():
        session.get(Community, testing.id).reminder_offsets = [7 * 24 * 60]
    planner.plan(people.alice, "testing")
    _edit(planner, people.alice, _listed(planner, people.alice, "testing")["2026-03-10"], date="2026-03-11")
    clock.current = WEEK_BEFORE
    _run_loop(copbot)
    reminder = _reminder_of(workspace, testing.channel, MARCH_17)
    planner.click(people.chen, RSVP_GOING, dict(buttons(reminder["blocks"]))[RSVP_GOING], message=reminder)

    _edit(planner, people.alice, _listed(planner, people.alice, "testing")["2026-03-10"], until="2026-03-10")
    _deliver_all(copbot, clock)

    redrawn = _reminder_of(workspace, testing.channel, MARCH_17)
    assert buttons(redrawn["blocks"]) == []
    assert "This session is cancelled." in texts(redrawn["blocks"])
    [notice] = [m for m in workspace.messages(testing.channel) if m.get("thread_ts") == reminder["ts"]]
    assert notice["text"].startswith("The session *Testing clinic* (<!date^1773738000^")
    [dm] = workspace.dm_messages(people.chen)
    assert dm["text"].startswith("The session *Testing clinic* (<!date^1773738000^")
    assert dm["text"].endswith("is cancelled.")
    [changed] = [m for m in workspace.messages(testing.channel) if "has changed" in m["text"]]
    assert changed["text"].startswith(f"*Testing clinic* has changed: from <!date^{MARCH_24}^")
    assert list(_listed(planner, people.chen, "testing")) == ["2026-03-10"]
    posted = len(workspace.messages(testing.channel))
    clock.current = datetime(2026, 3, 17, 9, 30, tzinfo=UTC)  # 24 March's week-before reminder was due
    _run_loop(copbot)
    assert len(workspace.messages(testing.channel)) == posted


def test_a_series_that_stops_repeating_tells_those_going_in_french(
    planner, people, design, copbot, workspace, clock
):
    """bruno said Going for 17 March; the series no longer repeats: his DM and the notices are French."""
    planner.plan(people.bruno, "design")
    refs = _listed(planner, people.bruno, "design")
    planner.click(people.bruno, RSVP_GOING, refs["2026-03-17"])

    _edit(planner, people.bruno, refs["2026-03-03"], repeat="none")
    _deliver_all(copbot, clock)

    [dm] = [m for m in workspace.dm_messages(people.bruno) if "annulée" in m["text"]]
    assert dm["text"].startswith(f"La séance *Testing clinic* (<!date^{MARCH_17}^")
    assert dm["text"].endswith(") est annulée.")
    texts_posted = [m["text"] for m in workspace.messages(design.channel) if "Rappel" not in m["text"]]
    assert len(texts_posted) == 2  # the notice of 17 March, and of the later dates (in either order)
    [cancelled] = [text for text in texts_posted if text.startswith("La séance")]
    [changed] = [text for text in texts_posted if text.startswith("*Testing clinic* a changé")]
    assert cancelled.startswith(f"La séance *Testing clinic* (<!date^{MARCH_17}^")
    assert changed.startswith(
        f"*Testing clinic* a changé : certaines séances n'ont plus lieu (à partir de <!date^{MARCH_10}^"
    )
    assert list(_listed(planner, people.chen, "design")) == ["2026-03-03"]


def test_repeating_every_two_weeks_drops_the_weeks_between(
    planner, people, testing, copbot, workspace, clock
):
    """Every 2 weeks from 3 March: chen's 10 March is cancelled for him; his 17 March answer is kept."""
    planner.plan(people.alice, "testing")
    refs = _listed(planner, people.alice, "testing")
    planner.click(people.chen, RSVP_GOING, refs["2026-03-10"])
    planner.click(people.chen, RSVP_GOING, refs["2026-03-17"])

    _edit(planner, people.alice, refs["2026-03-03"], repeat="fortnightly")
    _deliver_all(copbot, clock)

    [dm] = workspace.dm_messages(people.chen)
    assert dm["text"].startswith(f"The session *Testing clinic* (<!date^{MARCH_10}^")
    assert list(_listed(planner, people.chen, "testing"))[:3] == ["2026-03-03", "2026-03-17", "2026-03-31"]
    assert (people.chen, "2026-03-17", "yes") in planner.rsvps()
    notices = [m for m in workspace.messages(testing.channel) if "Reminder" not in m["text"]]
    [notice] = [m for m in notices if m["text"].startswith("The session")]
    [changed] = [m for m in notices if "has changed" in m["text"]]
    assert notice["text"].startswith(f"The session *Testing clinic* (<!date^{MARCH_10}^")
    assert changed["text"].startswith(f"*Testing clinic* has changed: from <!date^{MARCH_24}^")
