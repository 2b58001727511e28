"""A session as its organiser plans it: the form's rules, applied to the raw strings a Slack modal submits.

The session modal's block ids are the field names below, so a FieldErrors from `validate_session` lands
inline on the input that caused it. Date and time are typed in the community's zone; the first session must
be in the future and at a time that exists on its date (not in the spring-forward gap).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from copbot.domain.communities import BAD_TIME, NOT_AN_OPTION, REQUIRED, TIME_PATTERN, TOO_LONG
from copbot.domain.enums import Repeat
from copbot.domain.errors import CopbotError, FieldErrors, InvalidInput
from copbot.domain.recurrence import NTH_MAX, SeriesRule, is_last_of_month, last_of_month, nth_of_month
from copbot.domain.text import N_, one_line
from copbot.domain.wallclock import local_day, next_valid, to_utc

TITLE = "title"
AGENDA = "agenda"
DATE = "date"
TIME = "time"
DURATION = "duration"
PLACE = "place"
REPEAT = "repeat"
UNTIL = "until"

TITLE_MAX = 150  # the sessions.title column
AGENDA_MAX = 3000  # Slack's plain_text_input limit
PLACE_MAX = 255  # the sessions.location column
DURATION_MAX = 12 * 60
DURATION_CHOICES = (15, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720)  # minutes, as the modal offers them
DURATION_DIGITS_MAX = 5  # longer numbers are nonsense, and int() of thousands of digits is slow

DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
# A place written as `scheme:rest` with no space is a link (javascript:…, zoommtg:…); "Room 4.2" and
# "12:30" are not. A colon followed by a digit is a port or a time ("localhost:8080"), not a scheme.
LINK_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)\S*")
# Characters a URL may hold (RFC 3986): none of them can break out of a Slack <link>.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
WEB_SCHEMES = ("http", "https")
# "<series id>:<occurrence key>", what buttons carry to name one session of a series.
REF_PATTERN = re.compile(r"([1-9]\d{0,11}):(\d{4}-\d{2}-\d{2})")

BAD_DATE = N_("Use a date like 2026-03-31.")
IN_THE_PAST = N_("This start is in the past: choose a later date or time.")
SKIPPED_TIME = N_(
    "{time} does not exist on {day} in {zone} (clocks go forward); the next valid time is {valid}."
)
NO_DURATION = N_("A session needs a duration: choose one.")
TOO_LONG_SESSION = N_("A session can last at most {hours} hours.")
NOT_A_WEB_LINK = N_("Links must start with http:// or https://. A place is fine too, like Room 4.2.")
UNTIL_BEFORE_START = N_("The end date can't be before the first session, {day}.")
FIFTH_WEEKDAY = N_("Not every month has a 5th {day:EEEE}: choose “Monthly on the last weekday” instead.")
NOT_LAST_WEEKDAY = N_("{day} is not the last {day:EEEE} of its month: {last} is.")
UNKNOWN_SESSION = N_("That session no longer exists.")


@dataclass(frozen=True)
class SessionDraft:
    """Valid values for a new or edited series; `starts_at` is the first session's start, in UTC."""

    title: str
    agenda: str
    rule: SeriesRule
    starts_at: datetime
    duration_minutes: int
    place: str


@dataclass(frozen=True)
class OccurrenceRef:
    """One session of a series, as a button's value names it: `str(ref)` is that value."""

    series_id: int
    key: str

    def __str__(self) -> str:
        return f"{self.series_id}:{self.key}"


def parse_occurrence_ref(value: str | None) -> OccurrenceRef:
    """The session a button names; a malformed value (forged or from an older copbot) is refused.

    Whether the series exists in the caller's workspace and community, and gives that date, is the
    service's to check (`recurrence.occurrence`).
    """
    found = REF_PATTERN.fullmatch(value or "")
    if found is None:
        raise InvalidInput(UNKNOWN_SESSION)
    return OccurrenceRef(int(found[1]), found[2])


def validate_session(values: Mapping[str, str | None], *, zone: str, now: datetime) -> SessionDraft:
    """The draft, or FieldErrors naming every input that is wrong (all at once). `zone` is the community's."""
    checked: dict[str, Any] = {}
    errors: dict[str, CopbotError] = {}
    for field, check in _CHECKS.items():
        try:
            checked[field] = check(values.get(field))
        except InvalidInput as error:
            errors[field] = error
    if DATE in checked:
        errors = _when_problems(checked, zone, now) | errors
    if errors:
        raise FieldErrors(errors)
    return _draft(checked, zone)


def validate_series_change(
    values: Mapping[str, str | None], *, first_day: date
) -> tuple[Repeat, date | None]:
    """An edited series' repeat and end date, checked against its first date (which an edit keeps)."""
    errors: dict[str, CopbotError] = {}
    checked: dict[str, Any] = {}
    for field in (REPEAT, UNTIL):
        try:
            checked[field] = _CHECKS[field](values.get(field))
        except InvalidInput as error:
            errors[field] = error
    if REPEAT in checked:
        errors = _repeat_problem(first_day, checked[REPEAT]) | errors
    until = checked.get(UNTIL)
    if checked.get(REPEAT) not in {None, Repeat.NONE} and until is not None and until < first_day:
        errors[UNTIL] = InvalidInput(UNTIL_BEFORE_START, day=first_day)
    if errors:
        raise FieldErrors(errors)
    repeat: Repeat = checked[REPEAT]
    return repeat, None if repeat is Repeat.NONE else until


