"""`/cop session new` end to end: the modal, the stored series, every inline error, and who may plan."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sessions_support import WEEKLY
from sqlalchemy import select

from copbot.domain.enums import ActivityKind, Repeat
from copbot.sandbox.forms import fill
from copbot.store.models import Activity, Community


def test_an_organiser_plans_a_weekly_series(planner, people, testing, session_factory):
    """alice's modal names the community's zone; the series is kept with its rule, and logged."""
    view = planner.open_new(people.alice, "testing")
    assert view["title"]["text"] == "New session"
    assert "Date and time are in Europe/Paris" in view["blocks"][0]["elements"][0]["text"]

    response = planner.submit(people.alice, view, **WEEKLY)

    assert response.status == 200
    assert response.text == ""
    [series] = planner.series()
    assert (series.title, series.description, series.location) == (
        "Testing clinic",
        "Bring a bug",
        "https://meet.example.com/clinic",
    )
    assert series.starts_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    assert (series.repeat, series.timezone, series.repeat_until) == (Repeat.WEEKLY, "Europe/Paris", None)
    with session_factory() as session:
        [activity] = session.scalars(select(Activity)).all()
    assert (activity.kind, activity.user_id, activity.data) == (
        ActivityKind.SESSION_SCHEDULED,
        people.alice,
        {"session_id": series.id},
    )


def test_the_end_date_is_kept_for_a_series(planner, people, testing):
    """A series with an end date keeps it."""
    planner.plan(people.alice, "testing", until="2026-06-30")
    assert planner.series()[0].repeat_until == date(2026, 6, 30)


def test_a_french_organiser_gets_a_french_modal(planner, people, design):
    """bruno's modal is in French, and so are its inline errors."""
    view = planner.open_new(people.bruno, "design")
    assert view["title"]["text"] == "Nouvelle séance"
    response = planner.submit(people.bruno, view, **(WEEKLY | {"date": "2026-03-01"}))
    assert response.json["response_action"] == "errors"
    assert "passé" in response.json["errors"]["date"]
    assert planner.series() == []


ERRORS = [
    ({"date": "2026-03-01"}, "date", "This start is in the past: choose a later date or time."),
    (
        {"date": "2026-03-02", "time": "09:00"},
        "time",
        "This start is in the past: choose a later date or time.",
    ),
    ({"until": "2026-03-01"}, "until", "The end date can't be before the first session, March 3, 2026."),
    ({"place": "ftp://files.example.com/x"}, "place", "Links must start with http:// or https://."),
    ({"place": "javascript:alert(1)"}, "place", "Links must start with http:// or https://."),
    (
        {"date": "2026-03-29", "time": "02:30"},
        "time",
        (
            "2:30\u202fAM does not exist on March 29, 2026 in Europe/Paris (clocks go forward); "
            "the next valid time is 3:00\u202fAM."
        ),
    ),
    ({"title": "   "}, "title", "This field is required."),
]


@pytest.mark.parametrize(("answers", "block", "says"), ERRORS)
def test_bad_plans_get_inline_errors_and_nothing_is_kept(planner, people, testing, answers, block, says):
    """Each problem is shown on its own input; nothing is stored."""
    before = planner.snapshot()
    response = planner.submit(people.alice, planner.open_new(people.alice, "testing"), **(WEEKLY | answers))
    assert response.json["response_action"] == "errors"
    assert response.json["errors"][block].startswith(says[:150]), response.json["errors"]
    assert planner.snapshot() == before


@pytest.mark.parametrize(
    ("minutes", "says"),
    [("0", "A session needs a duration: choose one."), ("780", "A session can last at most 12 hours.")],
)
def test_a_forged_duration_of_zero_or_over_twelve_hours_is_refused(planner, people, testing, minutes, says):
    """The select offers neither, but a forged submission is checked too."""
    view = planner.open_new(people.alice, "testing")
    values = fill(view, WEEKLY)
    values["duration"]["duration"]["selected_option"] = {
        "text": {"type": "plain_text", "text": "x"},
        "value": minutes,
    }
    response = planner.driver.submit(planner.ws, people.alice, view, values)
    assert response.json["errors"] == {"duration": says}
    assert planner.series() == []


@pytest.mark.parametrize(("block", "length", "limit"), [("title", 151, 150), ("agenda", 3001, 3000)])
def test_over_long_titles_and_agendas_are_refused(planner, people, testing, block, length, limit):
    """Slack's limits are checked again on what arrives."""
    view = planner.open_new(people.alice, "testing")
    values = fill(view, WEEKLY)
    values[block][block]["value"] = "x" * length
    response = planner.driver.submit(planner.ws, people.alice, view, values)
    assert str(limit) in response.json["errors"][block]
    assert planner.series() == []


def test_members_who_are_not_organisers_cannot_plan(planner, people, testing):
    """chen is told only organisers can; no modal opens."""
    response = planner.command(people.chen, "session new testing")
    assert response.json["text"] == "Only the organisers of “Testing” can do that."
    assert planner.ws.views(people.chen) == []


def test_french_members_are_refused_in_french(planner, people, testing, design):
    """chen is English; bruno's refusal in testing is in French."""
    response = planner.command(people.bruno, "session new testing")
    assert response.json["text"] == "Seuls les organisateurs de « Testing » peuvent faire cela."


def test_an_unknown_community_is_named(planner, people, testing):
    """A typo gets the nearest names."""
    response = planner.command(people.alice, "session new testin")
    assert response.json["text"] == "There is no community called “testin” here. Did you mean `testing`?"


def test_session_without_new_explains_the_usage(planner, people, testing):
    """`/cop session` alone says how to use it."""
    assert planner.command(people.alice, "session").json["text"] == "Usage: `/cop session new [community]`"
    assert (
        planner.command(people.alice, "session plan").json["text"] == "Usage: `/cop session new [community]`"
    )


def test_a_plan_for_an_archived_community_is_refused(planner, people, testing, session_factory, clock):
    """The modal was open when the community was archived: the submission is refused, nothing kept."""
    view = planner.open_new(people.alice, "testing")
    with session_factory() as session, session.begin():
        session.get(Community, testing.id).archived_at = clock.now()
    response = planner.submit(people.alice, view, **WEEKLY)
    assert response.json["errors"] == {"title": "That community no longer exists."}
    assert planner.series() == []
