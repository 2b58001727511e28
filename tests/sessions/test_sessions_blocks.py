"""The session modal and messages keep within Block Kit limits and say what people need, in both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from copbot.domain.enums import Repeat, RsvpAnswer
from copbot.domain.reminders import DEFAULT_REMINDERS, REMINDERS
from copbot.domain.sessions import validate_session
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks, check_view
from copbot.sandbox.forms import fill
from copbot.services.sessions_view import OccurrenceView, SessionFormValues
from copbot.slack.blocks.common import modal
from copbot.slack.blocks.session_modal import build_session_modal, reminder_offsets_input
from copbot.slack.blocks.sessions import (
    RSVP_ANSWERS,
    build_cancelled_notice,
    build_changed_notice,
    build_moved_notice,
    build_reminder_message,
    build_session_list,
    build_takeaway_question,
    duration_text,
)
from copbot.slack.ids import (
    RSVP_CANT,
    RSVP_GOING,
    RSVP_MAYBE,
    SESSION_CANCEL_BUTTON,
    SESSION_EDIT_BUTTON,
    SESSION_EDIT_VIEW,
    SESSION_NEW_VIEW,
    SESSION_TAKEAWAY_BUTTON,
    SESSIONS_MORE,
)

EN, FR = translator("en"), translator("fr")
TOKEN_EN = (
    "<!date^1774944000^{date_long_pretty} {time}|Tuesday, March 31, 2026 at 10:00\u202fAM (Europe/Paris)>"
)
TOKEN_FR = "<!date^1774944000^{date_long_pretty} {time}|mardi 31 mars 2026 à 10:00 (Europe/Paris)>"


def _view(**changes) -> OccurrenceView:
    fields = {
        "ref": "42:2026-03-31",
        "title": "Exploratory testing clinic",
        "agenda": "",
        "starts_at": datetime(2026, 3, 31, 8, 0, tzinfo=UTC),
        "duration_minutes": 90,
        "place": "Room 4.2",
        "timezone": "Europe/Paris",
    } | changes
    return OccurrenceView(**fields)


def _texts(blocks: list[dict]) -> list[str]:
    """The mrkdwn a reader sees, block by block (sections and context lines)."""
    found = []
    for block in blocks:
        if block["type"] == "section":
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found += [element["text"] for element in block["elements"]]
    return found


def _buttons(blocks: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (element["action_id"], element["value"], element["text"]["text"])
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_blank_modal_is_valid_and_names_the_zone():
    """The plan modal passes Slack's checks in both languages and says which zone its date and time are in."""
    for tr in (EN, FR):
        view = build_session_modal(
            tr, SessionFormValues(), zone="America/New_York", private_metadata="sealed"
        )
        assert check_view(view) == []
        assert (view["callback_id"], view["private_metadata"]) == (SESSION_NEW_VIEW, "sealed")
        assert [b.get("block_id") for b in view["blocks"]] == [
            None, "title", "agenda", "place", "date", "time", "duration", "repeat", "until",
        ]  # fmt: skip
        assert "America/New_York" in view["blocks"][0]["elements"][0]["text"]
        assert view["blocks"][5]["element"]["timezone"] == "America/New_York"
    assert (
        FR.gettext("New session")
        == build_session_modal(FR, SessionFormValues(), zone="UTC", private_metadata="m")["title"]["text"]
    )


def test_edit_modal_is_prefilled():
    """Editing shows the series' values, including a duration the drop-down does not usually offer."""
    values = SessionFormValues(
        title="Clinic",
        agenda="Bugs",
        day=date(2026, 4, 30),
        at=time(18, 30),
        duration_minutes=50,
        place="https://meet.example.com/cop",
        repeat=Repeat.MONTHLY_LAST,
        until=date(2026, 12, 31),
    )
    view = build_session_modal(FR, values, zone="Europe/Paris", private_metadata="m", editing=True)
    assert check_view(view) == []
    assert view["callback_id"] == SESSION_EDIT_VIEW
    answers = fill(view, {})
    assert answers["date"]["date"]["selected_date"] == "2026-04-30"
    assert answers["time"]["time"]["selected_time"] == "18:30"
    assert answers["duration"]["duration"]["selected_option"]["text"]["text"] == "50 minutes"
    assert answers["repeat"]["repeat"]["selected_option"]["value"] == "monthly_last"
    assert answers["until"]["until"]["selected_date"] == "2026-12-31"


