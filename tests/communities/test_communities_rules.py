"""The community draft's rules, without Slack: short names, limits, cadences, one channel, pages."""

from __future__ import annotations

from datetime import time

import pytest

from copbot.config import SUPPORTED_LANGUAGES
from copbot.domain.communities import (
    LANGUAGES,
    PAGE_SIZE,
    derive_slug,
    page_number,
    page_slice,
    validate_draft,
)
from copbot.domain.enums import PromptCadence
from copbot.domain.errors import FieldErrors, InvalidInput

FORM = {
    "name": "Testing",
    "purpose": "Get better at testing",
    "audience": "Testers",
    "new_channel": "cop-testing",
    "language": "en",
    "timezone": "Europe/Paris",
    "prompt_cadence": "fortnightly",
    "prompt_day": "2",
    "prompt_time": "09:15",
    "pairing": "4",
    "pairing_day": "6",
    "group_size": "3",
}


def _errors(**changes) -> dict[str, str]:
    with pytest.raises(FieldErrors) as raised:
        validate_draft({**FORM, **changes})
    return {field: error.message.format(**error.params) for field, error in raised.value.errors.items()}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Data Folks", "data-folks"),
        ("Équipe Qualité !", "equipe-qualite"),
        ("  --Ops & SRE--  ", "ops-sre"),
        ("A" * 39 + " b", "a" * 39),
        ("日本語", ""),
    ],
)
def test_derive_slug(name, slug):
    """Short names are ASCII-folded, lowercase, dashed, at most 40 characters, never ending in a dash."""
    assert derive_slug(name) == slug


def test_valid_draft():
    """A complete form gives a draft with typed values and a short name made from the name."""
    draft = validate_draft(FORM)
    assert (draft.slug, draft.channel_id, draft.new_channel) == ("testing", None, "cop-testing")
    assert (draft.prompt_cadence, draft.prompt_weekday, draft.prompt_time) == (
        PromptCadence.FORTNIGHTLY,
        2,
        time(9, 15),
    )
    assert (draft.pairing_every_weeks, draft.pairing_weekday, draft.group_size) == (4, 6, 3)


def test_text_is_trimmed_and_channel_names_normalised():
    """Surrounding spaces go; a new channel name is written the way Slack writes channel names."""
    draft = validate_draft({**FORM, "name": "  Testing  ", "new_channel": "#Data Folks", "slug": " QA "})
    assert (draft.name, draft.new_channel, draft.slug) == ("Testing", "data-folks", "qa")


def test_limits_are_inclusive():
    """Exactly the limit is fine; one more character is not."""
    validate_draft({**FORM, "name": "n" * 60, "purpose": "p" * 1000, "audience": "a" * 500, "slug": "s" * 40})
    assert _errors(name="n" * 61) == {"name": f"Use at most {60} characters."}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"slug": "-starts-with-dash"}, "slug", "Use 2 to 40 lowercase"),
        ({"slug": "a"}, "slug", "Use 2 to 40 lowercase"),
        ({"slug": "no spaces"}, "slug", "Use 2 to 40 lowercase"),
        ({"name": "!!!"}, "slug", "copbot can't make a short name"),
        ({"new_channel": "---"}, "new_channel", "Channel names use"),
        ({"new_channel": "é"}, "new_channel", "Channel names use"),
        ({"new_channel": None}, "channel", "Choose exactly one"),
        ({"channel": "C0123ABC"}, "channel", "Choose exactly one"),
        ({"channel": "D0123ABC", "new_channel": None}, "channel", "Pick a channel from the list."),
        ({"timezone": "Europe"}, "timezone", "Unknown time zone."),
        ({"timezone": "../../etc/passwd"}, "timezone", "Unknown time zone."),
        ({"timezone": "utc"}, "timezone", "Unknown time zone."),
        ({"timezone": "localtime"}, "timezone", "Unknown time zone."),
        ({"timezone": "Factory"}, "timezone", "Unknown time zone."),
        ({"prompt_time": "9:15"}, "prompt_time", "Use a time like 10:00."),
        ({"prompt_time": "24:00"}, "prompt_time", "Use a time like 10:00."),
        ({"prompt_day": "7"}, "prompt_day", "Choose one of the options offered."),
        ({"pairing": "3"}, "pairing", "Choose one of the options offered."),
        ({"group_size": "4"}, "group_size", "Choose one of the options offered."),
        ({"prompt_cadence": "daily"}, "prompt_cadence", "Choose one of the options offered."),
        ({"language": "de"}, "language", "Choose one of the options offered."),
        ({"language": None}, "language", "This field is required."),
        ({"purpose": " \n "}, "purpose", "This field is required."),
    ],
)
def test_each_bad_value_is_named(changes, field, message):
    """Each bad value is reported on its own input with a message that says what to do."""
    errors = _errors(**changes)
    assert list(errors) == [field]
    assert errors[field].startswith(message)


def test_existing_channel_alone_is_fine():
    """An existing channel without a new name is the other valid choice."""
    draft = validate_draft({**FORM, "new_channel": "", "channel": "C0123ABC"})
    assert (draft.channel_id, draft.new_channel) == ("C0123ABC", None)


def test_languages_match_the_settings():
    """The languages a community may use are exactly the ones copbot has catalogs for."""
    assert LANGUAGES == SUPPORTED_LANGUAGES


@pytest.mark.parametrize(("argument", "page"), [(None, 1), ("1", 1), ("12", 12), ("999999", 999999)])
def test_page_number(argument, page):
    """No argument is page 1; otherwise the number given."""
    assert page_number(argument) == page


@pytest.mark.parametrize("argument", ["0", "-2", "two", "1.5", "", "²", "1234567", "1" * 4400])
def test_bad_page_number(argument):
    """Anything but a positive whole number of at most six ASCII digits is refused, never crashing."""
    with pytest.raises(InvalidInput):
        page_number(argument)


def test_page_slices():
    """Pages hold PAGE_SIZE items; an empty list has one empty page; a page past the end is refused."""
    assert page_slice(0, 1) == slice(0, PAGE_SIZE)
    assert page_slice(PAGE_SIZE + 1, 2) == slice(PAGE_SIZE, 2 * PAGE_SIZE)
    with pytest.raises(InvalidInput) as raised:
        page_slice(PAGE_SIZE, 2)
    assert raised.value.params == {"page": 2, "pages": 1}
