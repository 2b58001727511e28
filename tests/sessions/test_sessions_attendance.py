"""Organisers mark who came, from the takeaway question, where the community asks for it; stats read it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from factories import make_community, make_meetup
from sessions_support import buttons, texts
from sqlalchemy import select, update

from copbot.domain.attendance import ATTENDED, ATTENDED_MAX, MARK_ATTENDANCE
from copbot.domain.enums import ActivityKind, Repeat
from copbot.domain.sessions import TITLE_MAX
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks, check_view
from copbot.sandbox.forms import fill
from copbot.services.sessions_view import OccurrenceView
from copbot.slack.blocks.attendance import build_attendance_modal
from copbot.slack.blocks.sessions import build_takeaway_question
from copbot.slack.ids import (
    EDIT_VIEW,
    RSVP_GOING,
    RSVP_MAYBE,
    SESSION_ATTENDANCE_BUTTON,
    SESSION_ATTENDANCE_VIEW,
    SESSION_TAKEAWAY_BUTTON,
)
from copbot.store.models import Activity, Community, Rsvp

STARTS = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Paris
AFTER = datetime(2026, 3, 3, 10, 20, tzinfo=UTC)  # the session ended 20 minutes ago


def _run_loop(copbot):
    copbot.loop.tick()
    copbot.sender.wait_idle()


def _mark_attendance(session_factory, place, *, on: bool = True) -> None:
    with session_factory() as session, session.begin():
        session.execute(update(Community).where(Community.id == place.id).values(mark_attendance=on))


def _attended(session_factory) -> list[tuple[str | None, datetime, dict[str, object]]]:
    with session_factory() as session:
        query = select(Activity.user_id, Activity.at, Activity.data).where(
            Activity.kind == ActivityKind.ATTENDED
        )
        return [tuple(row) for row in session.execute(query.order_by(Activity.user_id))]


def _marks(session_factory) -> list[tuple[str | None, str | None, bool | None]]:
    with session_factory() as session:
        rows = session.execute(select(Rsvp.user_id, Rsvp.answer, Rsvp.attended).order_by(Rsvp.user_id))
        return [(user, answer and answer.value, attended) for user, answer, attended in rows]


def _question(planner, people, place, copbot, workspace, clock, *, organiser=None):
    """The takeaway question of a one-off session planned in `place`, posted after it ended."""
    planner.plan(organiser or people.alice, place.slug, repeat="none")
    _run_loop(copbot)
    clock.current = AFTER
    _run_loop(copbot)
    _run_loop(copbot)
    return workspace.messages(place.channel)[-1]


def _submit(planner, user_id, view, people_who_came):
    return planner.driver.submit(planner.ws, user_id, view, fill(view, {ATTENDED: people_who_came}))


@pytest.fixture
def marking(testing, session_factory):
    _mark_attendance(session_factory, testing)
    return testing


def test_an_organiser_marks_who_came_and_marking_again_replaces_it(
    planner, people, marking, copbot, workspace, clock, session_factory
):
    """bruno said Going and is pre-ticked; alice marks bruno and chen, then only chen: activity follows."""
    planner.plan(people.alice, "testing", repeat="none")
    ref = f"{planner.series()[0].id}:2026-03-03"
    planner.click(people.bruno, RSVP_GOING, ref)
    planner.click(people.chen, RSVP_MAYBE, ref)
    clock.current = AFTER
    _run_loop(copbot)
    question = workspace.messages(marking.channel)[-1]
    assert buttons(question["blocks"]) == [(SESSION_TAKEAWAY_BUTTON, ref), (SESSION_ATTENDANCE_BUTTON, ref)]
    assert "Mark who came" in texts(question["blocks"])

    message = {**question, "channel": marking.channel}
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, ref, message=message)
    view = planner.modal(people.alice, SESSION_ATTENDANCE_VIEW)
    assert view["title"]["text"] == "Who came"
    [picker] = [b["element"] for b in view["blocks"] if b.get("block_id") == ATTENDED]
    assert (picker["type"], picker["initial_users"]) == ("multi_users_select", [people.bruno])
    assert _submit(planner, people.alice, view, [people.bruno, people.chen]).text == ""
    occurrence = {"session_id": planner.series()[0].id, "occurrence": ref}
    assert _attended(session_factory) == sorted(
        [(people.bruno, STARTS, occurrence), (people.chen, STARTS, occurrence)]
    )
    assert _marks(session_factory) == sorted([(people.bruno, "yes", True), (people.chen, "maybe", True)])

    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, ref, message=message)
    again = planner.modal(people.alice, SESSION_ATTENDANCE_VIEW)
    [picker] = [b["element"] for b in again["blocks"] if b.get("block_id") == ATTENDED]
    assert picker["initial_users"] == [people.bruno, people.chen]  # as marked, no longer as answered
    assert _submit(planner, people.alice, again, [people.chen]).text == ""
    assert _attended(session_factory) == [(people.chen, STARTS, occurrence)]
    assert _marks(session_factory) == sorted([(people.bruno, "yes", False), (people.chen, "maybe", True)])


def test_someone_who_came_without_answering_is_kept_and_unmarked_again(
    planner, people, marking, clock, session_factory
):
    """alice never answered: marked, she gets a row with no answer; unmarked, the row goes."""
    planner.plan(people.alice, "testing", repeat="none")
    ref = f"{planner.series()[0].id}:2026-03-03"
    clock.current = AFTER
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, ref)
    view = planner.modal(people.alice, SESSION_ATTENDANCE_VIEW)
    [picker] = [b["element"] for b in view["blocks"] if b.get("block_id") == ATTENDED]
    assert "initial_users" not in picker
    assert _submit(planner, people.alice, view, [people.alice]).text == ""
    assert _marks(session_factory) == [(people.alice, None, True)]
    assert [user for user, _, _ in _attended(session_factory)] == [people.alice]
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, ref)
    assert _submit(planner, people.alice, planner.modal(people.alice, SESSION_ATTENDANCE_VIEW), []).text == ""
    assert _marks(session_factory) == []
    assert _attended(session_factory) == []


def test_an_rsvp_is_recorded_with_its_answer_and_occurrence(planner, people, testing, session_factory):
    """The stats read each RSVP's answer and the occurrence it was for, named as attendance names it."""
    planner.plan(people.alice, "testing", repeat="none")
    series_id = planner.series()[0].id
    planner.click(people.chen, RSVP_GOING, f"{series_id}:2026-03-03")
    with session_factory() as session:
        data = session.scalars(select(Activity.data).where(Activity.kind == ActivityKind.RSVP)).all()
    assert data == [{"session_id": series_id, "occurrence": f"{series_id}:2026-03-03", "answer": "yes"}]


