"""Edit and Cancel from the list: notices in the channel, reminders that stop or move, DMs to those going."""

from __future__ import annotations

from datetime import UTC, datetime

from sessions_support import buttons, texts

from copbot.app import _metadata_secret
from copbot.slack.ids import RSVP_GOING, SESSION_CANCEL_BUTTON, SESSION_EDIT_BUTTON, SESSION_EDIT_VIEW
from copbot.slack.metadata import MetadataSeal


def _first_ref(planner, user_id, community="testing"):
    """The reference of the first session listed."""
    listed = buttons(planner.listing(user_id, community)["blocks"])
    return next(value for action, value in listed if action == RSVP_GOING)


def _plan_and_remind(planner, copbot, user_id, community):
    """A weekly session planned, and the loop's day-before reminder for it posted."""
    planner.plan(user_id, community)
    copbot.loop.tick()
    copbot.sender.wait_idle()


def _reminder(workspace, channel):
    [reminder] = [m for m in workspace.messages(channel) if "Session reminder" in texts(m.get("blocks", []))]
    return {**reminder, "channel": channel}


def test_cancelling_one_session_posts_in_the_reminders_thread_and_stops_its_reminders(
    planner, people, testing, copbot, workspace, clock
):
    """The notice replies to the day-before reminder, which is redrawn as cancelled; no 1 h reminder."""
    _plan_and_remind(planner, copbot, people.alice, "testing")
    reminder = _reminder(workspace, testing.channel)
    ref = _first_ref(planner, people.alice)

    assert planner.cancel(people.alice, ref).text == ""

    notice = workspace.messages(testing.channel)[-1]
    assert notice["thread_ts"] == reminder["ts"]
    assert "is cancelled" in notice["text"]
    redrawn = _reminder(workspace, testing.channel)  # no buttons left that would say it no longer exists
    assert (redrawn["ts"], buttons(redrawn["blocks"])) == (reminder["ts"], [])
    assert "This session is cancelled." in texts(redrawn["blocks"])
    clock.current = datetime(2026, 3, 3, 8, 30, tzinfo=UTC)
    copbot.loop.tick()
    copbot.sender.wait_idle()
    assert (
        len([m for m in workspace.messages(testing.channel) if "Session reminder" in texts(m["blocks"])]) == 1
    )
    refs = [
        value
        for action, value in buttons(planner.listing(people.chen, "testing")["blocks"])
        if action == RSVP_GOING
    ]
    assert ref not in refs
    assert refs[0].endswith(":2026-03-10")


def test_cancelling_the_series_posts_a_notice_and_lists_nothing(planner, people, testing, copbot, workspace):
    """With no reminder yet, the notice goes to the channel itself; the list is then empty."""
    planner.plan(people.alice, "testing", date="2026-03-10")
    assert planner.cancel(people.alice, _first_ref(planner, people.alice), which="series").text == ""
    [notice] = workspace.messages(testing.channel)
    assert "thread_ts" not in notice
    assert notice["text"] == "The sessions *Testing clinic* are cancelled from now on."
    assert "No session planned yet." in texts(planner.listing(people.chen, "testing")["blocks"])


def test_moving_a_session_tells_those_going_and_moves_its_reminders(
    planner, people, testing, copbot, workspace, clock
):
    """bruno said Going; the session moves to Thursday 14:00: he gets a French DM; reminders follow."""
    planner.plan(people.alice, "testing", date="2026-03-10")
    ref = _first_ref(planner, people.alice)
    planner.click(people.bruno, RSVP_GOING, ref)

    view = planner.open_edit(people.alice, ref)
    assert view["callback_id"] == SESSION_EDIT_VIEW
    assert planner.submit(people.alice, view, date="2026-03-12", time="14:00").text == ""

    [dm] = workspace.dm_messages(people.bruno)
    assert "La séance *Testing clinic* est déplacée." in dm["text"]
    assert planner.changes()[0].moved_to == datetime(2026, 3, 12, 13, 0, tzinfo=UTC)
    clock.current = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)  # 24 h before the old time: nothing
    copbot.loop.tick()
    assert workspace.messages(testing.channel) == []
    clock.current = datetime(2026, 3, 11, 13, 0, tzinfo=UTC)  # 24 h before the new time
    copbot.loop.tick()
    copbot.sender.wait_idle()
    reminder = _reminder(workspace, testing.channel)
    assert "<!date^1773320400^" in texts(reminder["blocks"])
    assert f"Going: <@{people.bruno}>" in texts(reminder["blocks"])


