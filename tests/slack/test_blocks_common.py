"""The Block Kit pieces every feature builds with: one shape for each element, within Slack's limits."""

from __future__ import annotations

import pytest

from copbot.domain.errors import NotFound
from copbot.sandbox.blockkit import check_view
from copbot.slack.blocks.common import (
    button,
    checkboxes,
    input_block,
    modal,
    option,
    radio_buttons,
    static_select,
    text_input,
)
from copbot.slack.payloads import button_community_id


def test_a_button_has_a_style_only_when_asked():
    """The default button carries no style; a primary one says so."""
    assert button("Join", "join", "7") == {
        "type": "button",
        "text": {"type": "plain_text", "text": "Join", "emoji": True},
        "action_id": "join",
        "value": "7",
    }
    assert button("Join", "join", "7", style="primary")["style"] == "primary"


def test_an_input_always_says_whether_it_is_optional():
    """Required and optional inputs both state `optional`; a hint appears only when given."""
    element = text_input("team", max_length=80)
    assert input_block("team", "Team", element) == {
        "type": "input",
        "block_id": "team",
        "label": {"type": "plain_text", "text": "Team", "emoji": True},
        "element": element,
        "optional": False,
    }
    assert input_block("tags", "Tags", element, optional=True, hint="A few")["hint"]["text"] == "A few"


def test_a_text_input_cuts_its_initial_text_and_skips_an_empty_one():
    """An initial value longer than the input holds is cut to fit; an empty one is left out."""
    assert text_input("name", max_length=5, initial="abcdefgh")["initial_value"] == "abcde"
    assert "initial_value" not in text_input("name", max_length=5, initial="")


def test_a_select_offers_the_first_100_options_with_short_labels():
    """Slack allows 100 options of 75 characters: more are dropped, longer labels cut."""
    select = static_select("community", [option(f"{n:03} " + "n" * 80, str(n)) for n in range(150)])
    assert [choice["value"] for choice in select["options"]] == [str(n) for n in range(100)]
    assert {len(choice["text"]["text"]) for choice in select["options"]} == {75}


def test_initial_choices_are_named_by_value():
    """The option whose value is `initial` is chosen; an unknown value chooses nothing."""
    options = [option("One", "1"), option("Two", "2")]
    assert static_select("n", options, initial="2")["initial_option"] == option("Two", "2")
    assert "initial_option" not in radio_buttons("n", options, initial="3")
    assert checkboxes("n", options, initial=["1"])["initial_options"] == [option("One", "1")]
    assert "initial_options" not in checkboxes("n", options)


def test_a_modal_cuts_its_chrome_to_slacks_limits():
    """Title, submit and close labels are cut to 24 characters; the modal passes Slack's checks."""
    view = modal("t" * 30, [], submit="s" * 30, close="c" * 30, callback_id="cb", private_metadata="m")
    assert check_view(view) == []
    assert {len(view[key]["text"]) for key in ("title", "submit", "close")} == {24}
    assert "submit" not in modal("Notice", [])


@pytest.mark.parametrize(("value", "community_id"), [("7", 7), ("0042", 42)])
def test_a_button_value_of_digits_names_a_community(value, community_id):
    """Plain ASCII digits are a community id."""
    assert button_community_id(value) == community_id


@pytest.mark.parametrize("value", [None, "", "abc", "12abc", "-3", " 7", "+7", "٣"])
def test_any_other_button_value_names_no_community(value):
    """Anything else is a community that no longer exists, whatever int() would make of it."""
    with pytest.raises(NotFound) as raised:
        button_community_id(value)
    assert raised.value.message == "That community no longer exists."
