"""The communities' Block Kit, checked against Slack's limits with the longest content users can give."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest

from copbot.domain import communities as fields
from copbot.domain.enums import PromptCadence
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks, check_view
from copbot.services.communities import CommunityPage
from copbot.services.lookup import CommunityCard
from copbot.slack.blocks.communities import build_list, build_organisers, build_welcome
from copbot.slack.blocks.community_modal import ModalValues, build_create_modal, build_edit_modal
from copbot.slack.ids import CREATE_VIEW, EDIT_VIEW

LONGEST = CommunityCard(
    id=123456,
    name="&" * fields.NAME_MAX,
    slug="s" * fields.SLUG_MAX,
    purpose="<&>" * (fields.PURPOSE_MAX // 3),
    audience="&" * fields.AUDIENCE_MAX,
    channel_id="C0123456789",
    language="fr",
    timezone="America/Argentina/ComodRivadavia",
    members=10_000,
)
FULL = ModalValues(
    language="fr",
    timezone="America/Argentina/ComodRivadavia",
    name="n" * fields.NAME_MAX,
    slug="s" * fields.SLUG_MAX,
    purpose="p" * fields.PURPOSE_MAX,
    audience="a" * fields.AUDIENCE_MAX,
    channel_id="C0123456789",
    prompt_cadence=PromptCadence.FORTNIGHTLY,
    prompt_weekday=6,
    prompt_time=time(23, 59),
    pairing_every_weeks=4,
    pairing_weekday=6,
    group_size=3,
)


def _inputs(view):
    return {block["block_id"]: block for block in view["blocks"] if block["type"] == "input"}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_create_modal_fits_slack(language):
    """The create modal passes Slack's checks in both languages; its inputs are the draft's fields."""
    view = build_create_modal(translator(language), ModalValues(language=language, timezone="UTC"))
    assert check_view(view) == []
    assert view["callback_id"] == CREATE_VIEW
    assert list(_inputs(view)) == [
        "name",
        "slug",
        "purpose",
        "audience",
        "channel",
        "new_channel",
        "language",
        "timezone",
        "prompt_cadence",
        "prompt_day",
        "prompt_time",
        "pairing",
        "pairing_day",
        "group_size",
        "reminders",
    ]


def test_text_inputs_carry_the_limits():
    """Slack enforces the same limits as the server, so people learn them while typing."""
    inputs = _inputs(build_create_modal(translator("en"), ModalValues(language="en", timezone="UTC")))
    limits = {block_id: block["element"].get("max_length") for block_id, block in inputs.items()}
    assert {
        key: limits[key] for key in ("name", "slug", "purpose", "audience", "new_channel", "timezone")
    } == {
        "name": 60,
        "slug": 40,
        "purpose": 1000,
        "audience": 500,
        "new_channel": 80,
        "timezone": 64,
    }
    optional = {block_id for block_id, block in inputs.items() if block["optional"]}
    assert optional == {"slug", "channel", "new_channel", "reminders"}


def test_edit_modal_with_longest_values_fits_slack():
    """An edit modal pre-filled with the longest values still passes, and shows every value."""
    view = build_edit_modal(translator("fr"), FULL, private_metadata="m" * 200)
    assert check_view(view) == []
    assert (view["callback_id"], view["private_metadata"]) == (EDIT_VIEW, "m" * 200)
    inputs = _inputs(view)
    assert inputs["purpose"]["element"]["initial_value"] == FULL.purpose
    assert inputs["prompt_time"]["element"]["initial_time"] == "23:59"
    assert inputs["pairing"]["element"]["initial_option"]["value"] == "4"
    assert inputs["group_size"]["element"]["initial_option"]["text"]["text"] == "3 personnes"
    assert inputs["prompt_day"]["element"]["initial_option"]["text"]["text"] == "Dimanche"


def test_welcome_with_longest_content_fits_slack():
    """A welcome of maximal, escape-heavy content stays within Slack's section limits."""
    message = build_welcome(translator("fr"), LONGEST)
    assert check_message_blocks(message["blocks"]) == []
    assert all(
        len(block["text"]["text"]) <= 3000 for block in message["blocks"] if block["type"] == "section"
    )
    assert "&lt;&amp;&gt;" in message["blocks"][1]["text"]["text"]


def test_full_list_page_fits_in_one_message():
    """A page of 20 longest communities, with the pointer to the next page, is under 50 blocks."""
    page = CommunityPage(cards=[LONGEST] * fields.PAGE_SIZE, page=1, remaining=80)
    message = build_list(translator("en"), page)
    assert check_message_blocks(message["blocks"]) == []
    assert len(message["blocks"]) <= 50
    assert message["blocks"][-1]["elements"][0]["text"] == "…and 80 more: `/cop list 2`"
    assert "10000 members" in str(message["blocks"])


def test_organisers_message_escapes_the_name():
    """A community name is escaped; the admins' note is always there."""
    message = build_organisers(translator("en"), "<!channel>", ["U1", "U2"])
    assert check_message_blocks(message["blocks"]) == []
    assert message["text"] == "Organisers of *&lt;!channel&gt;*: <@U1>, <@U2>"
    empty = build_organisers(translator("fr"), "Tests", [])
    assert empty["text"] == "*Tests* n'a pas d'organisateur pour le moment."


def test_list_notification_text_follows_each_languages_typography():
    """The list's plain-text fallback (notifications, screen readers) is one translated sentence."""
    page = CommunityPage(
        cards=[replace(LONGEST, name="Design"), replace(LONGEST, name="Data")], page=1, remaining=0
    )
    assert build_list(translator("en"), page)["text"] == "Communities here: Design, Data"
    assert build_list(translator("fr"), page)["text"] == "Communautés de cet espace de travail : Design, Data"
