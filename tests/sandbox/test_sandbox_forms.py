"""Filling a modal like a person: answers by block id, pre-filled values for the rest."""

from __future__ import annotations

import pytest

from copbot.sandbox.forms import fill

VIEW = {
    "type": "modal",
    "callback_id": "demo",
    "blocks": [
        {"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "Hi"}},
        {"type": "input", "block_id": "name", "element": {"type": "plain_text_input", "action_id": "v"}},
        {
            "type": "input",
            "block_id": "lang",
            "element": {
                "type": "static_select",
                "action_id": "v",
                "options": [
                    {"text": {"type": "plain_text", "text": "English"}, "value": "en"},
                    {"text": {"type": "plain_text", "text": "French"}, "value": "fr"},
                ],
                "initial_option": {"text": {"type": "plain_text", "text": "English"}, "value": "en"},
            },
        },
        {
            "type": "input",
            "block_id": "pairing",
            "optional": True,
            "element": {
                "type": "checkboxes",
                "action_id": "v",
                "options": [{"text": {"type": "plain_text", "text": "Yes"}, "value": "yes"}],
                "initial_options": [{"text": {"type": "plain_text", "text": "Yes"}, "value": "yes"}],
            },
        },
        {
            "type": "input",
            "block_id": "at",
            "element": {"type": "timepicker", "action_id": "v", "initial_time": "10:00"},
        },
        {"type": "input", "block_id": "where", "element": {"type": "conversations_select", "action_id": "v"}},
    ],
}


def test_answers_and_initial_values():
    """Given answers win; untouched inputs submit their initial values; empty text is null, as in Slack."""
    values = fill(VIEW, {"name": "", "lang": "fr", "where": "C123"})
    assert values == {
        "name": {"v": {"type": "plain_text_input", "value": None}},
        "lang": {
            "v": {"type": "static_select", "selected_option": VIEW["blocks"][2]["element"]["options"][1]}
        },
        "pairing": {
            "v": {
                "type": "checkboxes",
                "selected_options": [{"text": {"type": "plain_text", "text": "Yes"}, "value": "yes"}],
            }
        },
        "at": {"v": {"type": "timepicker", "selected_time": "10:00"}},
        "where": {"v": {"type": "conversations_select", "selected_conversation": "C123"}},
    }


def test_unchecking_a_checkbox():
    """An empty list unchecks every box."""
    assert fill(VIEW, {"pairing": []})["pairing"]["v"]["selected_options"] == []


def test_unknown_block_or_option_is_an_error():
    """A typo in a block id or an option value fails loudly instead of submitting something else."""
    with pytest.raises(KeyError, match="nope"):
        fill(VIEW, {"nope": "x"})
    with pytest.raises(ValueError, match="has no option 'de'"):
        fill(VIEW, {"lang": "de"})


def test_date_and_zoned_time_pickers():
    """An untouched date picker submits its initial date; a time picker with a zone sends it back too."""
    view = {
        "type": "modal",
        "blocks": [
            {
                "type": "input",
                "block_id": "day",
                "element": {"type": "datepicker", "action_id": "d", "initial_date": "2026-03-31"},
            },
            {
                "type": "input",
                "block_id": "at",
                "element": {"type": "timepicker", "action_id": "t", "timezone": "Europe/Paris"},
            },
        ],
    }
    assert fill(view, {"at": "10:00"}) == {
        "day": {"d": {"type": "datepicker", "selected_date": "2026-03-31"}},
        "at": {"t": {"type": "timepicker", "selected_time": "10:00", "timezone": "Europe/Paris"}},
    }
