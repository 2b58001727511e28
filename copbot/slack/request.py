"""What every listener gets from a Slack request, read from Bolt's context in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from copbot.services.communities import Actor
from copbot.slack.errors import modal_errors
from copbot.slack.people import Person, is_active

if TYPE_CHECKING:
    from datetime import datetime

    from slack_bolt import BoltContext
    from slack_sdk import WebClient
    from sqlalchemy.orm import Session

    from copbot.domain.errors import CopbotError
    from copbot.i18n import Translator
    from copbot.slack.deps import Deps


@dataclass(frozen=True)
class Request:
    """A click, a submission, an event or a command, with what its listener needs to answer it."""

    team_id: str  # the authorised workspace (the middleware refuses a body naming another)
    user_id: str  # who acted; empty for events no one in particular caused (app_uninstalled)
    origin: str  # names this request in work keys
    tr: Translator  # in the language of the person who acted
    session: Session  # the request's transaction, committed at the edge
    client: WebClient  # within the request's time budget
    deps: Deps
    bot_user_id: str | None  # copbot's own user in this workspace
    context: BoltContext = field(repr=False, compare=False)  # only for what the edge reads back

    @property
    def now(self) -> datetime:
        return self.deps.clock.now()

    def actor(self) -> Actor:
        """The person who acted, as far as permissions go."""
        return as_actor(self.user_id, self.deps.people.get(self.client, self.team_id, self.user_id))

    def keep_nothing(self) -> None:
        """Nothing this request changed is kept: the edge rolls its transaction back."""
        self.context["rollback"] = True

    def modal_errors(self, error: CopbotError, *, default_block: str) -> dict[str, Any]:
        """Arguments for `ack(...)` on a view submission: inline errors; nothing changed is kept."""
        return modal_errors(self.tr, error, self.context, default_block=default_block)

    @classmethod
    def of(cls, context: BoltContext, **more: Any) -> Self:
        """The listener's request, from what Bolt and copbot's middleware put in its context.

        `more` is for the types that extend this one (a command's text, its `ack`).
        """
        assert context.client is not None  # Bolt gives every request a client
        return cls(
            team_id=context.team_id or "",
            user_id=context.user_id or "",
            origin=context["origin"],
            tr=context["tr"],
            session=context["session"],
            client=context.client,
            deps=context["deps"],
            bot_user_id=context.bot_user_id,
            context=context,
            **more,
        )


def as_actor(user_id: str, person: Person | None) -> Actor:
    """Someone Slack does not know may do nothing."""
    return Actor(
        user_id=user_id, is_admin=person is not None and person.is_admin, is_active=is_active(person)
    )
