"""What a member tells copbot about themselves when joining, and the rules it must follow."""

from __future__ import annotations

import re
from dataclasses import dataclass

from copbot.domain.enums import Experience
from copbot.domain.errors import CopbotError, FieldErrors, InvalidInput
from copbot.domain.tags import TAG_MAX, TAGS_MAX, first_too_long, parse_tags
from copbot.domain.text import one_line

# The join form's inputs; the Slack layer uses these as block ids, so errors land beside the right input.
COMMUNITY_FIELD = "community"
EXPERIENCE_FIELD = "experience"
TEAM_FIELD = "team"
INTERESTS_FIELD = "interests"
PAIRING_FIELD = "pairing"

TEAM_MAX = 80
INTERESTS_INPUT_MAX = 200  # room for five long tags with their commas and spaces

_ID = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Profile:
    experience: Experience
    team_name: str
    interests: tuple[str, ...]
    pairing: bool


@dataclass(frozen=True)
class JoinAnswers:
    community_id: int
    profile: Profile


def parse_join(
    *, community: str | None, experience: str | None, team: str | None, interests: str | None, pairing: bool
) -> JoinAnswers:
    """The join form as submitted, validated; FieldErrors names every input that needs fixing."""
    errors: dict[str, CopbotError] = {}
    community_id = _community(community, errors)
    level = _experience(experience, errors)
    team_name = _team(team, errors)
    tags = _interests(interests, errors)
    if errors:
        raise FieldErrors(errors)
    assert community_id is not None
    assert level is not None
    return JoinAnswers(community_id, Profile(level, team_name, tags, pairing=pairing))


def _community(value: str | None, errors: dict[str, CopbotError]) -> int | None:
    if value is None or not _ID.fullmatch(value):
        errors[COMMUNITY_FIELD] = InvalidInput("Choose a community.")
        return None
    return int(value)


def _experience(value: str | None, errors: dict[str, CopbotError]) -> Experience | None:
    try:
        return Experience(value or "")
    except ValueError:
        errors[EXPERIENCE_FIELD] = InvalidInput("Choose your experience level.")
        return None


def _team(value: str | None, errors: dict[str, CopbotError]) -> str:
    team_name = one_line(value)
    if not team_name:
        errors[TEAM_FIELD] = InvalidInput("Tell us your team or department.")
    elif len(team_name) > TEAM_MAX:
        errors[TEAM_FIELD] = InvalidInput(
            "Keep your team or department to {max} characters or fewer.", max=TEAM_MAX
        )
    return team_name


def _interests(value: str | None, errors: dict[str, CopbotError]) -> tuple[str, ...]:
    tags = parse_tags(value)
    too_long = first_too_long(tags)
    if len(tags) > TAGS_MAX:
        errors[INTERESTS_FIELD] = InvalidInput("Give at most {max} interests.", max=TAGS_MAX)
    elif too_long is not None:
        errors[INTERESTS_FIELD] = InvalidInput(
            "Keep each interest to {max} characters or fewer (“{tag}…” is longer).",
            max=TAG_MAX,
            tag=too_long[:TAG_MAX],
        )
    return tags
