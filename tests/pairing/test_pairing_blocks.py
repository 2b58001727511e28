"""Pairing messages and the modal stay within Slack's Block Kit limits, whatever the members wrote."""

from __future__ import annotations

from datetime import UTC, datetime

from copbot.domain.enums import Experience, PairingOutcome
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_message_blocks, check_view
from copbot.services.lookup import CommunityCard
from copbot.services.pairing_controls import MembershipStatus, PairingStatus
from copbot.services.pairing_groups import Intro, Person, RoundSummary
from copbot.slack.blocks.pairing import (
    build_announce,
    build_follow_up,
    build_intro,
    build_learned_modal,
    build_paused,
    build_result,
    build_status,
    build_too_few,
)

EN, FR = translator("en"), translator("fr")
CARD = CommunityCard(1, "&" * 80, "testing", "purpose", "audience", "C0TEST", "en", "Europe/Paris")


def _intro(**changes) -> Intro:
    people = tuple(
        Person(n, f"U0{n:08}", Experience.NEW, "<&>" * 27, tuple("<" * 40 for _ in range(25)))
        for n in range(3)
    )
    reasons = (
        {"code": "shared_interests", "pair": [0, 1], "points": 30, "interests": ["<" * 40] * 3},
        {"code": "different_teams", "pair": [0, 1], "points": 60, "teams": ["&" * 80, "&" * 80]},
        {
            "code": "met_before",
            "pair": [0, 2],
            "points": 5,
            "last_met": datetime(2026, 1, 5, tzinfo=UTC).isoformat(),
        },
        {"code": "newcomer_with_experienced", "pair": [1, 2], "points": 120, "newcomer": 1},
        {"code": "hours_overlap", "pair": [0, 2], "points": 90, "overlap_minutes": 360},
        {"code": "first_meeting", "pair": [1, 2], "points": 1000},
    )
    fields = {
        "group_id": 7,
        "community": CARD,
        "people": people,
        "reasons": reasons,
        "proposer": "U000000001",
        "recent_story": ("U000000002", "<" * 150),
        "dm_channel_id": "G0GROUP",
        "outcome": PairingOutcome.PENDING,
    } | changes
    return Intro(**fields)


def test_intro_with_the_longest_profiles_is_valid_in_both_languages():
    """Three members with the longest teams and many interests, every reason: within Slack's limits."""
    for tr in (EN, FR):
        message = build_intro(tr, _intro())
        assert check_message_blocks(message["blocks"]) == []
        assert check_message_blocks(build_follow_up(tr, _intro())["blocks"]) == []


def test_intro_shows_at_most_three_reasons_strongest_first():
    """Of six reasons given in no order, the three that weighed most are told, strongest first."""
    message = build_intro(EN, _intro())
    why = next(b["text"]["text"] for b in message["blocks"] if b["text"]["text"].startswith("*Why you:*"))
    assert why.split("\n")[1:] == [
        "• You have not been introduced before.",
        "• <@U000000001> is new here, <@U000000002> has experience to share.",
        "• Your working hours overlap by about 6 h.",
    ]


def test_channel_posts_and_notes_are_valid():
    """The announcement, the result, the organisers' note and the pause DM pass Slack's checks."""
    summary = RoundSummary(CARD, groups=5000, met=4999)
    counts = {"away": 3, "inactive": 1, "paused": 2, "opted_out": 9, "avoided": 1, "skips_this_round": 4}
    for tr in (EN, FR):
        for message in (
            build_announce(tr, summary),
            build_result(tr, summary),
            build_too_few(tr, CARD.name, counts),
            build_paused(tr, 1, CARD.name),
        ):
            assert check_message_blocks(message["blocks"]) == []


def test_learned_modal_is_valid_in_both_languages():
    """The "What did you learn or decide?" modal: titles ≤24 characters, an optional answer and consent."""
    for tr in (EN, FR):
        assert check_view(build_learned_modal(tr, "sealed")) == []


def test_status_lists_each_community():
    """Status has a line per community and the avoid count, in French too."""
    row = MembershipStatus(
        "Testing", opted_in=True, paused=False, paused_until=None, every_other=True, rhythm_weeks=2
    )
    assert build_status(FR, PairingStatus((row,), 2)) == (
        "• *Testing*: un tour sur deux\nVous évitez 2 personnes (vous seul·e le savez).\n"
        "Pour arrêter : `/cop pair pause` (jusqu'à `/cop pair resume`) ; pour de bon, décochez "
        "*Présentations* dans votre profil avec `/cop join <communauté>`."
    )
