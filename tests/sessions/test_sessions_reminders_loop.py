"""Reminders from the loop, and RSVPs on them: posted once at the community's offsets, updated in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import make_community, make_meetup
from sessions_support import buttons, texts
from sqlalchemy import select

from copbot.domain.enums import ActivityKind, Repeat
from copbot.services.session_reminders import EVERY, SessionPlanner
from copbot.slack.ids import JOIN_VIEW, RSVP_CANT, RSVP_GOING, RSVP_MAYBE
from copbot.store.models import Activity, Community, Delivery, SessionPost

FIRST = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Paris: the series' first session


def _reminders(workspace, channel):
    return [m for m in workspace.messages(channel) if "Session reminder" in texts(m.get("blocks", []))]


def _answers_line(message) -> str:
    return next(
        b["elements"][0]["text"]
        for b in message["blocks"]
        if b["type"] == "context" and "going" in b["elements"][0]["text"]
    )


def test_the_loop_posts_the_day_before_reminder_once(
    planner, people, testing, copbot, workspace, session_factory
):
    """At 24 h before, one reminder with RSVP buttons; more ticks and a second loop add none."""
    planner.plan(people.alice, "testing")
    copbot.loop.tick()
    copbot.loop.tick()
    copbot.sender.wait_idle()

    [reminder] = _reminders(workspace, testing.channel)
    assert "*Testing clinic*" in texts(reminder["blocks"])
    assert "0 going · 0 maybe · 0 can't go" in texts(reminder["blocks"])
    actions = [action for action, _ in buttons(reminder["blocks"])]
    assert actions == [RSVP_GOING, RSVP_MAYBE, RSVP_CANT]
    with session_factory() as session:
        [post] = session.scalars(select(SessionPost)).all()
    assert (post.occurrence_key, post.offset_minutes, post.message_ts) == ("2026-03-03", 1440, reminder["ts"])


def test_a_loop_stopped_for_three_hours_across_a_due_reminder_posts_it_once(
    planner, people, testing, copbot, workspace, clock, session_factory
):
    """After the day-before reminder, the loop stops at 05:30 UTC, back at 08:30: the 1 h one goes once."""
    planner.plan(people.alice, "testing")
    copbot.loop.tick()
    clock.current = datetime(2026, 3, 3, 5, 30, tzinfo=UTC)
    copbot.loop.tick()
    clock.current = datetime(2026, 3, 3, 8, 30, tzinfo=UTC)  # the 1 h reminder was due at 08:00
    copbot.loop.tick()
    copbot.loop.tick()
    copbot.sender.wait_idle()
    assert len(_reminders(workspace, testing.channel)) == 2
    with session_factory() as session:
        assert session.scalars(select(SessionPost.offset_minutes).order_by(SessionPost.id)).all() == [
            1440,
            60,
        ]


def test_a_session_moved_later_after_its_day_before_reminder_gets_one_at_its_new_time(
    planner, people, testing, copbot, workspace, clock, session_factory
):
    """3 March's 24 h reminder is posted; the session moves to 6 March 14:00: on 5 March 14:00, one more."""
    planner.plan(people.alice, "testing")
    copbot.loop.tick()
    copbot.sender.wait_idle()
    ref = next(
        value for action, value in buttons(planner.listing(people.alice)["blocks"]) if action == RSVP_GOING
    )
    view = planner.open_edit(people.alice, ref)
    assert planner.submit(people.alice, view, date="2026-03-06", time="14:00").text == ""
    copbot.loop.tick()
    copbot.sender.wait_idle()
    assert len(_reminders(workspace, testing.channel)) == 1

    clock.current = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)  # 14:00 in Paris, 24 h before the new time
    copbot.loop.tick()
    clock.current += EVERY
    copbot.loop.tick()
    copbot.sender.wait_idle()

    first, second = _reminders(workspace, testing.channel)
    assert "<!date^1772802000^" in texts(first["blocks"])  # the first one redrawn: 6 March, 13:00 UTC
    assert "<!date^1772802000^" in texts(second["blocks"])
    with session_factory() as session:
        assert session.scalars(select(SessionPost.offset_minutes).order_by(SessionPost.id)).all() == [
            1440,
            1440,
        ]


