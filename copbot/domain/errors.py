"""Typed errors a user can cause. Each carries a catalog message; the Slack layer shows it, translated."""

from __future__ import annotations

from copbot.domain.text import N_


class CopbotError(Exception):
    """A problem to explain to the user. `message` is a catalog id; `params` fill its placeholders.

    `field` names the modal input the problem belongs to, when there is one (shown inline).
    """

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params


class InvalidInput(CopbotError):
    """Some input does not fit: empty, too long, malformed."""


class NotAllowed(CopbotError):
    """The user may not do this (not an organiser, not an admin, another workspace…)."""


class NotAMember(NotAllowed):
    """The person is not in the community they act in: the answer offers to join it (`community_id`)."""

    def __init__(
        self, message: str, *, community_id: int, field: str | None = None, **params: object
    ) -> None:
        super().__init__(message, field=field, **params)
        self.community_id = community_id


class NotFound(CopbotError):
    """What the user named does not exist (a community, a channel, a person)."""


class Conflict(CopbotError):
    """The action clashes with what exists (a duplicate name, the last organiser…)."""


class FieldErrors(CopbotError):
    """Several modal inputs are wrong at once: `errors` maps an input (block id) to a catalog message."""

    def __init__(self, errors: dict[str, CopbotError]) -> None:
        super().__init__(N_("Please fix the highlighted fields."))
        self.errors = errors
