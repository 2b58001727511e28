"""How search text is read: folded, split into words without query syntax, and limited in length."""

from __future__ import annotations

import pytest

from copbot.domain.errors import InvalidInput
from copbot.domain.search_text import SEARCH_TEXT_MAX, fold, stem, telling_words, validate_search_text, words
from copbot.i18n import translator


def test_folding_drops_accents_case_and_ligatures():
    """Accented, capital and ligatured letters fold to their plain lower-case forms."""
    assert fold("Équipe CŒUR Straße Ça") == "equipe coeur strasse ca"


def test_words_leave_out_syntax_stop_words_and_single_letters():
    """Only words of two letters or more that are not stop words remain, whatever surrounds them."""
    assert words('"Flaky" NEAR(tests) -a *the* title:x', "en") == ["flaky", "near", "tests", "title"]
    assert words("L'équipe a partagé ses notes partagées", "fr") == ["equipe", "partage", "notes", "partage"]


def test_stems_meet_across_word_forms():
    """Snowball gives the forms of one word one stem, in each language."""
    assert {stem(word, "en") for word in ("tests", "testing", "tested")} == {"test"}
    assert {stem(word, "fr") for word in words("partagé partager partagées", "fr")} == {"partag"}


def test_telling_words_prefer_the_repeated_then_the_long():
    """One word per stem, the most repeated first, then the longest."""
    text = "Flaky tests, flaky builds: the test quarantine helped"
    assert telling_words(text, "en", 3) == ["flaky", "tests", "quarantine"]


def test_search_text_is_put_on_one_line():
    """Spaces and line breaks around and between words collapse, up to the limit exactly."""
    assert validate_search_text("  flaky \n tests ") == "flaky tests"
    assert validate_search_text("x" * SEARCH_TEXT_MAX) == "x" * SEARCH_TEXT_MAX


def test_a_very_long_search_is_refused_with_a_clear_message():
    """5,000 characters of search text is refused, saying the limit and the length, in French too."""
    with pytest.raises(InvalidInput) as raised:
        validate_search_text("flaky " * 833 + "ci")

    error = raised.value
    assert error.params == {"max": SEARCH_TEXT_MAX, "length": 5000}
    assert translator("fr").gettext(error.message, **error.params) == (
        "Merci de chercher avec quelques mots : 200 caractères au maximum (vous en avez saisi 5000)."
    )