def test_the_question_has_no_attendance_button_when_the_community_does_not_mark(
    planner, people, testing, copbot, workspace, clock, session_factory
):
    """Off by default: the takeaway question shows only its share button; a forged press is refused."""
    question = _question(planner, people, testing, copbot, workspace, clock)
    [(action, ref)] = buttons(question["blocks"])
    assert action == SESSION_TAKEAWAY_BUTTON
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, ref)
    assert [r["text"] for r in workspace.responses(people.alice)] == [
        "Testing does not mark who came to its sessions. Organisers can turn it on in `/cop edit`."
    ]
    assert planner.ws.views(people.alice)[-1]["callback_id"] != SESSION_ATTENDANCE_VIEW
    assert _attended(session_factory) == []


def test_a_member_who_does_not_organise_is_refused(
    planner, people, marking, clock, workspace, session_factory
):
    """chen is a member, not an organiser: a clear note, no modal, nothing kept."""
    planner.plan(people.alice, "testing", repeat="none")
    clock.current = AFTER
    planner.click(people.chen, SESSION_ATTENDANCE_BUTTON, f"{planner.series()[0].id}:2026-03-03")
    assert [r["text"] for r in workspace.responses(people.chen)] == [
        "Only the organisers of “Testing” can mark who came."
    ]
    assert workspace.views(people.chen) == []


