"""Organisers choose the reminder offsets in the community form; a forged choice is refused inline."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sessions_support import buttons
from sqlalchemy import select

from copbot.domain.reminders import REMINDERS
from copbot.sandbox.forms import fill
from copbot.slack.ids import EDIT_VIEW, RSVP_GOING
from copbot.store.models import Community, Rsvp


def _edit_form(planner, user_id):
    response = planner.command(user_id, "edit testing")
    assert response.text == ""
    return planner.modal(user_id, EDIT_VIEW)


def test_the_form_shows_the_default_offsets_and_keeps_new_ones(planner, people, testing, session_factory):
    """24 h and 1 h are ticked to begin with; ticking 2 h and 15 min keeps those, largest first."""
    view = _edit_form(planner, people.alice)
    [block] = [b for b in view["blocks"] if b.get("block_id") == REMINDERS]
    assert [o["value"] for o in block["element"]["initial_options"]] == ["60", "1440"]
    assert planner.submit(people.alice, view, reminders=["15", "120"]).text == ""
    with session_factory() as session:
        assert session.get(Community, testing.id).reminder_offsets == [120, 15]


def test_no_reminders_is_a_choice(planner, people, testing, session_factory):
    """Unticking all of them keeps none."""
    planner.submit(people.alice, _edit_form(planner, people.alice), reminders=[])
    with session_factory() as session:
        assert session.get(Community, testing.id).reminder_offsets == []


def test_a_forged_offset_is_refused_in_french(planner, people, design, session_factory):
    """An offset the form does not offer gets an inline error, in bruno's French; nothing changes."""
    planner.command(people.bruno, "edit design")
    view = planner.modal(people.bruno, EDIT_VIEW)
    values = fill(view, {})
    values[REMINDERS][REMINDERS]["selected_options"] = [
        {"text": {"type": "plain_text", "text": "x"}, "value": "7"}
    ]
    response = planner.driver.submit(planner.ws, people.bruno, view, values)
    assert response.json["response_action"] == "errors"
    assert set(response.json["errors"]) == {REMINDERS}
    with session_factory() as session:
        assert session.get(Community, design.id).reminder_offsets == [1440, 60]


def test_a_new_time_zone_moves_only_the_sessions_to_come(planner, people, testing, clock, session_factory):
    """After the first Tuesday, Paris becomes New York: 3 March keeps its instant, 10 March is 10:00 in NY."""
    planner.plan(people.alice, "testing")
    clock.current = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    [series] = planner.series()
    planner.click(people.chen, RSVP_GOING, f"{series.id}:2026-03-10")

    assert (
        planner.submit(people.alice, _edit_form(planner, people.alice), timezone="America/New_York").text
        == ""
    )

    rest, past = planner.series()
    assert rest.id == series.id  # the dates to come keep the id their buttons carry
    assert (past.starts_at, past.timezone, past.repeat_until, past.split_from_id) == (
        datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
        "Europe/Paris",
        date(2026, 3, 9),
        series.id,
    )
    assert (rest.starts_at, rest.timezone, rest.repeat_until) == (
        datetime(2026, 3, 10, 14, 0, tzinfo=UTC),  # New York is on summer time from 8 March
        "America/New_York",
        None,
    )
    assert planner.rsvps() == [(people.chen, "2026-03-10", "yes")]
    with session_factory() as session:
        assert session.scalar(select(Rsvp.session_id)) == rest.id
    listed = [
        value
        for action, value in buttons(planner.listing(people.chen, "testing")["blocks"])
        if action == RSVP_GOING
    ]
    assert listed[0] == f"{series.id}:2026-03-10"


def test_a_series_that_has_not_met_moves_whole(planner, people, testing):
    """Nothing took place yet: the same series, its first session at the same wall time in the new zone."""
    planner.plan(people.alice, "testing")
    planner.submit(people.alice, _edit_form(planner, people.alice), timezone="America/New_York")
    [series] = planner.series()
    assert (series.starts_at, series.timezone) == (
        datetime(2026, 3, 3, 15, 0, tzinfo=UTC),
        "America/New_York",
    )
