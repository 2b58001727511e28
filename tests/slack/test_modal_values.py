"""Reading a submitted modal's answers: every element copbot's forms use, and shapes a forger might send."""

from __future__ import annotations

import pytest

from copbot.slack.modal_values import ModalValues


def _view(values: object) -> dict[str, object]:
    return {"type": "modal", "state": {"values": values}}


SUBMITTED = _view(
    {
        "title": {"title_input": {"type": "plain_text_input", "value": "Pairing on a flaky test"}},
        "lesson": {"lesson_input": {"type": "plain_text_input", "value": None}},
        "experience": {"choice": {"type": "static_select", "selected_option": {"value": "senior"}}},
        "day": {"choice": {"type": "datepicker", "selected_date": "2026-12-03"}},
        "time": {"choice": {"type": "timepicker", "selected_time": "18:30"}},
        "channel": {"choice": {"type": "conversations_select", "selected_conversation": "C0123"}},
        "ask_me": {"ask": {"type": "checkboxes", "selected_options": [{"value": "ask_me"}, {"value": "x"}]}},
        "attended": {"who": {"type": "multi_users_select", "selected_users": ["U1", "U2"]}},
    }
)


def test_each_answer_is_read_by_its_block_id():
    """Typed text, a picked option, date, time and channel, ticked boxes and people, each by block id."""
    form = ModalValues(SUBMITTED)
    assert [form.text(block) for block in ("title", "experience", "day", "time", "channel")] == [
        "Pairing on a flaky test",
        "senior",
        "2026-12-03",
        "18:30",
        "C0123",
    ]
    assert form.options("ask_me") == ["ask_me", "x"]
    assert form.ticked("ask_me", "ask_me")
    assert not form.ticked("ask_me", "other")
    assert form.users("attended") == ["U1", "U2"]
    assert form.blocks() == ["title", "lesson", "experience", "day", "time", "channel", "ask_me", "attended"]


def test_an_input_left_empty_is_there_without_an_answer():
    """An optional input left empty sends its block with a null answer: present, no text."""
    form = ModalValues(SUBMITTED)
    assert form.has("lesson")
    assert (form.text("lesson"), form.answer("lesson")) == (None, None)
    assert not form.has("interests")
    assert (form.text("interests"), form.options("interests"), form.users("interests")) == (None, [], [])


def test_typed_blanks_read_as_no_text():
    """An empty string is no answer, as a null is."""
    assert ModalValues(_view({"team": {"t": {"value": ""}}})).text("team") is None


@pytest.mark.parametrize(
    "view",
    [
        {},
        {"state": None},
        {"state": "values"},
        _view(None),
        _view(["title"]),
        _view({"title": "Pairing"}),
        _view({"title": {"title_input": "Pairing"}}),
        _view({"title": {}}),
    ],
    ids=[
        "no state",
        "null state",
        "state not an object",
        "null values",
        "values a list",
        "block a string",
        "element a string",
        "block without element",
    ],
)
def test_a_crafted_shape_reads_as_no_answer(view):
    """Whatever is not Slack's shape is no answer, never an exception."""
    form = ModalValues(view)
    assert (form.text("title"), form.answer("title"), form.options("title"), form.users("title")) == (
        None,
        None,
        [],
        [],
    )


def test_a_wrong_typed_answer_is_kept_for_the_form_rules_but_is_no_text():
    """A number where text belongs: `answer` keeps it for the form's own validation; `text` has none."""
    form = ModalValues(
        _view({"name": {"n": {"value": 42}}, "pick": {"p": {"selected_option": {"value": ["a"]}}}})
    )
    assert (form.answer("name"), form.text("name")) == (42, None)
    assert (form.answer("pick"), form.text("pick")) == (["a"], None)


def test_odd_ticks_and_people_are_read_safely():
    """Options that are not objects are skipped; a lone person (not a list) is a list of one."""
    form = ModalValues(
        _view(
            {
                "ask_me": {"a": {"selected_options": ["ask_me", {"value": "y"}]}},
                "who": {"w": {"selected_users": "U9"}},
            }
        )
    )
    assert form.options("ask_me") == ["y"]
    assert form.users("who") == ["U9"]
    assert ModalValues(_view({"ask_me": {"a": {"selected_options": "ask_me"}}})).options("ask_me") == []
