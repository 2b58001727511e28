"""Attendance in Block Kit: the community form's setting, and the organisers' "who came?" modal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from copbot.domain.attendance import ATTENDED, MARK_ATTENDANCE
from copbot.i18n import Translator
from copbot.services.sessions_view import OccurrenceView
from copbot.slack.blocks.common import Block, checkboxes, context, escape, input_block, modal, option
from copbot.slack.blocks.sessions import when_token
from copbot.slack.ids import SESSION_ATTENDANCE_VIEW


def attendance_setting_input(tr: Translator, *, on: bool) -> Block:
    """The community form's checkbox: organisers mark who came to each session (off by default)."""
    choice = option(tr.gettext("Organisers mark who came"), MARK_ATTENDANCE)
    ticked = checkboxes(MARK_ATTENDANCE, [choice], initial=[MARK_ATTENDANCE] if on else [])
    hint = tr.gettext("After each session, its organisers get a button to say who came, for the stats.")
    return input_block(MARK_ATTENDANCE, tr.gettext("Attendance"), ticked, optional=True, hint=hint)


def build_attendance_modal(
    tr: Translator, view: OccurrenceView, *, came: Sequence[str], private_metadata: str
) -> dict[str, Any]:
    """Who came, picked among the workspace's people; those going (or marked before) to begin with.

    A people picker rather than checkboxes: Slack shows at most 10 checkboxes, and communities are larger.
    """
    picker: Block = {"type": "multi_users_select", "action_id": ATTENDED}
    if came:
        picker["initial_users"] = list(came)
    about = tr.gettext(
        "Who came to *{title}* ({when})? Only the community's members can be marked.",
        title=escape(view.title),
        when=when_token(tr, view),
    )
    blocks = [context(about), input_block(ATTENDED, tr.gettext("People who came"), picker, optional=True)]
    return modal(
        tr.gettext("Who came"),
        blocks,
        submit=tr.gettext("Save"),
        close=tr.gettext("Cancel"),
        callback_id=SESSION_ATTENDANCE_VIEW,
        private_metadata=private_metadata,
    )
