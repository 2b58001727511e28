"""The rules a story must meet before it is kept: a title, the story itself, and a few short tags."""

from __future__ import annotations

import pytest

from copbot.domain.errors import FieldErrors
from copbot.domain.stories import StoryDraft, validate_story
from copbot.domain.tags import parse_tags


def _problems(
    title: str | None, body: str | None, tags: str | None
) -> dict[str, tuple[str, dict[str, object]]]:
    with pytest.raises(FieldErrors) as raised:
        validate_story(title, body, tags)
    return {field: (error.message, error.params) for field, error in raised.value.errors.items()}


def test_a_good_story_is_cleaned_up():
    """Surrounding space goes, the title becomes one line, the story keeps its own line breaks."""
    draft = validate_story("  Pairing \n on  CI ", "\n Line one\nLine two \n", "")
    assert draft == StoryDraft(title="Pairing on CI", body="Line one\nLine two", tags=())


@pytest.mark.parametrize(
    ("typed", "tags"),
    [
        (None, ()),
        ("", ()),
        (" , ,", ()),
        ("CI, #Flaky  Tests,ci", ("ci", "flaky-tests")),
        ("  ## exploratory ", ("exploratory",)),
        ("Écoute, écoute", ("écoute",)),
    ],
)
def test_tags_are_normalised(typed, tags):
    """Tags are lower-cased, lose a leading #, join inner words with hyphens, and appear once."""
    assert parse_tags(typed) == tags


def test_missing_title_and_story_are_both_reported():
    """Empty (or blank) title and story are each reported against their own input."""
    assert _problems(" ", None, None) == {
        "title": ("Please give your story a title.", {}),
        "story": ("Please write your story.", {}),
    }


def test_limits_are_exact():
    """150 characters of title and 3000 of story fit; one more does not."""
    assert validate_story("t" * 150, "s" * 3000, None).title == "t" * 150
    assert _problems("t" * 151, "s" * 3001, None) == {
        "title": (
            "The title can be at most {max} characters (this one has {length}).",
            {"max": 150, "length": 151},
        ),
        "story": (
            "The story can be at most {max} characters (this one has {length}).",
            {"max": 3000, "length": 3001},
        ),
    }


def test_five_tags_fit_and_six_do_not():
    """Five distinct tags are fine; a sixth is refused, counting after duplicates are merged."""
    assert len(validate_story("t", "s", "a,b,c,d,e,A,#b").tags) == 5
    assert _problems("t", "s", "a,b,c,d,e,f") == {
        "tags": ("Please use at most {max} tags (you gave {count}).", {"max": 5, "count": 6})
    }


def test_a_tag_of_thirty_characters_fits_and_thirty_one_does_not():
    """A tag may be 30 characters long; the first longer one is named, cut to 30."""
    assert validate_story("t", "s", "x" * 30).tags == ("x" * 30,)
    assert _problems("t", "s", "ok, " + "y" * 31) == {
        "tags": ("A tag can be at most {max} characters: “{tag}…” is longer.", {"max": 30, "tag": "y" * 30})
    }
