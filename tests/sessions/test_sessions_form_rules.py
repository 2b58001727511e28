"""The session form's rules, without Slack: a valid plan, and every inline error in English and French."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from copbot.domain.enums import Repeat
from copbot.domain.errors import FieldErrors, InvalidInput
from copbot.domain.recurrence import SeriesRule
from copbot.domain.sessions import (
    SKIPPED_TIME,
    OccurrenceRef,
    SessionDraft,
    is_web_link,
    parse_occurrence_ref,
    validate_session,
)
from copbot.i18n import translator
from copbot.slack.errors import INLINE_ERROR_MAX

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # Friday 20 March 2026, 13:00 in Paris
PARIS = "Europe/Paris"
FORM = {
    "title": "Exploratory testing clinic",
    "agenda": "Bring a bug you could not pin down.",
    "date": "2026-03-31",
    "time": "10:00",
    "duration": "90",
    "place": "Room 4.2",
    "repeat": "weekly",
    "until": None,
}


def _errors(zone: str = PARIS, **changes) -> dict[str, InvalidInput]:
    with pytest.raises(FieldErrors) as raised:
        validate_session(FORM | changes, zone=zone, now=NOW)
    return raised.value.errors


def _said(error, language: str) -> str:
    return translator(language).gettext(error.message, **error.params)


def test_valid_plan():
    """A complete form gives the series' rule in the community's zone and the first start in UTC."""
    draft = validate_session(FORM, zone=PARIS, now=NOW)
    assert draft == SessionDraft(
        title="Exploratory testing clinic",
        agenda="Bring a bug you could not pin down.",
        rule=SeriesRule(Repeat.WEEKLY, date(2026, 3, 31), time(10, 0), PARIS),
        starts_at=datetime(2026, 3, 31, 8, 0, tzinfo=UTC),
        duration_minutes=90,
        place="Room 4.2",
    )


def test_text_is_tidied_and_optional_fields_may_be_empty():
    """The title becomes one line, the agenda keeps its lines; agenda, place and end date may be empty."""
    draft = validate_session(
        FORM | {"title": "  Clinic \n #3 ", "agenda": "\n 1. bugs\n2. tools \n"}, zone=PARIS, now=NOW
    )
    assert (draft.title, draft.agenda) == ("Clinic #3", "1. bugs\n2. tools")
    draft = validate_session(FORM | {"agenda": None, "place": "", "until": ""}, zone=PARIS, now=NOW)
    assert (draft.agenda, draft.place, draft.rule.until) == ("", "", None)


def test_end_date_is_kept_for_series_and_dropped_for_one_session():
    """An end date on the first session's day is fine; a session that does not repeat has none."""
    assert validate_session(FORM | {"until": "2026-03-31"}, zone=PARIS, now=NOW).rule.until == date(
        2026, 3, 31
    )
    single = validate_session(FORM | {"repeat": "none", "until": "2026-03-01"}, zone=PARIS, now=NOW)
    assert (single.rule.repeat, single.rule.until) == (Repeat.NONE, None)


def test_limits_are_inclusive():
    """150 characters of title, 3,000 of agenda, 255 of place and 12 hours fit exactly."""
    draft = validate_session(
        FORM | {"title": "t" * 150, "agenda": "a" * 3000, "place": "p" * 255, "duration": "720"},
        zone=PARIS,
        now=NOW,
    )
    assert (len(draft.title), len(draft.agenda), len(draft.place), draft.duration_minutes) == (
        150,
        3000,
        255,
        720,
    )


