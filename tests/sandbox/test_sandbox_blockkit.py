import pytest

from copbot.sandbox.blockkit import check_message_blocks, check_view


def _text(n: int) -> str:
    return "x" * n


def _modal(*blocks, **extra) -> dict:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Title"},
        "blocks": list(blocks),
        **extra,
    }


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def test_valid_payloads_have_no_problems():
    """A reasonable message and modal pass both checks."""
    section = {"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "Hello"}}
    text_input = {"type": "plain_text_input", "action_id": "a", "max_length": 3000}
    field = {"type": "input", "block_id": "f", "label": _plain("Label"), "element": text_input}
    assert check_message_blocks([section]) == []
    assert check_view(_modal(section, field, submit=_plain("Save"))) == []


def test_fifty_blocks_is_the_message_limit():
    """50 blocks pass and 51 fail for messages; views allow 100."""
    divider = {"type": "divider"}
    assert check_message_blocks([divider] * 50) == []
    assert check_message_blocks([divider] * 51) == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]
    assert check_view(_modal(*[divider] * 100)) == []
    assert check_view(_modal(*[divider] * 101)) == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"
    ]


@pytest.mark.parametrize(
    ("view", "pointer"),
    [
        (_modal(title=_plain(_text(25))), "/view/title/text"),
        (_modal(submit=_plain(_text(25))), "/view/submit"),
        (_modal(close=_plain(_text(25))), "/view/close"),
        (_modal(private_metadata=_text(3001)), "/view/private_metadata"),
        (_modal(callback_id=_text(256)), "/view/callback_id"),
        (_modal({"type": "divider", "block_id": _text(256)}), "/view/blocks/0/block_id"),
        (_modal({"type": "section", "text": {"type": "mrkdwn", "text": _text(3001)}}), "/view/blocks/0/text"),
        (_modal({"type": "header", "text": _plain(_text(151))}), "/view/blocks/0/text"),
        (
            _modal(
                {
                    "type": "actions",
                    "elements": [{"type": "button", "action_id": "b", "text": _plain(_text(76))}],
                }
            ),
            "/view/blocks/0/elements/0/text",
        ),
        (
            _modal(
                {
                    "type": "actions",
                    "elements": [{"type": "button", "text": _plain("ok"), "value": _text(2001)}],
                }
            ),
            "/view/blocks/0/elements/0/value",
        ),
        (
            _modal({"type": "actions", "elements": [{"type": "button", "text": _plain("b")}] * 26}),
            "/view/blocks/0/elements",
        ),
        (_modal({"type": "context", "elements": [_plain("c")] * 11}), "/view/blocks/0/elements"),
    ],
)
def test_each_view_limit_names_its_place(view, pointer):
    """Each limit broken is reported once with a json-pointer to the offending field."""
    (problem,) = check_view(view)
    assert problem.startswith("[ERROR] ")
    assert problem.endswith(f"[json-pointer:{pointer}]")


def _select(options: list[dict]) -> dict:
    element = {"type": "static_select", "action_id": "s", "options": options}
    return {"type": "input", "block_id": "b", "label": _plain("Pick"), "element": element}


@pytest.mark.parametrize(
    ("block", "pointer"),
    [
        (_select([{"text": _plain(_text(76)), "value": "v"}]), "/view/blocks/0/element/options/0/text"),
        (_select([{"text": _plain("t"), "value": _text(151)}]), "/view/blocks/0/element/options/0/value"),
        (_select([{"text": _plain("t"), "value": "v"}] * 101), "/view/blocks/0/element/options"),
        (
            {"type": "input", "label": _plain(_text(2001)), "element": {"type": "plain_text_input"}},
            "/view/blocks/0/label",
        ),
        (
            {
                "type": "input",
                "label": _plain("L"),
                "element": {"type": "plain_text_input", "max_length": 3001},
            },
            "/view/blocks/0/element/max_length",
        ),
        (
            {
                "type": "input",
                "label": _plain("L"),
                "element": {"type": "plain_text_input", "min_length": -1},
            },
            "/view/blocks/0/element/min_length",
        ),
        (
            {
                "type": "input",
                "label": _plain("L"),
                "element": {"type": "plain_text_input", "placeholder": _plain(_text(151))},
            },
            "/view/blocks/0/element/placeholder",
        ),
        (
            {
                "type": "input",
                "label": _plain("L"),
                "element": {"type": "datepicker", "initial_date": "2026-3-31"},
            },
            "/view/blocks/0/element/initial_date",
        ),
        (
            {
                "type": "input",
                "label": _plain("L"),
                "element": {"type": "timepicker", "initial_time": "9:30"},
            },
            "/view/blocks/0/element/initial_time",
        ),
    ],
)
def test_input_limits_name_their_place(block, pointer):
    """Option, label, length, placeholder and picker limits in input blocks are reported at their field."""
    (problem,) = check_view(_modal(block, submit=_plain("Save")))
    assert problem.endswith(f"[json-pointer:{pointer}]")


def test_duplicate_block_ids_and_missing_submit():
    """A repeated block_id is reported, and a modal with inputs needs a submit button."""
    field = {
        "type": "input",
        "block_id": "same",
        "label": _plain("L"),
        "element": {"type": "plain_text_input"},
    }
    problems = check_view(_modal(field, field))
    assert problems == [
        "[ERROR] must provide a submit property when using input blocks [json-pointer:/view/submit]",
        "[ERROR] duplicate block_id 'same' [json-pointer:/view/blocks/1/block_id]",
    ]


def test_missing_title_and_bad_type():
    """A modal needs a title, and a view needs a known type."""
    assert check_view({"type": "modal", "blocks": []}) == [
        "[ERROR] missing required field: title [json-pointer:/view/title]"
    ]
    assert check_view({"type": "dialog", "blocks": []}) == [
        "[ERROR] must be one of modal, home, workflow_step [json-pointer:/view/type]"
    ]
