"""A new zone for a series that met: old buttons work, nothing is posted twice, those going are told."""

from __future__ import annotations

from datetime import UTC, datetime

from sessions_support import buttons, texts

from copbot.slack.ids import EDIT_VIEW, RSVP_GOING, RSVP_MAYBE, SESSION_TAKEAWAY_BUTTON, SHARE_VIEW

NEXT_DAY_BEFORE = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # 10 March's day-before reminder is due (09:00)
NEW_YORK_START = 1773151200  # 10 March 10:00 in New York: 14:00 UTC


def _run_loop(copbot):
    copbot.loop.tick()
    copbot.sender.wait_idle()


def _reminders(workspace, channel):
    return [
        {**m, "channel": channel}
        for m in workspace.messages(channel)
        if "Session reminder" in texts(m.get("blocks", []))
        or "Rappel de séance" in texts(m.get("blocks", []))
    ]


def _new_zone(planner, user_id, community, zone):
    assert planner.command(user_id, f"edit {community}").text == ""
    assert planner.submit(user_id, planner.modal(user_id, EDIT_VIEW), timezone=zone).text == ""


def _met_and_reminded(planner, organiser, community, place, copbot, workspace, clock):
    """The weekly series met on 3 March; 10 March's day-before reminder is in the channel."""
    planner.plan(organiser, community)
    clock.current = NEXT_DAY_BEFORE
    _run_loop(copbot)
    [reminder] = _reminders(workspace, place.channel)
    assert dict(buttons(reminder["blocks"]))[RSVP_GOING].endswith(":2026-03-10")
    return reminder


def test_old_buttons_keep_working_and_the_reminder_is_not_posted_again(
    planner, people, testing, copbot, workspace, clock, sandbox
):
    """Paris becomes New York: the reminder is redrawn at the new time, not posted again; its buttons work."""
    reminder = _met_and_reminded(planner, people.alice, "testing", testing, copbot, workspace, clock)
    ref = dict(buttons(reminder["blocks"]))[RSVP_GOING]
    planner.click(people.chen, RSVP_GOING, ref, message=reminder)

    _new_zone(planner, people.alice, "testing", "America/New_York")
    copbot.sender.wait_idle()
    clock.current = datetime(2026, 3, 9, 14, 30, tzinfo=UTC)  # 24 h before the new start
    _run_loop(copbot)
    _run_loop(copbot)

    [redrawn] = _reminders(workspace, testing.channel)
    assert redrawn["ts"] == reminder["ts"]
    assert f"<!date^{NEW_YORK_START}^" in texts(redrawn["blocks"])
    [dm] = workspace.dm_messages(people.chen)
    assert dm["text"].startswith("The session *Testing clinic* has moved.")
    assert f"<!date^{NEW_YORK_START}^" in dm["text"]

    planner.click(people.chen, RSVP_MAYBE, ref, message=redrawn)
    assert [r["text"] for r in workspace.responses(people.chen)][-1] == "You might go to *Testing clinic*."
    assert planner.rsvps() == [(people.chen, "2026-03-10", "maybe")]


def test_a_french_member_going_is_told_in_french(planner, people, design, copbot, workspace, clock):
    """bruno said Going in Design; Paris becomes New York: his DM, in French, gives the new start."""
    reminder = _met_and_reminded(planner, people.bruno, "design", design, copbot, workspace, clock)
    planner.click(people.bruno, RSVP_GOING, dict(buttons(reminder["blocks"]))[RSVP_GOING], message=reminder)

    _new_zone(planner, people.bruno, "design", "America/New_York")
    copbot.sender.wait_idle()

    moved = [m for m in workspace.dm_messages(people.bruno) if "déplacée" in m["text"]]
    assert [m["text"].split(" Nouvelle")[0] for m in moved] == ["La séance *Testing clinic* est déplacée."]
    assert f"<!date^{NEW_YORK_START}^" in moved[0]["text"]


def test_a_zone_with_the_same_clock_moves_nothing_and_tells_nobody(
    planner, people, testing, copbot, workspace, clock, sandbox
):
    """Paris becomes Berlin (the same offsets): no DM, no redraw, and still a single reminder."""
    reminder = _met_and_reminded(planner, people.alice, "testing", testing, copbot, workspace, clock)
    planner.click(people.chen, RSVP_GOING, dict(buttons(reminder["blocks"]))[RSVP_GOING], message=reminder)
    updates = len(sandbox.calls("chat.update"))

    _new_zone(planner, people.alice, "testing", "Europe/Berlin")
    clock.current = datetime(2026, 3, 9, 10, 1, tzinfo=UTC)  # the planner runs again
    _run_loop(copbot)

    assert workspace.dm_messages(people.chen) == []
    assert len(sandbox.calls("chat.update")) == updates
    assert len(_reminders(workspace, testing.channel)) == 1


def test_the_takeaway_of_a_session_before_the_change_still_opens(
    planner, people, testing, copbot, workspace, clock
):
    """3 March's question was asked, then the zone changed: no second question; its button still works."""
    planner.plan(people.alice, "testing")
    _run_loop(copbot)
    clock.current = datetime(2026, 3, 3, 10, 20, tzinfo=UTC)
    _run_loop(copbot)
    clock.current = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)
    _new_zone(planner, people.alice, "testing", "America/New_York")
    _run_loop(copbot)

    questions = [m for m in workspace.messages(testing.channel) if "take away" in m["text"]]
    assert len(questions) == 1
    [(action, ref)] = buttons(questions[0]["blocks"])
    assert action == SESSION_TAKEAWAY_BUTTON
    planner.click(people.chen, action, ref, message={**questions[0], "channel": testing.channel})
    assert planner.modal(people.chen, SHARE_VIEW)["callback_id"] == SHARE_VIEW