def test_a_repeated_wall_time_is_the_earlier_one():
    """02:30 on the night clocks go back is accepted and means the first 02:30 (summer time)."""
    draft = validate_session(FORM | {"date": "2026-10-25", "time": "02:30"}, zone=PARIS, now=NOW)
    assert draft.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "field", "english", "french"),
    [
        ({"title": " \n "}, "title", "This field is required.", "Ce champ est obligatoire."),
        ({"title": "t" * 151}, "title", "Use at most 150 characters.", "Utilisez 150 caractères au maximum."),
        (
            {"agenda": "a" * 3001},
            "agenda",
            "Use at most 3000 characters.",
            "Utilisez 3000 caractères au maximum.",
        ),
        ({"date": None}, "date", "This field is required.", "Ce champ est obligatoire."),
        (
            {"date": "31/03/2026"},
            "date",
            "Use a date like 2026-03-31.",
            "Indiquez une date au format 2026-03-31.",
        ),
        (
            {"date": "2026-02-30"},
            "date",
            "Use a date like 2026-03-31.",
            "Indiquez une date au format 2026-03-31.",
        ),
        ({"time": ""}, "time", "This field is required.", "Ce champ est obligatoire."),
        ({"time": "9h30"}, "time", "Use a time like 10:00.", "Indiquez une heure au format 10:00."),
        ({"time": "25:00"}, "time", "Use a time like 10:00.", "Indiquez une heure au format 10:00."),
        (
            {"date": "2026-03-19"},
            "date",
            "This start is in the past: choose a later date or time.",
            "Cette date de début est déjà passée : choisissez une date ou une heure plus tardive.",
        ),
        (
            {"date": "2026-03-20", "time": "13:00"},  # 13:00 in Paris is NOW: not in the future
            "time",
            "This start is in the past: choose a later date or time.",
            "Cette date de début est déjà passée : choisissez une date ou une heure plus tardive.",
        ),
        (
            {"date": "2026-03-29", "time": "02:30"},
            "time",
            (  # babel writes a narrow no-break space before AM
                "2:30\u202fAM does not exist on March 29, 2026 in Europe/Paris (clocks go forward); "
                "the next valid time is 3:00\u202fAM."
            ),
            (
                "02:30 n'existe pas le 29 mars 2026 dans le fuseau Europe/Paris (passage à l'heure d'été) ; "
                "heure valable suivante : 03:00."
            ),
        ),
        ({"duration": None}, "duration", "This field is required.", "Ce champ est obligatoire."),
        (
            {"duration": "0"},
            "duration",
            "A session needs a duration: choose one.",
            "Une séance a besoin d'une durée : choisissez-en une.",
        ),
        (
            {"duration": "721"},
            "duration",
            "A session can last at most 12 hours.",
            "Une séance dure 12 heures au maximum.",
        ),
        (
            {"duration": "-5"},
            "duration",
            "Choose one of the options offered.",
            "Choisissez l'une des options proposées.",
        ),
        (
            {"duration": "9" * 5000},
            "duration",
            "Choose one of the options offered.",
            "Choisissez l'une des options proposées.",
        ),
        ({"place": "p" * 256}, "place", "Use at most 255 characters.", "Utilisez 255 caractères au maximum."),
        (
            {"place": "javascript:alert(1)"},
            "place",
            "Links must start with http:// or https://. A place is fine too, like Room 4.2.",
            "Les liens doivent commencer par http:// ou https://. Un lieu convient aussi, comme Salle 4.2.",
        ),
        ({"repeat": ""}, "repeat", "This field is required.", "Ce champ est obligatoire."),
        (
            {"repeat": "daily"},
            "repeat",
            "Choose one of the options offered.",
            "Choisissez l'une des options proposées.",
        ),
        (
            {"date": "2026-04-30", "repeat": "monthly_nth"},  # the 5th Thursday of April
            "repeat",
            "Not every month has a 5th Thursday: choose “Monthly on the last weekday” instead.",
            "Tous les mois n'ont pas de 5e jeudi : choisissez plutôt « Chaque mois, le dernier ».",
        ),
        (
            {"date": "2026-04-23", "repeat": "monthly_last"},
            "repeat",
            "April 23, 2026 is not the last Thursday of its month: April 30, 2026 is.",
            "Le 23 avril 2026 n'est pas le dernier jeudi du mois : c'est le 30 avril 2026.",
        ),
        (
            {"until": "2026-03-30"},
            "until",
            "The end date can't be before the first session, March 31, 2026.",
            "La date de fin ne peut pas précéder la première séance, le 31 mars 2026.",
        ),
        (
            {"until": "soon"},
            "until",
            "Use a date like 2026-03-31.",
            "Indiquez une date au format 2026-03-31.",
        ),
    ],
)
def test_each_error_in_english_and_french(changes, field, english, french):
    """Each bad input is reported on its own field, in words that fit an inline error, in both languages."""
    errors = _errors(**changes)
    assert list(errors) == [field]
    assert (_said(errors[field], "en"), _said(errors[field], "fr")) == (english, french)
    assert max(len(english), len(french)) <= INLINE_ERROR_MAX