def test_editing_the_series_changes_every_session(planner, people, testing):
    """A new title applies to every date; the date left as it was moves nothing."""
    planner.plan(people.alice, "testing")
    view = planner.open_edit(people.alice, _first_ref(planner, people.alice))
    assert planner.submit(people.alice, view, title="Bug clinic").text == ""
    assert planner.series()[0].title == "Bug clinic"
    assert planner.changes() == []
    assert texts(planner.listing(people.chen, "testing")["blocks"]).count("*Bug clinic*") == 5


def test_a_move_into_the_past_is_refused_inline(planner, people, testing):
    """The edit form checks the new date as the plan form does."""
    planner.plan(people.alice, "testing")
    before = planner.snapshot()
    view = planner.open_edit(people.alice, _first_ref(planner, people.alice))
    response = planner.submit(people.alice, view, date="2026-03-01")
    assert response.json["errors"] == {"date": "This start is in the past: choose a later date or time."}
    assert planner.snapshot() == before


def test_members_cannot_edit_or_cancel(planner, people, testing):
    """chen's Edit and Cancel clicks (forged: he has no such buttons) are refused; nothing changes."""
    planner.plan(people.alice, "testing")
    ref = _first_ref(planner, people.chen)
    before = planner.snapshot()
    planner.click(people.chen, SESSION_EDIT_BUTTON, ref)
    planner.click(people.chen, SESSION_CANCEL_BUTTON, ref)
    notes = [r["text"] for r in planner.ws.responses(people.chen)]
    assert notes == ["Only the organisers of “Testing” can do that."] * 2
    assert planner.ws.views(people.chen) == []
    assert planner.snapshot() == before


def test_an_edit_modal_slack_will_not_open_gets_a_reply(planner, people, testing, design, sandbox):
    """The Edit click's trigger expired: the organiser is told to try again, in English and in French."""
    planner.plan(people.alice, "testing")
    planner.plan(people.bruno, "design")
    for user_id, community, words in [
        (people.alice, "testing", "try again"),
        (people.bruno, "design", "Réessayez"),
    ]:
        ref = _first_ref(planner, user_id, community)
        sandbox.inject_fault("views.open", error="expired_trigger_id")
        assert planner.click(user_id, SESSION_EDIT_BUTTON, ref).status == 200
        [reply] = planner.ws.responses(user_id)
        assert words in reply["text"]
        assert [v for v in planner.ws.views(user_id) if v.get("callback_id") == SESSION_EDIT_VIEW] == []


def test_a_session_of_another_community_is_refused_in_a_form(planner, people, testing, design, copbot):
    """bruno organises design; an edit form sealed for design cannot change a testing session."""
    planner.plan(people.alice, "testing")
    planner.plan(people.bruno, "design")
    testing_ref = _first_ref(planner, people.alice)
    design_view = planner.open_edit(people.bruno, _first_ref(planner, people.bruno, "design"))
    seal = MetadataSeal(_metadata_secret(copbot.settings))
    sealed = seal.open(design_view["private_metadata"])
    with planner.ws.lock:  # the same seal, another community's session: what a replayed form could carry
        planner.ws.state.views[design_view["id"]]["private_metadata"] = seal.seal(
            {**sealed, "ref": testing_ref}
        )
    before = planner.snapshot()
    response = planner.submit(people.bruno, design_view, title="Hijacked")
    assert response.json["errors"] == {"title": "Cette séance n'existe plus."}
    assert planner.snapshot() == before


