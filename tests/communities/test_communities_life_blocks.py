"""A community's life in Block Kit, checked against Slack's limits with the longest names, both languages."""

from __future__ import annotations

import pytest

from copbot.domain import communities as fields
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks, check_view
from copbot.services.community_life import PAUSED_NOTE, RESUMED_NOTE, LifeOutcome, State
from copbot.slack.blocks.community_life import (
    CONFIRM_BLOCK,
    build_channel_note,
    build_delete_modal,
    build_life_answer,
    build_organiser_question,
)
from copbot.slack.ids import COMMUNITY_DELETE_VIEW, ORGANISER_CANCEL, ORGANISER_CONFIRM

LONGEST = LifeOutcome(123456, "&" * fields.NAME_MAX, "s" * fields.SLUG_MAX, State.PAUSED)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_delete_modal_fits_and_asks_for_the_short_name(language):
    """The modal names the community (escaped), asks for its short name in one input, and fits."""
    view = build_delete_modal(translator(language), LONGEST, private_metadata="m" * 3000)
    assert check_view(view) == []
    assert view["callback_id"] == COMMUNITY_DELETE_VIEW
    assert [block.get("block_id") for block in view["blocks"] if block["type"] == "input"] == [CONFIRM_BLOCK]
    assert "&amp;" in view["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_notes_answers_and_questions_fit(language):
    """Channel notes, answers, the notice modal and the organiser question fit, names escaped."""
    tr = translator(language)
    for message in (PAUSED_NOTE, RESUMED_NOTE):
        note = build_channel_note(tr, message, {"name": LONGEST.name})
        assert check_message_blocks(note["blocks"]) == []
        assert "&amp;" in note["text"]
    for state in State:
        assert "&amp;" in build_life_answer(tr, LifeOutcome(1, "A&B", "ab", state))["text"]
    question = build_organiser_question(tr, adding=True, name=LONGEST.name, user_id="U1", value="add:1:U1")
    assert check_message_blocks(question["blocks"]) == []
    actions = [element["action_id"] for element in question["blocks"][1]["elements"]]
    assert actions == [ORGANISER_CONFIRM, ORGANISER_CANCEL]
