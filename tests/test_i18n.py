"""Translated messages write the dates and wall times they carry the reader's way."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from babel.support import NullTranslations

from copbot.i18n import Translator


def test_dates_and_times_are_written_in_the_language():
    """A date is written long, a time short, each as the language writes them."""
    for language, expected in (("en", "March 29, 2026 at 2:30\u202fPM"), ("fr", "29 mars 2026 at 14:30")):
        tr = Translator(language, NullTranslations())
        assert tr.gettext("{day} at {at}", day=date(2026, 3, 29), at=time(14, 30)) == expected


def test_a_pattern_chooses_the_form():
    """`{day:EEEE}` writes the weekday alone, so a message can name it."""
    tr = Translator("fr", NullTranslations())
    assert tr.gettext("le dernier {day:EEEE} du mois", day=date(2026, 4, 30)) == "le dernier jeudi du mois"


def test_instants_and_other_values_are_left_alone():
    """An instant needs a zone to be written, so it stays as given; numbers and texts too."""
    tr = Translator("en", NullTranslations())
    moment = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert tr.ngettext(
        "{count} {what} at {moment}", "{count} {what}s at {moment}", 2, what="slot", moment=moment
    ) == ("2 slots at 2026-03-29 01:00:00+00:00")