def test_skipped_time_in_new_york():
    """02:15 on the second Sunday of March 2026 does not exist in New York; 03:00 is offered instead."""
    errors = _errors(zone="America/New_York", date="2026-03-08", time="02:15")
    assert _said(errors["time"], "en") == (
        "2:15\u202fAM does not exist on March 8, 2026 in America/New_York (clocks go forward); "
        "the next valid time is 3:00\u202fAM."
    )


def test_skipped_time_message_fits_with_long_names():
    """With the longest month name and a long zone name, the gap message still fits an inline error."""
    params = {
        "time": time(2, 30),
        "day": date(2026, 9, 30),
        "zone": "America/Argentina/ComodRivadavia",
        "valid": time(3, 0),
    }
    for language in ("en", "fr"):
        assert len(translator(language).gettext(SKIPPED_TIME, **params)) <= INLINE_ERROR_MAX


def test_every_wrong_field_is_reported_at_once():
    """Several bad inputs give one error each, on their own fields."""
    errors = _errors(title="", duration="0", place="ftp://files.example.com", until="2026-01-01")
    assert sorted(errors) == ["duration", "place", "title", "until"]


def test_a_wrong_field_is_not_also_blamed_on_another():
    """When the time is malformed, the date is not also called past; a bad end date is not compared."""
    assert sorted(_errors(date="2026-03-19", time="noon")) == ["date", "time"]
    assert sorted(_errors(until="2026-13-01")) == ["until"]


@pytest.mark.parametrize(
    "place",
    ["Room 4.2", "Salle : 4.2", "localhost:8080", "12:30 café", "https://meet.example.com/abc?x=1&y=2"],
)
def test_places_and_web_links_are_accepted(place):
    """Room names (with colons and digits too) and http(s) links are fine places."""
    assert validate_session(FORM | {"place": place}, zone=PARIS, now=NOW).place == place


@pytest.mark.parametrize(
    ("place", "link"),
    [
        ("https://meet.example.com/abc", True),
        ("HTTP://example.com", True),
        ("https://", False),
        ("https://example.com/a|b", False),
        ("https://example.com/<!here>", False),
        ("mailto:team@example.com", False),
        ("zoommtg:join?confno=1", False),
        ("Room 4.2", False),
    ],
)
def test_web_links(place, link):
    """Only http(s) links with a host and plain URL characters are shown as links."""
    assert is_web_link(place) is link


def test_occurrence_refs_round_trip():
    """A button's value names a series and an occurrence key, and reads back the same."""
    ref = parse_occurrence_ref("42:2026-03-31")
    assert ref == OccurrenceRef(42, "2026-03-31")
    assert str(ref) == "42:2026-03-31"


@pytest.mark.parametrize(
    "value", [None, "", "42", "x:2026-03-31", "0:2026-03-31", "42:2026-3-31", "1234567890123:2026-03-31"]
)
def test_forged_occurrence_refs_are_refused(value):
    """Values no copbot button carries are refused with a plain message."""
    with pytest.raises(InvalidInput) as raised:
        parse_occurrence_ref(value)
    assert _said(raised.value, "fr") == "Cette séance n'existe plus."
