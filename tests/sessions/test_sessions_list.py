"""`/cop sessions`: the next five, paging, date tokens with a fallback, who is going, and the buttons."""

from __future__ import annotations

from sessions_support import buttons, texts

from copbot.slack.ids import (
    RSVP_CANT,
    RSVP_GOING,
    RSVP_MAYBE,
    SESSION_CANCEL_BUTTON,
    SESSION_EDIT_BUTTON,
    SESSIONS_MORE,
)


def _refs(body):
    return [value for action, value in buttons(body["blocks"]) if action == RSVP_GOING]


def test_members_see_the_next_five_with_rsvp_buttons(planner, people, testing):
    """chen sees five Tuesdays, each a date token with a Paris fallback, and no organiser buttons."""
    planner.plan(people.alice, "testing")
    series_id = planner.series()[0].id

    body = planner.listing(people.chen, "testing")

    assert body["response_type"] == "ephemeral"
    keys = ["2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24", "2026-03-31"]
    assert _refs(body) == [f"{series_id}:{key}" for key in keys]
    shown = texts(body["blocks"])
    assert (
        "<!date^1772528400^{date_long_pretty} {time}|Tuesday, March 3, 2026 at 10:00\u202fAM (Europe/Paris)>"
        in shown
    )
    # After the clocks go forward on 29 March, 10:00 in Paris is 08:00 UTC.
    assert "<!date^1774944000^" in shown
    assert "1 hour" in shown
    assert "<https://meet.example.com/clinic>" in shown
    actions = {action for action, _ in buttons(body["blocks"])}
    assert actions == {RSVP_GOING, RSVP_MAYBE, RSVP_CANT, SESSIONS_MORE}
    assert ("sessions_more", f"{testing.id}:1") in buttons(body["blocks"])


def test_organisers_also_get_edit_and_cancel(planner, people, testing):
    """alice organises testing: each session has Edit and Cancel."""
    planner.plan(people.alice, "testing")
    actions = [action for action, _ in buttons(planner.listing(people.alice, "testing")["blocks"])]
    assert actions.count(SESSION_EDIT_BUTTON) == 5
    assert actions.count(SESSION_CANCEL_BUTTON) == 5


def test_more_replaces_the_list_with_the_next_page(planner, people, testing):
    """More sessions shows the 6th to 10th Tuesdays in place of the first page."""
    planner.plan(people.alice, "testing")
    more = dict(buttons(planner.listing(people.chen, "testing")["blocks"]))[SESSIONS_MORE]
    planner.click(people.chen, SESSIONS_MORE, more)
    [reply] = planner.ws.responses(people.chen)
    body = reply
    assert body["replace_original"] is True
    series_id = planner.series()[0].id
    assert _refs(body) == [f"{series_id}:2026-04-{day:02d}" for day in (7, 14, 21, 28)] + [
        f"{series_id}:2026-05-05"
    ]


def test_the_list_says_when_nothing_is_planned(planner, people, testing, design):
    """No session: members are told so; organisers are told how to plan one, in their language."""
    assert "No session planned yet." in texts(planner.listing(people.chen, "testing")["blocks"])
    french = texts(planner.listing(people.bruno, "design")["blocks"])
    assert "`/cop session new design`" in french


def test_a_one_off_session_appears_once_and_is_gone_once_started(planner, people, testing, clock):
    """A session that does not repeat is listed until it starts."""
    planner.plan(people.alice, "testing", repeat="none")
    assert len(_refs(planner.listing(people.chen, "testing"))) == 1
    clock.advance(days=1)  # Tuesday 09:00 UTC: it has started
    assert _refs(planner.listing(people.chen, "testing")) == []


def test_unknown_community_is_refused(planner, people, testing):
    """A community that does not exist is named in the answer."""
    body = planner.listing(people.chen, "nope")
    assert body["text"].startswith("There is no community called “nope” here.")


def test_a_french_reader_gets_the_list_in_french(planner, people, design):
    """bruno's list of Design is in French: title, buttons, and the fallback date in French."""
    planner.plan(people.bruno, "design")
    body = planner.listing(people.bruno, "design")
    shown = texts(body["blocks"])
    assert body["text"] == "Prochaines séances de Design"
    assert "mardi 3 mars 2026" in shown
    assert [element["text"]["text"] for element in body["blocks"][4]["elements"]] == [
        "J'y vais",
        "Peut-être",
        "Je ne peux pas",
        "Modifier",
        "Annuler la séance",
    ]