def is_web_link(place: str) -> bool:
    """Whether a place is an http(s) link copbot may show as one: a host, and only URL characters."""
    parts = urlsplit(place)
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc) and _url_characters(place)


def _url_characters(text: str) -> bool:
    return URL_CHARACTERS.fullmatch(text) is not None


def _title(value: str | None) -> str:
    title = one_line(value)
    if not title:
        raise InvalidInput(REQUIRED)
    if len(title) > TITLE_MAX:
        raise InvalidInput(TOO_LONG, limit=TITLE_MAX)
    return title


def _agenda(value: str | None) -> str:
    agenda = (value or "").strip()
    if len(agenda) > AGENDA_MAX:
        raise InvalidInput(TOO_LONG, limit=AGENDA_MAX)
    return agenda


def _day(value: str | None) -> date:
    if not value:
        raise InvalidInput(REQUIRED)
    return _some_day(value)


def _until(value: str | None) -> date | None:
    return _some_day(value) if value else None


def _some_day(value: str) -> date:
    if DATE_PATTERN.fullmatch(value) is None:
        raise InvalidInput(BAD_DATE)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(BAD_DATE) from None


def _wall_time(value: str | None) -> time:
    if not value:
        raise InvalidInput(REQUIRED)
    if TIME_PATTERN.fullmatch(value) is None:
        raise InvalidInput(BAD_TIME)
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise InvalidInput(BAD_TIME) from None


def _duration(value: str | None) -> int:
    if not value:
        raise InvalidInput(REQUIRED)
    if not (value.isascii() and value.isdigit() and len(value) <= DURATION_DIGITS_MAX):
        raise InvalidInput(NOT_AN_OPTION)
    minutes = int(value)
    if minutes == 0:
        raise InvalidInput(NO_DURATION)
    if minutes > DURATION_MAX:
        raise InvalidInput(TOO_LONG_SESSION, hours=DURATION_MAX // 60)
    return minutes


def _place(value: str | None) -> str:
    place = one_line(value)
    if len(place) > PLACE_MAX:
        raise InvalidInput(TOO_LONG, limit=PLACE_MAX)
    if LINK_PATTERN.fullmatch(place) is not None and not is_web_link(place):
        raise InvalidInput(NOT_A_WEB_LINK)
    return place


def _repeat(value: str | None) -> Repeat:
    if not value:
        raise InvalidInput(REQUIRED)
    if value not in {repeat.value for repeat in Repeat}:
        raise InvalidInput(NOT_AN_OPTION)
    return Repeat(value)


_CHECKS: dict[str, Callable[[str | None], object]] = {
    TITLE: _title,
    AGENDA: _agenda,
    DATE: _day,
    TIME: _wall_time,
    DURATION: _duration,
    PLACE: _place,
    REPEAT: _repeat,
    UNTIL: _until,
}


def _when_problems(checked: dict[str, Any], zone: str, now: datetime) -> dict[str, CopbotError]:
    """What is wrong with when the series happens, once its first date is known."""
    day: date = checked[DATE]
    if TIME in checked:
        problems = _start_problem(day, checked[TIME], zone, now)
    else:  # a day before today is past whatever the time
        problems = {DATE: InvalidInput(IN_THE_PAST)} if day < local_day(now, zone) else {}
    repeat = checked.get(REPEAT)
    if repeat is not None:
        problems |= _repeat_problem(day, repeat)
    until = checked.get(UNTIL)
    if repeat not in {None, Repeat.NONE} and until is not None and until < day:
        problems[UNTIL] = InvalidInput(UNTIL_BEFORE_START, day=day)
    return problems


def _start_problem(day: date, at: time, zone: str, now: datetime) -> dict[str, CopbotError]:
    valid = next_valid(day, at, zone)
    if valid is not None:
        return {TIME: InvalidInput(SKIPPED_TIME, time=at, day=day, zone=zone, valid=valid.time())}
    if to_utc(day, at, zone) > now:
        return {}
    return {DATE if day < local_day(now, zone) else TIME: InvalidInput(IN_THE_PAST)}


def _repeat_problem(day: date, repeat: Repeat) -> dict[str, CopbotError]:
    if repeat is Repeat.MONTHLY_NTH and nth_of_month(day) > NTH_MAX:
        return {REPEAT: InvalidInput(FIFTH_WEEKDAY, day=day)}
    if repeat is Repeat.MONTHLY_LAST and not is_last_of_month(day):
        last = last_of_month(day.year, day.month, day.weekday())
        return {REPEAT: InvalidInput(NOT_LAST_WEEKDAY, day=day, last=last)}
    return {}


def _draft(checked: dict[str, Any], zone: str) -> SessionDraft:
    repeat: Repeat = checked[REPEAT]
    until = None if repeat is Repeat.NONE else checked[UNTIL]
    rule = SeriesRule(repeat, checked[DATE], checked[TIME], zone, until)
    return SessionDraft(
        title=checked[TITLE],
        agenda=checked[AGENDA],
        rule=rule,
        starts_at=to_utc(rule.first_day, rule.at, zone),
        duration_minutes=checked[DURATION],
        place=checked[PLACE],
    )
