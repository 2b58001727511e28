"""Turning a CopbotError into what Slack shows: an ephemeral reply, or inline errors in a modal."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from copbot.domain.errors import CopbotError, FieldErrors, NotAMember
from copbot.domain.wallclock import LocalDay
from copbot.i18n import N_, Translator, translator
from copbot.logs import note
from copbot.slack.blocks.common import escape, slack_day
from copbot.slack.blocks.membership import build_join_offer

logger = logging.getLogger(__name__)

INLINE_ERROR_MAX = 150  # Slack cuts longer inline errors
NOT_INSTALLED = N_("copbot is not installed in this workspace, so it can't help you here.")


def explain(tr: Translator, error: CopbotError) -> str:
    """The error in the user's language; user-typed values are escaped for mrkdwn, days are date tokens."""
    params = {key: _written(tr, value) for key, value in error.params.items()}
    return tr.gettext(error.message, **params)


def _written(tr: Translator, value: object) -> object:
    if isinstance(value, LocalDay):
        return slack_day(tr, value)
    return escape(value) if isinstance(value, str) else value


def refusal(tr: Translator, error: CopbotError) -> dict[str, Any]:
    """The explanation as a message: its text and, to someone not in the community, a Join button."""
    text = explain(tr, error)
    if isinstance(error, NotAMember):
        return build_join_offer(tr, text, error.community_id)
    return {"text": text}


def modal_errors(
    tr: Translator, error: CopbotError, context: BoltContext, *, default_block: str
) -> dict[str, Any]:
    """Arguments for `ack(...)` on a view submission: inline errors keyed by block id."""
    context["rollback"] = True
    if isinstance(error, FieldErrors):
        errors = {block: tr.gettext(inner.message, **inner.params) for block, inner in error.errors.items()}
    else:  # inline errors are plain text: nothing to escape
        errors = {error.field or default_block: tr.gettext(error.message, **error.params)}
    return {"response_action": "errors", "errors": {k: v[:INLINE_ERROR_MAX] for k, v in errors.items()}}


SOMETHING_WENT_WRONG = N_(
    "Sorry, something went wrong on copbot's side and nothing was changed. "
    "Please try again; if it keeps happening, tell whoever runs copbot here."
)


def register_error_handler(app: App, default_language: str) -> None:
    """Unexpected failures: log them with their traceback, undo the request's writes, and tell the user."""

    @app.error
    def on_unexpected_error(
        error: Exception, body: dict[str, Any], context: BoltContext
    ) -> BoltResponse | None:
        logger.error("copbot failed on a Slack request", exc_info=error)
        note(outcome="error")
        context["rollback"] = True
        if not body.get("command"):
            return None  # Slack shows its own error for interactions; events have no one to tell
        tr = context.get("tr") or translator(default_language)
        answer = {"response_type": "ephemeral", "text": tr.gettext(SOMETHING_WENT_WRONG)}
        return BoltResponse(
            status=200, body=json.dumps(answer), headers={"content-type": ["application/json"]}
        )