def test_a_series_planned_late_gets_only_its_latest_reminder(
    planner, people, testing, copbot, workspace, clock
):
    """Planned at 07:30 UTC for 09:00 and the loop first ticking at 08:30: one reminder, not two."""
    clock.current = datetime(2026, 3, 3, 7, 30, tzinfo=UTC)
    planner.plan(people.alice, "testing")
    clock.current = datetime(2026, 3, 3, 8, 30, tzinfo=UTC)
    copbot.loop.tick()
    copbot.sender.wait_idle()
    assert len(_reminders(workspace, testing.channel)) == 1


def test_a_loop_back_after_the_start_posts_no_more_reminder(
    planner, people, testing, copbot, workspace, clock
):
    """Last tick at 07:00 UTC, back at 10:00: the session began at 09:00, so its 1 h reminder never goes."""
    clock.current = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    planner.plan(people.alice, "testing", date="2026-03-03", time="10:00", repeat="none")
    copbot.loop.tick()  # the day-before reminder, late but before the start
    clock.current = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # three hours later
    copbot.loop.tick()
    copbot.sender.wait_idle()
    assert len(_reminders(workspace, testing.channel)) == 1


def test_the_community_chooses_its_offsets(
    planner, people, testing, copbot, workspace, clock, session_factory
):
    """With only a 15-minute reminder, nothing is posted the day before, one 15 minutes before."""
    with session_factory() as session, session.begin():
        session.get(Community, testing.id).reminder_offsets = [15]
    planner.plan(people.alice, "testing")
    copbot.loop.tick()
    assert _reminders(workspace, testing.channel) == []
    clock.current = datetime(2026, 3, 3, 8, 45, tzinfo=UTC)
    copbot.loop.tick()
    copbot.sender.wait_idle()
    assert len(_reminders(workspace, testing.channel)) == 1


def _posted_reminder(planner, people, testing, copbot, workspace):
    planner.plan(people.alice, "testing")
    copbot.loop.tick()
    copbot.sender.wait_idle()
    [reminder] = _reminders(workspace, testing.channel)
    return {**reminder, "channel": testing.channel}


def test_answers_update_the_reminder_in_place(planner, people, testing, copbot, workspace, session_factory):
    """chen says Going, then Maybe: one answer kept and moved; the reminder shows each, logged as activity."""
    reminder = _posted_reminder(planner, people, testing, copbot, workspace)
    ref = dict(buttons(reminder["blocks"]))[RSVP_GOING]

    planner.click(people.chen, RSVP_GOING, ref, message=reminder)
    [shown] = _reminders(workspace, testing.channel)
    assert _answers_line(shown) == f"1 going · 0 maybe · 0 can't go\nGoing: <@{people.chen}>"

    planner.click(people.chen, RSVP_MAYBE, ref, message=reminder)
    [shown] = _reminders(workspace, testing.channel)
    assert _answers_line(shown) == "0 going · 1 maybe · 0 can't go"
    assert planner.rsvps() == [(people.chen, "2026-03-03", "maybe")]
    with session_factory() as session:
        kinds = session.scalars(select(Activity.kind).where(Activity.kind == ActivityKind.RSVP)).all()
    assert len(kinds) == 2
    assert [r["text"] for r in workspace.responses(people.chen)][-1] == "You might go to *Testing clinic*."


def test_pressing_the_same_answer_twice_counts_it_once(
    planner, people, testing, copbot, workspace, session_factory
):
    """chen presses Going twice then Maybe: two RSVP activity rows, and the reminder shows the last answer."""
    reminder = _posted_reminder(planner, people, testing, copbot, workspace)
    ref = dict(buttons(reminder["blocks"]))[RSVP_GOING]
    for action in (RSVP_GOING, RSVP_GOING, RSVP_MAYBE):
        assert planner.click(people.chen, action, ref, message=reminder).status == 200
    with session_factory() as session:
        answers = session.scalars(
            select(Activity.answer).where(Activity.kind == ActivityKind.RSVP).order_by(Activity.id)
        ).all()
    assert answers == ["yes", "maybe"]
    assert planner.rsvps() == [(people.chen, "2026-03-03", "maybe")]
    assert [r["text"] for r in workspace.responses(people.chen)][-2] == "You are going to *Testing clinic*."