def test_what_the_modal_submits_is_what_the_rules_read():
    """A modal filled in as a person would gives values the validator accepts, keyed by the same block ids."""
    view = build_session_modal(EN, SessionFormValues(), zone="Europe/Paris", private_metadata="m")
    state = fill(
        view,
        {"title": "Clinic", "date": "2026-03-31", "time": "10:00", "duration": "90", "repeat": "weekly"},
    )
    values = {block: _answer(next(iter(actions.values()))) for block, actions in state.items()}
    draft = validate_session(values, zone="Europe/Paris", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert (draft.title, draft.starts_at, draft.duration_minutes) == (
        "Clinic",
        datetime(2026, 3, 31, 8, 0, tzinfo=UTC),
        90,
    )


def _answer(value: dict) -> str | None:
    for key in ("value", "selected_date", "selected_time"):
        if key in value:
            return value[key]
    return (value.get("selected_option") or {}).get("value")


def test_reminder_at_its_largest_fits_a_message():
    """The longest title, an agenda escaping grows, a link and 200 people going still make a valid message."""
    view = _view(
        title="<" * 150,
        agenda="&" * 3000,
        place="https://meet.example.com/" + "a" * 230,
        going=tuple(f"U{n:04}" for n in range(200)),
        going_count=200,
        maybe_count=3,
        cant_count=1,
    )
    for tr in (EN, FR):
        message = build_reminder_message(tr, view)
        assert check_message_blocks(message["blocks"]) == []
    texts = _texts(build_reminder_message(EN, view)["blocks"])
    assert texts[1].startswith("*" + "&lt;" * 150 + "*\n")
    assert "".join(texts[2:-1]) == "&amp;" * 3000  # in sections of at most 3,000 characters
    counts, going = texts[-1].split("\n")
    assert counts == "200 going · 3 maybe · 1 can't go"
    assert going.startswith("Going: <@U0000>, <@U0001>, ")
    assert going.endswith("<@U0019> and 180 more")


def test_reminder_says_when_in_each_readers_zone():
    """The time is Slack's date token, with a fallback in the community's zone and language."""
    english = build_reminder_message(EN, _view())
    assert _texts(english["blocks"])[:2] == [
        "Session reminder",
        f"*Exploratory testing clinic*\n{TOKEN_EN} · 1 h 30 min\nRoom 4.2",
    ]
    assert english["text"] == (
        "Reminder: Exploratory testing clinic, Tuesday, March 31, 2026 at 10:00\u202fAM (Europe/Paris)"
    )
    french = build_reminder_message(FR, _view(duration_minutes=60, place=""))
    assert _texts(french["blocks"])[1] == f"*Exploratory testing clinic*\n{TOKEN_FR} · 1 heure"


def test_rsvp_buttons_carry_the_occurrence():
    """Going, Maybe and Can't go each carry the occurrence reference and map to an answer."""
    blocks = build_reminder_message(FR, _view())["blocks"]
    assert _buttons(blocks) == [
        (RSVP_GOING, "42:2026-03-31", "J'y vais"),
        (RSVP_MAYBE, "42:2026-03-31", "Peut-être"),
        (RSVP_CANT, "42:2026-03-31", "Je ne peux pas"),
    ]
    assert RSVP_ANSWERS == {
        RSVP_GOING: RsvpAnswer.YES,
        RSVP_MAYBE: RsvpAnswer.MAYBE,
        RSVP_CANT: RsvpAnswer.NO,
    }


@pytest.mark.parametrize(
    ("place", "shown"),
    [
        ("https://meet.example.com/cop?a=1&b=2", "<https://meet.example.com/cop?a=1&amp;b=2>"),
        ("Room <4> & co", "Room &lt;4&gt; &amp; co"),
        ("mailto:team@example.com", "mailto:team@example.com"),
    ],
)
def test_places_are_links_only_when_they_are_web_links(place, shown):
    """A web link is shown as a link; any other place as escaped text that cannot mention or link."""
    facts = _texts(build_reminder_message(EN, _view(place=place))["blocks"])[1]
    assert facts.split("\n")[-1] == shown


def test_list_for_organisers_and_members():
    """A page of five sessions fits a message; organisers also get Edit and Cancel, and a next-page button."""
    sessions = [
        _view(ref=f"{n}:2026-03-31", agenda="&" * 3000, going=("U1",), going_count=1) for n in range(9)
    ]
    managed = build_session_list(EN, "Testing", sessions, manage=True, slug="testing", more="7:2")
    assert check_message_blocks(managed["blocks"]) == []
    actions = _buttons(managed["blocks"])
    assert [a for a in actions if a[1] == "0:2026-03-31"] == [
        (RSVP_GOING, "0:2026-03-31", "Going"),
        (RSVP_MAYBE, "0:2026-03-31", "Maybe"),
        (RSVP_CANT, "0:2026-03-31", "Can't go"),
        (SESSION_EDIT_BUTTON, "0:2026-03-31", "Edit"),
        (SESSION_CANCEL_BUTTON, "0:2026-03-31", "Cancel session"),
    ]
    assert {a[1] for a in actions} == {f"{n}:2026-03-31" for n in range(5)} | {"7:2"}
    assert actions[-1] == (SESSIONS_MORE, "7:2", "More sessions")
    members = build_session_list(FR, "Testing", sessions[:2], manage=False, slug="testing")
    assert {a[0] for a in _buttons(members["blocks"])} == {RSVP_GOING, RSVP_MAYBE, RSVP_CANT}
    assert members["text"] == "Prochaines séances de Testing"


def test_empty_list():
    """With nothing planned, members are told so and organisers how to plan one."""
    member = build_session_list(EN, "Testing", [], manage=False, slug="testing")
    assert _texts(member["blocks"]) == ["No session planned yet."]
    organiser = build_session_list(FR, "Testing", [], manage=True, slug="testing")
    assert _texts(organiser["blocks"]) == [
        "Aucune séance prévue pour l'instant. Planifiez-en une avec `/cop session new testing`."
    ]


def test_takeaway_and_change_notices():
    """The takeaway button names its occurrence; the change notices name the session and its time."""
    question = build_takeaway_question(FR, _view(title="Clinic <3"))
    assert check_message_blocks(question["blocks"]) == []
    assert question["text"] == "Qu'avez-vous retenu de *Clinic &lt;3* ?"
    assert _buttons(question["blocks"]) == [
        (SESSION_TAKEAWAY_BUTTON, "42:2026-03-31", "Partager ce que vous avez appris")
    ]
    assert build_cancelled_notice(EN, _view(), whole_series=False)["text"] == (
        f"The session *Exploratory testing clinic* ({TOKEN_EN}) is cancelled."
    )
    assert build_cancelled_notice(FR, _view(), whole_series=True)["text"] == (
        "Les séances *Exploratory testing clinic* sont annulées à partir de maintenant."
    )
    moved = build_moved_notice(FR, _view())
    assert check_message_blocks(moved["blocks"]) == []
    assert (
        moved["text"] == f"La séance *Exploratory testing clinic* est déplacée. Nouvelle date : {TOKEN_FR}."
    )


def test_a_cancelled_reminder_says_so_and_has_no_buttons():
    """Drawn again after its session is cancelled, a reminder keeps what it said, says why, offers nothing."""
    english = build_reminder_message(EN, _view(cancelled=True, going=("U1",), going_count=1))
    french = build_reminder_message(FR, _view(cancelled=True))
    for message in (english, french):
        assert check_message_blocks(message["blocks"]) == []
        assert _buttons(message["blocks"]) == []
    assert _texts(english["blocks"])[-1] == "This session is cancelled."
    assert "Going: <@U1>" in "\n".join(_texts(english["blocks"]))
    assert english["text"].startswith("Cancelled: Exploratory testing clinic, Tuesday, March 31, 2026")
    assert _texts(french["blocks"])[-1] == "Cette séance est annulée."
    assert french["text"] == "Annulée : Exploratory testing clinic, mardi 31 mars 2026 à 10:00 (Europe/Paris)"


def test_the_notice_of_dates_an_edit_dropped():
    """It names the series, the first date dropped, and where to see the dates to come, in both languages."""
    english, french = build_changed_notice(EN, _view()), build_changed_notice(FR, _view())
    assert check_message_blocks(english["blocks"]) == []
    assert english["text"] == (
        f"*Exploratory testing clinic* has changed: from {TOKEN_EN}, some sessions no longer take place. "
        "`/cop sessions` lists the ones to come."
    )
    assert french["text"] == (
        "*Exploratory testing clinic* a changé : certaines séances n'ont plus lieu "
        f"(à partir de {TOKEN_FR}). `/cop sessions` donne celles à venir."
    )


@pytest.mark.parametrize(
    ("minutes", "english", "french"),
    [
        (1, "1 minute", "1 minute"),
        (45, "45 minutes", "45 minutes"),
        (60, "1 hour", "1 heure"),
        (90, "1 h 30 min", "1 h 30 min"),
        (720, "12 hours", "12 heures"),
        (1440, "24 hours", "24 heures"),
        (10080, "1 week", "1 semaine"),
    ],
)
def test_durations(minutes, english, french):
    """Durations read as people say them, in whole weeks, hours or minutes when they can."""
    assert (duration_text(EN, minutes), duration_text(FR, minutes)) == (english, french)


def test_reminder_offsets_input():
    """The community form's reminder checkboxes offer six offsets, tick the defaults, and fit a modal."""
    for tr in (EN, FR):
        block = reminder_offsets_input(tr, DEFAULT_REMINDERS)
        assert check_view(modal("Community", [block], submit="Save")) == []
    block = reminder_offsets_input(FR, DEFAULT_REMINDERS)
    assert block["block_id"] == REMINDERS
    assert [o["text"]["text"] for o in block["element"]["options"]] == [
        "15 minutes avant", "1 heure avant", "2 heures avant",
        "24 heures avant", "48 heures avant", "1 semaine avant",
    ]  # fmt: skip
    assert fill(modal("C", [block], submit="S"), {})[REMINDERS][REMINDERS]["selected_options"] == [
        block["element"]["options"][1],
        block["element"]["options"][3],
    ]