def test_moving_a_session_redraws_its_posted_reminder_with_the_new_time(
    planner, people, testing, copbot, workspace, sandbox
):
    """The day-before reminder is in the channel; the session moves to Wednesday 14:00: it shows that time."""
    _plan_and_remind(planner, copbot, people.alice, "testing")
    reminder = _reminder(workspace, testing.channel)
    assert "<!date^1772528400^" in texts(reminder["blocks"])  # Tuesday 3 March, 09:00 UTC
    updates_before = len(sandbox.calls("chat.update"))

    view = planner.open_edit(people.alice, _first_ref(planner, people.alice))
    assert planner.submit(people.alice, view, date="2026-03-04", time="14:00").text == ""
    copbot.sender.wait_idle()

    assert len(sandbox.calls("chat.update")) == updates_before + 1
    redrawn = _reminder(workspace, testing.channel)
    assert redrawn["ts"] == reminder["ts"]
    assert "<!date^1772629200^" in texts(redrawn["blocks"])  # Wednesday 4 March, 13:00 UTC
    assert "1772528400" not in texts(redrawn["blocks"])


def test_a_moved_session_is_redrawn_in_french(planner, people, design, copbot, workspace):
    """In the French community the redrawn reminder keeps French and shows the new time."""
    _plan_and_remind(planner, copbot, people.bruno, "design")
    view = planner.open_edit(people.bruno, _first_ref(planner, people.bruno, "design"))
    assert planner.submit(people.bruno, view, date="2026-03-04", time="14:00").text == ""
    copbot.sender.wait_idle()
    [reminder] = workspace.messages(design.channel)
    assert "Rappel de séance" in texts(reminder["blocks"])
    assert "<!date^1772629200^" in texts(reminder["blocks"])


def test_cancelling_the_series_redraws_its_posted_reminder_in_french(
    planner, people, design, copbot, workspace
):
    """Design's 3 March reminder is posted; bruno cancels the series: it says so in French, no buttons."""
    _plan_and_remind(planner, copbot, people.bruno, "design")
    [reminder] = workspace.messages(design.channel)

    assert (
        planner.cancel(people.bruno, _first_ref(planner, people.bruno, "design"), which="series").text == ""
    )
    copbot.sender.wait_idle()

    redrawn = next(m for m in workspace.messages(design.channel) if m["ts"] == reminder["ts"])
    assert buttons(redrawn["blocks"]) == []
    assert "Cette séance est annulée." in texts(redrawn["blocks"])


def test_editing_the_title_and_place_redraws_the_posted_reminder(
    planner, people, testing, copbot, workspace, sandbox
):
    """The day-before reminder is in the channel; a new title and place, same date: it shows them."""
    _plan_and_remind(planner, copbot, people.alice, "testing")
    reminder = _reminder(workspace, testing.channel)
    updates_before = len(sandbox.calls("chat.update"))

    view = planner.open_edit(people.alice, _first_ref(planner, people.alice))
    response = planner.submit(people.alice, view, title="Debugging clinic", place="Room 4")
    assert response.text == ""
    copbot.sender.wait_idle()

    [update] = sandbox.calls("chat.update")[updates_before:]
    assert update.args["ts"] == reminder["ts"]
    shown = texts(update.args["blocks"])
    assert "Debugging clinic" in shown
    assert "Room 4" in shown
    assert "Testing clinic" not in shown
    assert "meet.example.com" not in shown


def test_an_edit_in_french_redraws_the_posted_reminder_in_french(planner, people, design, copbot, workspace):
    """Design's reminder is posted; bruno changes the title: it is redrawn in French with the new title."""
    _plan_and_remind(planner, copbot, people.bruno, "design")
    view = planner.open_edit(people.bruno, _first_ref(planner, people.bruno, "design"))
    assert planner.submit(people.bruno, view, title="Atelier couleurs").text == ""
    copbot.sender.wait_idle()
    [reminder] = workspace.messages(design.channel)
    assert "Rappel de séance" in texts(reminder["blocks"])
    assert "Atelier couleurs" in texts(reminder["blocks"])
