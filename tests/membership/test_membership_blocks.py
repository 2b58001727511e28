"""The membership Block Kit builders, checked against Slack's limits with the sandbox's checker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from copbot.domain.enums import Experience
from copbot.domain.membership import Profile
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks, check_view
from copbot.services.lookup import CommunityCard, UpcomingSession
from copbot.services.membership import (
    JoinForm,
    JoinOutcome,
    LeaveForm,
    Welcome,
)
from copbot.slack.blocks.membership import (
    build_farewell,
    build_join_modal,
    build_joiner_offer,
    build_leave_modal,
    build_problem_modal,
    build_welcome,
)
from copbot.slack.ids import JOIN_BUTTON, JOIN_VIEW, JOINER_DISMISS, LEAVE_VIEW

CARD = CommunityCard(
    id=3,
    name="Testing",
    slug="testing",
    purpose="Get better at <testing> & friends",
    audience="Anyone who tests",
    channel_id="C0TEST",
    language="en",
    timezone="Europe/Paris",
)
HUGE = CommunityCard(
    id=4,
    name="N" * 80,
    slug="n" * 40,
    purpose="P" * 5000,
    audience="A" * 5000,
    channel_id="C0HUGE",
    language="fr",
    timezone="Nowhere/Nothing",
)
PROFILE = Profile(Experience.EXPERIENCED, "Quality", ("ci", "tdd"), pairing=False)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("card", [CARD, HUGE])
def test_join_modals_fit_slack_limits(language, card):
    """New, update and pick-one join modals pass Slack's checks, even for the longest texts."""
    tr = translator(language)
    forms = [
        JoinForm(card, (), None, updating=False),
        JoinForm(card, (), PROFILE, updating=True),
        JoinForm(
            None, tuple(CommunityCard(**{**card.__dict__, "id": n}) for n in range(150)), None, updating=False
        ),
    ]
    for form in forms:
        view = build_join_modal(tr, form, metadata="sealed")
        assert check_view(view) == [], form
        assert view["callback_id"] == JOIN_VIEW


def test_the_pick_one_modal_offers_at_most_100_communities():
    """A static select holds 100 options: the first 100 communities (by name) are offered."""
    choices = tuple(CommunityCard(**{**CARD.__dict__, "id": n}) for n in range(150))
    view = build_join_modal(translator("en"), JoinForm(None, choices, None, updating=False), metadata="m")
    select = view["blocks"][0]
    assert select["block_id"] == "community"
    assert [option["value"] for option in select["element"]["options"]] == [str(n) for n in range(100)]


def test_the_update_modal_is_prefilled():
    """A member's modal shows their profile and says it updates it."""
    view = build_join_modal(translator("en"), JoinForm(CARD, (), PROFILE, updating=True), metadata="m")
    elements = {block.get("block_id"): block.get("element") for block in view["blocks"]}
    assert view["title"]["text"] == "Update your profile"
    assert view["submit"]["text"] == "Update"
    assert elements["experience"]["initial_option"]["value"] == "experienced"
    assert elements["team"]["initial_value"] == "Quality"
    assert elements["interests"]["initial_value"] == "ci, tdd"
    assert "initial_options" not in elements["pairing"]


def test_user_text_is_escaped():
    """A community's purpose cannot inject mentions or links into the modal."""
    view = build_join_modal(translator("en"), JoinForm(CARD, (), None, updating=False), metadata="m")
    assert "&lt;testing&gt; &amp; friends" in view["blocks"][0]["text"]["text"]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(("active", "erase"), [(True, False), (True, True), (False, True)])
def test_leave_modals_fit_slack_limits(language, active, erase):
    """Every leave confirmation (leave, leave and erase, erase after leaving) passes Slack's checks."""
    view = build_leave_modal(translator(language), LeaveForm(HUGE, active=active, erase=erase), metadata="m")
    assert check_view(view) == []
    assert view["callback_id"] == LEAVE_VIEW
    assert check_view(build_problem_modal(translator(language), "x" * 2000)) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_messages_fit_slack_limits(language):
    """The welcome DM, the farewell and the joiner offer pass Slack's checks with the longest texts."""
    tr = translator(language)
    session = UpcomingSession("T" * 150, datetime(2026, 3, 12, 17, tzinfo=UTC))
    for outcome in (JoinOutcome.NEW, JoinOutcome.REJOINED):
        welcome = build_welcome(tr, Welcome(HUGE, outcome, session), tz="Nowhere/x")
        assert check_message_blocks(welcome["blocks"]) == []
    for erased in (False, True):
        assert check_message_blocks(build_farewell(tr, HUGE, erased=erased)["blocks"]) == []
    offer = build_joiner_offer(tr, "C0HUGE", [HUGE, CARD])
    assert check_message_blocks(offer["blocks"]) == []


def test_the_welcome_shows_the_session_in_the_given_time_zone():
    """17:00 UTC is 13:00 in New York (summer time) and 18:00 in Paris, in each language's words."""
    session = UpcomingSession("Lean coffee", datetime(2026, 3, 12, 17, tzinfo=UTC))
    welcome = Welcome(CARD, JoinOutcome.NEW, session)
    english = build_welcome(translator("en"), welcome, tz="America/New_York")
    french = build_welcome(translator("fr"), welcome, tz="Europe/Paris")
    assert "|Thursday 12 March, 13:00 (America/New_York)>" in str(english["blocks"])
    assert "*Prochaine séance :* Lean coffee, <!date^" in str(french["blocks"])
    assert "|jeudi 12 mars, 18:00 (Europe/Paris)>" in str(french["blocks"])


def test_the_joiner_offer_has_one_join_button_per_community_and_one_dismiss():
    """Two communities sharing a channel: two Join buttons carrying their ids, then "Not now"."""
    offer = build_joiner_offer(translator("en"), "C0TEST", [CARD, HUGE])
    buttons = [block["accessory"] for block in offer["blocks"] if "accessory" in block]
    assert [(button["action_id"], button["value"]) for button in buttons] == [
        (JOIN_BUTTON, "3"),
        (JOIN_BUTTON, "4"),
    ]
    assert offer["blocks"][-1]["elements"][0]["action_id"] == JOINER_DISMISS