def test_a_french_member_is_answered_in_french(planner, people, testing, copbot, workspace):
    """bruno's confirmation is in French; the English channel's reminder stays English."""
    reminder = _posted_reminder(planner, people, testing, copbot, workspace)
    planner.click(people.bruno, RSVP_GOING, dict(buttons(reminder["blocks"]))[RSVP_GOING], message=reminder)
    assert workspace.responses(people.bruno)[-1]["text"] == "Vous allez à *Testing clinic*."


def test_someone_outside_the_community_is_offered_to_join(planner, people, testing, copbot, workspace):
    """dana is not a member: pressing Going opens the join modal, and no answer is kept."""
    reminder = _posted_reminder(planner, people, testing, copbot, workspace)
    planner.click(people.dana, RSVP_GOING, dict(buttons(reminder["blocks"]))[RSVP_GOING], message=reminder)
    [view] = [v for v in workspace.views(people.dana) if v.get("callback_id") == JOIN_VIEW]
    assert "Testing" in str(view["blocks"])
    assert planner.rsvps() == []


def test_an_outsider_whose_join_modal_does_not_open_is_told_how_to_join(
    planner, people, testing, copbot, workspace, sandbox
):
    """dana presses Going once the trigger expired: no modal, but a reply beside the reminder with Join."""
    reminder = _posted_reminder(planner, people, testing, copbot, workspace)
    sandbox.inject_fault("views.open", error="expired_trigger_id")
    response = planner.click(
        people.dana, RSVP_GOING, dict(buttons(reminder["blocks"]))[RSVP_GOING], message=reminder
    )
    assert response.status == 200
    assert workspace.views(people.dana) == []
    [reply] = workspace.responses(people.dana)
    assert "Testing" in reply["text"]
    assert planner.rsvps() == []


def test_a_session_of_another_workspace_is_refused(
    planner, people, testing, workspace, session_factory, clock
):
    """A button value naming another workspace's series: "That session no longer exists.", nothing kept."""
    with session_factory() as session, session.begin():
        theirs = make_community(session, team_id="T0BETA001", channel_id="C0BETA", created_by="U0BETA")
        series_id = make_meetup(
            session,
            theirs,
            title="Theirs",
            starts_at=FIRST,
            repeat=Repeat.WEEKLY,
            timezone="Europe/Paris",
            created_at=clock.now(),
        ).id
    planner.click(people.chen, RSVP_GOING, f"{series_id}:2026-03-03")
    assert [r["text"] for r in workspace.responses(people.chen)] == ["That session no longer exists."]
    assert planner.rsvps() == []


def test_forged_and_unknown_dates_are_refused(planner, people, testing, copbot, workspace):
    """A date the rule does not give, or a malformed value, is refused with a clear note."""
    planner.plan(people.alice, "testing")
    series_id = planner.series()[0].id
    for value in (f"{series_id}:2026-03-04", "nonsense", f"{series_id + 1}:2026-03-03"):
        planner.click(people.chen, RSVP_GOING, value)
    notes = [r["text"] for r in workspace.responses(people.chen)]
    assert notes == ["That session no longer exists."] * 3
    assert planner.rsvps() == []


def test_the_planner_reads_the_series_at_most_every_thirty_seconds(planner, people, testing, session_factory):
    """A second tick within 30 s plans nothing more; the next one after that plans what became due."""
    planner.plan(people.alice, "testing", date="2026-03-04", time="10:00")  # 24 h reminder due 09:00 UTC Tue
    sessions = SessionPlanner()
    due = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)

    def reminders() -> int:
        with session_factory() as session:
            return len(session.scalars(select(Delivery).where(Delivery.kind == "sessions.reminder")).all())

    for at, expected in (
        (due - timedelta(seconds=10), 0),
        (due + timedelta(seconds=10), 0),
        (due + EVERY, 1),
    ):
        with session_factory() as session, session.begin():
            sessions(session, at)
        assert reminders() == expected
