"""The join form's rules, without Slack: what a profile may hold, and how interests are tidied."""

from __future__ import annotations

import pytest

from copbot.domain.enums import Experience
from copbot.domain.errors import FieldErrors
from copbot.domain.membership import parse_join
from copbot.domain.tags import parse_tags

GOOD = {"community": "7", "experience": "practising", "team": "Quality", "interests": None, "pairing": True}


def _errors(**changes) -> dict[str, str]:
    with pytest.raises(FieldErrors) as caught:
        parse_join(**{**GOOD, **changes})
    return {field: error.message for field, error in caught.value.errors.items()}


def test_a_complete_form_gives_the_profile():
    """Valid answers come back typed: the community id, the experience level, the team, the flag."""
    answers = parse_join(**{**GOOD, "team": "  Platform   Team ", "interests": "CI, Flaky Tests"})
    assert answers.community_id == 7
    assert answers.profile.experience is Experience.PRACTISING
    assert answers.profile.team_name == "Platform Team"
    assert answers.profile.interests == ("ci", "flaky-tests")
    assert answers.profile.pairing is True


def test_interests_are_trimmed_lowercased_and_deduplicated():
    """Tags keep their order; blanks, case and repeats are tidied away."""
    assert parse_tags(" TDD ,, tdd, Pairing  Sessions,  ,pairing sessions ") == (
        "tdd",
        "pairing-sessions",
    )
    assert parse_tags(None) == ()
    assert parse_tags("") == ()


def test_an_empty_team_is_refused():
    """The team or department is required; spaces alone do not count."""
    assert _errors(team="   ") == {"team": "Tell us your team or department."}
    assert _errors(team=None) == {"team": "Tell us your team or department."}


def test_a_team_over_80_characters_is_refused():
    """81 characters is one too many; 80 is fine."""
    assert parse_join(**{**GOOD, "team": "x" * 80}).profile.team_name == "x" * 80
    assert _errors(team="x" * 81) == {"team": "Keep your team or department to {max} characters or fewer."}


def test_more_than_five_interests_are_refused():
    """Five distinct tags are fine, six are not (repeats do not count twice)."""
    assert len(parse_join(**{**GOOD, "interests": "a, b, c, d, e, a, A"}).profile.interests) == 5
    assert _errors(interests="a, b, c, d, e, f") == {"interests": "Give at most {max} interests."}


def test_an_interest_over_30_characters_is_refused():
    """Each tag holds 30 characters at most; the message quotes the start of the long one."""
    with pytest.raises(FieldErrors) as caught:
        parse_join(**{**GOOD, "interests": "ok, " + "y" * 31})
    error = caught.value.errors["interests"]
    assert error.params == {"max": 30, "tag": "y" * 30}


def test_every_wrong_field_is_reported_at_once():
    """A missing community, a missing experience level and an empty team are all named together."""
    assert set(_errors(community=None, experience=None, team="")) == {"community", "experience", "team"}


@pytest.mark.parametrize("community", ["", "abc", "-1", "1.5", "²", "9" * 19])
def test_a_malformed_community_choice_is_refused(community):
    """Only a plain decimal id is a community choice."""
    assert _errors(community=community) == {"community": "Choose a community."}


def test_an_unknown_experience_level_is_refused():
    """Only the three offered levels are accepted."""
    assert _errors(experience="guru") == {"experience": "Choose your experience level."}
