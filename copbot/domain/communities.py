"""A community as its organiser describes it: field limits, short names (slugs), cadences, validation.

The create/edit modal's block ids are the field names below, so a FieldErrors from `validate_draft`
lands inline on the input that caused it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from copbot.domain.enums import PromptCadence
from copbot.domain.errors import CopbotError, FieldErrors, InvalidInput
from copbot.domain.text import N_

NAME = "name"
SLUG = "slug"
PURPOSE = "purpose"
AUDIENCE = "audience"
CHANNEL = "channel"
NEW_CHANNEL = "new_channel"
LANGUAGE = "language"
TIMEZONE = "timezone"
PROMPT_CADENCE = "prompt_cadence"
PROMPT_DAY = "prompt_day"
PROMPT_TIME = "prompt_time"
PAIRING = "pairing"
PAIRING_DAY = "pairing_day"
GROUP_SIZE = "group_size"

NAME_MAX = 60
SLUG_MAX = 40
PURPOSE_MAX = 1000
AUDIENCE_MAX = 500
CHANNEL_NAME_MAX = 80  # Slack's limit on channel names
TIMEZONE_MAX = 64
LANGUAGES = ("en", "fr")
PAIRING_WEEKS = (0, 1, 2, 4)  # 0 = no pairing
GROUP_SIZES = (2, 3)
WEEKDAYS = tuple(range(7))  # 0 = Monday, as datetime.weekday()
PAGE_SIZE = 20  # communities per `/cop list` page: keeps the message under Slack's 50 blocks
PAGE_DIGITS_MAX = 6  # no workspace has a million pages; longer numbers would only be echoed back at length

SLUG_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
CHANNEL_ID_PATTERN = re.compile(r"[CG][A-Z0-9]{2,31}")
CHANNEL_NAME_PATTERN = re.compile(r"[a-z0-9_-]*[a-z0-9][a-z0-9_-]*")
TIME_PATTERN = re.compile(r"\d{2}:\d{2}")

REQUIRED = N_("This field is required.")
TOO_LONG = N_("Use at most {limit} characters.")
NOT_AN_OPTION = N_("Choose one of the options offered.")
BAD_SLUG = N_("Use 2 to 40 lowercase letters, digits and dashes, starting with a letter or a digit.")
NO_SLUG = N_("copbot can't make a short name from this name: please type one (letters, digits, dashes).")
BAD_CHANNEL = N_("Pick a channel from the list.")
BAD_CHANNEL_NAME = N_("Channel names use lowercase letters, digits, dashes and underscores (80 at most).")
ONE_CHANNEL = N_("Choose exactly one: an existing channel, or a name for a new one.")
BAD_TIMEZONE = N_("Unknown time zone. Use a name like Europe/Paris or America/New_York.")
BAD_TIME = N_("Use a time like 10:00.")
BAD_PAGE = N_("Page numbers are whole numbers, like `/cop list 2`.")
NO_SUCH_PAGE = N_("There is no page {page}: pages go from 1 to {pages}.")


@dataclass(frozen=True)
class CommunityDraft:
    """Valid values for a new or edited community; exactly one of `channel_id` and `new_channel` is set."""

    name: str
    slug: str
    purpose: str
    audience: str
    channel_id: str | None
    new_channel: str | None
    language: str
    timezone: str
    prompt_cadence: PromptCadence
    prompt_weekday: int
    prompt_time: time
    pairing_every_weeks: int
    pairing_weekday: int
    group_size: int
    reminder_offsets: tuple[int, ...] | None = None  # minutes before each session; None: as they are


def name_key(name: str) -> str:
    """The name as uniqueness sees it: "Testing Guild", "testing guild" and "TESTING GUILD " are one."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def derive_slug(name: str) -> str:
    """A short name from a display name: ASCII-folded, lowercase, dashes between words, 40 at most."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    dashed = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return dashed[:SLUG_MAX].rstrip("-")


def is_valid_slug(slug: str) -> bool:
    return SLUG_PATTERN.fullmatch(slug) is not None


def validate_draft(values: Mapping[str, str | None]) -> CommunityDraft:
    """The draft, or FieldErrors naming every input that is wrong (all of them at once)."""
    checked: dict[str, Any] = {}
    errors: dict[str, CopbotError] = {}
    for field, check in _CHECKS.items():
        try:
            checked[field] = check(values.get(field))
        except InvalidInput as error:
            errors[field] = error
    _check_slug(checked, errors)
    _check_one_channel(checked, errors)
    if errors:
        raise FieldErrors(errors)
    return _draft(checked)


def page_number(argument: str | None) -> int:
    """The 1-based page a user asked for (`/cop list 2`); 1 when they did not say."""
    if argument is None:
        return 1
    # isdigit() alone also accepts "²", which int() refuses, as it refuses a number of 4300+ digits.
    digits = argument.isascii() and argument.isdigit() and len(argument) <= PAGE_DIGITS_MAX
    if not digits or int(argument) < 1:
        raise InvalidInput(BAD_PAGE)
    return int(argument)


def page_slice(total: int, page: int) -> slice:
    """Which items `page` shows; an empty workspace has one, empty, page."""
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        raise InvalidInput(NO_SUCH_PAGE, page=page, pages=pages)
    return slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)


def _text(limit: int, *, required: bool = True) -> Callable[[str | None], str | None]:
    def check(value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            if required:
                raise InvalidInput(REQUIRED)
            return None
        if len(value) > limit:
            raise InvalidInput(TOO_LONG, limit=limit)
        return value

    return check


def _choice(options: Mapping[str, object]) -> Callable[[str | None], object]:
    def check(value: str | None) -> object:
        if not value:
            raise InvalidInput(REQUIRED)
        if value not in options:
            raise InvalidInput(NOT_AN_OPTION)
        return options[value]

    return check


def _numbers(numbers: tuple[int, ...]) -> Callable[[str | None], object]:
    return _choice({str(number): number for number in numbers})


def _slug(value: str | None) -> str | None:
    slug = _text(SLUG_MAX, required=False)(value)
    if slug is not None and not is_valid_slug(slug.lower()):
        raise InvalidInput(BAD_SLUG)
    return slug.lower() if slug else None


def _channel_id(value: str | None) -> str | None:
    if value and CHANNEL_ID_PATTERN.fullmatch(value) is None:
        raise InvalidInput(BAD_CHANNEL)
    return value or None


def _channel_name(value: str | None) -> str | None:
    """A name for a new channel, written as Slack would normalise it (`#Data Folks` → `data-folks`)."""
    name = _text(CHANNEL_NAME_MAX, required=False)(value)
    if name is None:
        return None
    name = re.sub(r"\s+", "-", name.lstrip("#").lower())
    if CHANNEL_NAME_PATTERN.fullmatch(name) is None:
        raise InvalidInput(BAD_CHANNEL_NAME)
    return name


def _timezone(value: str | None) -> str:
    zone = _text(TIMEZONE_MAX)(value)
    if zone not in _time_zones():
        raise InvalidInput(BAD_TIMEZONE)
    return str(zone)


# In the tz database, but no place's time: the server's own zone, and a placeholder for unset clocks.
NOT_A_PLACE = frozenset({"localtime", "posixrules", "Factory"})


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_A_PLACE


def _clock_time(value: str | None) -> time:
    if not value:
        raise InvalidInput(REQUIRED)
    if TIME_PATTERN.fullmatch(value) is None:
        raise InvalidInput(BAD_TIME)
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise InvalidInput(BAD_TIME) from None


_CHECKS: dict[str, Callable[[str | None], object]] = {
    NAME: _text(NAME_MAX),
    SLUG: _slug,
    PURPOSE: _text(PURPOSE_MAX),
    AUDIENCE: _text(AUDIENCE_MAX),
    CHANNEL: _channel_id,
    NEW_CHANNEL: _channel_name,
    LANGUAGE: _choice({language: language for language in LANGUAGES}),
    TIMEZONE: _timezone,
    PROMPT_CADENCE: _choice({cadence.value: cadence for cadence in PromptCadence}),
    PROMPT_DAY: _numbers(WEEKDAYS),
    PROMPT_TIME: _clock_time,
    PAIRING: _numbers(PAIRING_WEEKS),
    PAIRING_DAY: _numbers(WEEKDAYS),
    GROUP_SIZE: _numbers(GROUP_SIZES),
}


def _check_slug(checked: dict[str, Any], errors: dict[str, CopbotError]) -> None:
    """An empty short name is derived from the name; a name of only symbols gives none."""
    if checked.get(SLUG) is not None or NAME not in checked or SLUG in errors:
        return
    derived = derive_slug(str(checked[NAME]))
    if is_valid_slug(derived):
        checked[SLUG] = derived
    else:
        errors[SLUG] = InvalidInput(NO_SLUG)


def _check_one_channel(checked: dict[str, Any], errors: dict[str, CopbotError]) -> None:
    if CHANNEL in errors or NEW_CHANNEL in errors:
        return
    if (checked[CHANNEL] is None) == (checked[NEW_CHANNEL] is None):
        errors[CHANNEL] = InvalidInput(ONE_CHANNEL)


# Block id → CommunityDraft attribute.
_DRAFT_ATTRIBUTES = {
    NAME: "name",
    SLUG: "slug",
    PURPOSE: "purpose",
    AUDIENCE: "audience",
    CHANNEL: "channel_id",
    NEW_CHANNEL: "new_channel",
    LANGUAGE: "language",
    TIMEZONE: "timezone",
    PROMPT_CADENCE: "prompt_cadence",
    PROMPT_DAY: "prompt_weekday",
    PROMPT_TIME: "prompt_time",
    PAIRING: "pairing_every_weeks",
    PAIRING_DAY: "pairing_weekday",
    GROUP_SIZE: "group_size",
}


def _draft(checked: dict[str, Any]) -> CommunityDraft:
    return CommunityDraft(**{attribute: checked[field] for field, attribute in _DRAFT_ATTRIBUTES.items()})
