"""What the communities feature reads from Slack: the community form, edit metadata, organisers' args."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from copbot.domain.attendance import MARK_ATTENDANCE
from copbot.domain.communities import NOT_AN_OPTION
from copbot.domain.errors import CopbotError, FieldErrors, InvalidInput, NotAllowed, NotFound
from copbot.domain.reminders import REMINDERS
from copbot.domain.text import N_
from copbot.slack.metadata import MetadataSeal

ORGANISERS_USAGE = N_(
    "To change organisers: `/cop organisers add @someone [community]` "
    "or `/cop organisers remove @someone [community]`."
)
TAMPERED = "This form was changed after copbot opened it. Please start again."
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
# Where each kind of input keeps its answer in `state.values`.
ANSWER_KEYS = ("value", "selected_conversation", "selected_time", "selected_option")


class CommunityForm(BaseModel):
    """The create/edit modal's answers by block id, as typed (the domain validates them)."""

    model_config = ConfigDict(extra="ignore", frozen=True, strict=True)

    name: str | None = None
    slug: str | None = None
    purpose: str | None = None
    audience: str | None = None
    channel: str | None = None
    new_channel: str | None = None
    language: str | None = None
    timezone: str | None = None
    prompt_cadence: str | None = None
    prompt_day: str | None = None
    prompt_time: str | None = None
    pairing: str | None = None
    pairing_day: str | None = None
    group_size: str | None = None


class EditMetadata(BaseModel):
    model_config = ConfigDict(strict=True)

    community_id: int
    team_id: str


@dataclass(frozen=True)
class OrganisersCommand:
    action: Literal["list", "add", "remove"]
    community: str | None
    user_id: str | None = None


def parse_community_form(view: dict[str, Any]) -> dict[str, str | None]:
    """The form's answers; a crafted submission with answers of the wrong shape gets inline errors."""
    values = (view.get("state") or {}).get("values") or {}
    answers = {block: _answer(elements) for block, elements in values.items() if isinstance(elements, dict)}
    try:
        return CommunityForm.model_validate(answers).model_dump()
    except ValidationError as error:
        fields = {str(problem["loc"][0]) for problem in error.errors()}
        raise FieldErrors({field: InvalidInput(NOT_AN_OPTION) for field in fields}) from None


def reminder_answers(view: dict[str, Any]) -> list[str] | None:
    """The reminder offsets ticked (option values); None when the form has no such input."""
    values = (view.get("state") or {}).get("values") or {}
    element = next(iter((values.get(REMINDERS) or {}).values()), None)
    if not isinstance(element, dict):
        return None
    ticked = element.get("selected_options") or []
    return [str(option.get("value")) for option in ticked if isinstance(option, dict)]


def attendance_answer(view: dict[str, Any]) -> bool | None:
    """Whether "Organisers mark who came" is ticked; None when the form has no such input."""
    values = (view.get("state") or {}).get("values") or {}
    element = next(iter((values.get(MARK_ATTENDANCE) or {}).values()), None)
    if not isinstance(element, dict):
        return None
    ticked = element.get("selected_options") or []
    return any(isinstance(option, dict) and option.get("value") == MARK_ATTENDANCE for option in ticked)


def open_edit_metadata(seal: MetadataSeal, private_metadata: str, *, team_id: str) -> int:
    """The community id the edit modal was opened for; NotAllowed if it was altered or is another team's."""
    try:
        metadata = EditMetadata.model_validate(seal.open(private_metadata))
    except (CopbotError, ValueError):  # ValidationError is a ValueError; so is a payload that is not JSON
        raise NotAllowed(TAMPERED) from None
    if metadata.team_id != team_id:
        raise NotAllowed(TAMPERED)
    return metadata.community_id


def parse_organisers(args: list[str]) -> OrganisersCommand:
    """`[community]`, or `add|remove @someone [community]`."""
    if not args or args[0].lower() not in {"add", "remove"}:
        return OrganisersCommand(action="list", community=" ".join(args) or None)
    mention = MENTION.fullmatch(args[1]) if len(args) > 1 else None
    if mention is None:
        raise InvalidInput(ORGANISERS_USAGE)
    action: Literal["add", "remove"] = "add" if args[0].lower() == "add" else "remove"
    return OrganisersCommand(action=action, community=" ".join(args[2:]) or None, user_id=mention.group(1))


CHANGE = re.compile(r"(add|remove):(\d{1,18}):([UW][A-Z0-9]{1,30})")


def parse_organiser_change(value: object) -> OrganisersCommand:
    """What a Confirm button carries: "<add|remove>:<community id>:<user id>" (the community is its id)."""
    found = CHANGE.fullmatch(str(value or ""))
    if found is None:
        raise NotFound(N_("That community no longer exists."))
    action: Literal["add", "remove"] = "add" if found.group(1) == "add" else "remove"
    return OrganisersCommand(action=action, community=found.group(2), user_id=found.group(3))


def _answer(elements: dict[str, Any]) -> Any:
    """The single element's answer in a block: typed text, a picked channel or time, an option's value."""
    for element in elements.values():
        if not isinstance(element, dict):
            return element
        for key in ANSWER_KEYS:
            if element.get(key) is not None:
                answer = element[key]
                return (
                    answer.get("value") if key == "selected_option" and isinstance(answer, dict) else answer
                )
    return None