def test_a_french_member_is_refused_in_french(planner, people, marking, clock, workspace):
    """bruno is a member of Testing, not an organiser: told so in French."""
    planner.plan(people.alice, "testing", repeat="none")
    clock.current = AFTER
    planner.click(people.bruno, SESSION_ATTENDANCE_BUTTON, f"{planner.series()[0].id}:2026-03-03")
    assert [r["text"] for r in workspace.responses(people.bruno)] == [
        "Seuls les organisateurs de « Testing » peuvent noter qui est venu."
    ]


def test_a_session_that_has_not_started_is_refused(
    planner, people, marking, clock, workspace, session_factory
):
    """The weekly series' next Tuesday has not come yet: nobody can be marked for it."""
    planner.plan(people.alice, "testing")
    clock.current = AFTER
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, f"{planner.series()[0].id}:2026-03-10")
    assert [r["text"] for r in workspace.responses(people.alice)] == [
        "That session has not started yet: mark who came once it has."
    ]
    assert workspace.views(people.alice)[-1]["callback_id"] != SESSION_ATTENDANCE_VIEW
    assert _attended(session_factory) == []


def test_a_session_of_another_workspace_is_refused(
    planner, people, marking, clock, workspace, session_factory
):
    """A button value naming another workspace's series: "That session no longer exists.", nothing kept."""
    with session_factory() as session, session.begin():
        theirs = make_community(
            session, team_id="T0BETA001", channel_id="C0BETA", created_by="U0BETA", mark_attendance=True
        )
        series_id = make_meetup(
            session,
            theirs,
            title="Theirs",
            starts_at=STARTS,
            repeat=Repeat.WEEKLY,
            timezone="Europe/Paris",
            created_at=clock.now(),
        ).id
    clock.current = AFTER
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, f"{series_id}:2026-03-03")
    assert [r["text"] for r in workspace.responses(people.alice)] == ["That session no longer exists."]
    assert _attended(session_factory) == []


def test_people_outside_the_community_and_forged_ids_are_refused_inline(
    planner, people, marking, clock, session_factory
):
    """dana is not a member; "nonsense" is nobody: each an inline error on the picker, nothing kept."""
    planner.plan(people.alice, "testing", repeat="none")
    clock.current = AFTER
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, f"{planner.series()[0].id}:2026-03-03")
    view = planner.modal(people.alice, SESSION_ATTENDANCE_VIEW)
    refused = _submit(planner, people.alice, view, [people.chen, people.dana])
    assert refused.json == {
        "response_action": "errors",
        "errors": {
            ATTENDED: "Only members of Testing can be marked: remove the people who have not joined it."
        },
    }
    forged = _submit(planner, people.alice, view, ["nonsense"])
    assert forged.json["errors"] == {ATTENDED: "Pick people from the list."}
    assert _attended(session_factory) == []
    assert _marks(session_factory) == []


def test_turning_the_setting_off_before_saving_is_refused_inline(
    planner, people, marking, clock, session_factory
):
    """The modal was opened, then organisers turned marking off: saving says so, nothing kept."""
    planner.plan(people.alice, "testing", repeat="none")
    clock.current = AFTER
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, f"{planner.series()[0].id}:2026-03-03")
    view = planner.modal(people.alice, SESSION_ATTENDANCE_VIEW)
    _mark_attendance(session_factory, marking, on=False)
    refused = _submit(planner, people.alice, view, [people.chen])
    assert refused.json["errors"] == {
        ATTENDED: "Testing does not mark who came to its sessions. Organisers can turn it on in `/cop edit`."
    }
    assert _attended(session_factory) == []


def test_a_french_organiser_marks_who_came_in_french(
    planner, people, design, copbot, workspace, clock, session_factory
):
    """Design is French: the question's button and bruno's modal are in French, dana refused in French."""
    _mark_attendance(session_factory, design)
    question = _question(planner, people, design, copbot, workspace, clock, organiser=people.bruno)
    assert "Noter qui est venu" in texts(question["blocks"])
    ref = dict(buttons(question["blocks"]))[SESSION_ATTENDANCE_BUTTON]
    planner.click(
        people.bruno, SESSION_ATTENDANCE_BUTTON, ref, message={**question, "channel": design.channel}
    )
    view = planner.modal(people.bruno, SESSION_ATTENDANCE_VIEW)
    assert view["title"]["text"] == "Qui est venu"
    refused = _submit(planner, people.bruno, view, [people.dana])
    assert refused.json["errors"] == {
        ATTENDED: "Seuls les membres de Design peuvent être notés : "
        "retirez les personnes qui ne l'ont pas rejoint."
    }
    assert _submit(planner, people.bruno, view, [people.chen]).text == ""
    assert [user for user, _, _ in _attended(session_factory)] == [people.chen]


