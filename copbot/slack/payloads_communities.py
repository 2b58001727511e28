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
from copbot.slack.modal_values import ModalValues

ORGANISERS_USAGE = N_(
    "To change organisers: `/cop organisers add @someone [community]` "
    "or `/cop organisers remove @someone [community]`."
)
TAMPERED = "This form was changed after copbot opened it. Please start again."
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


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
    form = ModalValues(view)
    answers = {block_id: form.answer(block_id) for block_id in form.blocks()}
    try:
        return CommunityForm.model_validate(answers).model_dump()
    except ValidationError as error:
        fields = {str(problem["loc"][0]) for problem in error.errors()}
        raise FieldErrors({field: InvalidInput(NOT_AN_OPTION) for field in fields}) from None


def reminder_answers(view: dict[str, Any]) -> list[str] | None:
    """The reminder offsets ticked (option values); None when the form has no such input."""
    form = ModalValues(view)
    return form.options(REMINDERS) if form.has(REMINDERS) else None


def attendance_answer(view: dict[str, Any]) -> bool | None:
    """Whether "Organisers mark who came" is ticked; None when the form has no such input."""
    form = ModalValues(view)
    return form.ticked(MARK_ATTENDANCE, MARK_ATTENDANCE) if form.has(MARK_ATTENDANCE) else None


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