def test_the_community_form_turns_marking_on(planner, people, testing, session_factory):
    """Off to begin with; ticking "Organisers mark who came" keeps it on, and the form shows it ticked."""
    planner.command(people.alice, "edit testing")
    view = planner.modal(people.alice, EDIT_VIEW)
    [block] = [b for b in view["blocks"] if b.get("block_id") == MARK_ATTENDANCE]
    assert block["label"]["text"] == "Attendance"
    assert "initial_options" not in block["element"]
    assert planner.submit(people.alice, view, **{MARK_ATTENDANCE: [MARK_ATTENDANCE]}).text == ""
    with session_factory() as session:
        assert session.get(Community, testing.id).mark_attendance is True
    planner.command(people.alice, "edit testing")
    again = planner.modal(people.alice, EDIT_VIEW)
    [block] = [b for b in again["blocks"] if b.get("block_id") == MARK_ATTENDANCE]
    assert [o["value"] for o in block["element"]["initial_options"]] == [MARK_ATTENDANCE]
    assert planner.submit(people.alice, again, **{MARK_ATTENDANCE: []}).text == ""
    with session_factory() as session:
        assert session.get(Community, testing.id).mark_attendance is False


def test_the_community_form_says_it_in_french(planner, people, design):
    """bruno's form of Design labels the setting in French."""
    planner.command(people.bruno, "edit design")
    view = planner.modal(people.bruno, EDIT_VIEW)
    [block] = [b for b in view["blocks"] if b.get("block_id") == MARK_ATTENDANCE]
    assert block["label"]["text"] == "Présence"
    assert block["element"]["options"][0]["text"]["text"] == "Les organisateurs notent qui est venu"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_modal_and_the_question_fit_slack(language):
    """The longest title, 1,000 people ticked: both pass Slack's checks, in English and French."""
    tr = translator(language)
    view = OccurrenceView(
        ref="1:2026-03-03",
        title="T" * TITLE_MAX,
        agenda="",
        starts_at=STARTS,
        duration_minutes=60,
        place="",
        timezone="Europe/Paris",
        going=(),
        going_count=0,
        maybe_count=0,
        cant_count=0,
    )
    came = [f"U{n:08d}" for n in range(ATTENDED_MAX)]
    assert check_view(build_attendance_modal(tr, view, came=came, private_metadata="x")) == []
    question = build_takeaway_question(tr, view, mark_attendance=True)
    assert check_message_blocks(question["blocks"]) == []


def test_who_came_is_still_marked_after_the_series_is_cancelled(
    planner, people, marking, copbot, workspace, clock, session_factory
):
    """The series is cancelled just after 3 March's session: its Mark who came still opens and saves."""
    planner.plan(people.alice, "testing")
    ref = f"{planner.series()[0].id}:2026-03-03"
    clock.current = datetime(2026, 3, 3, 10, 5, tzinfo=UTC)
    assert planner.cancel(people.alice, f"{planner.series()[0].id}:2026-03-10", which="series").text == ""
    clock.current = AFTER
    _run_loop(copbot)
    question = next(m for m in workspace.messages(marking.channel) if "take away" in m["text"])
    assert buttons(question["blocks"])[1] == (SESSION_ATTENDANCE_BUTTON, ref)

    message = {**question, "channel": marking.channel}
    planner.click(people.alice, SESSION_ATTENDANCE_BUTTON, ref, message=message)
    view = planner.modal(people.alice, SESSION_ATTENDANCE_VIEW)
    assert _submit(planner, people.alice, view, [people.chen]).text == ""
    assert _attended(session_factory) == [
        (people.chen, STARTS, {"session_id": planner.series()[0].id, "occurrence": ref})
    ]
