"""The Home view stays within Slack's limits, however many communities there are."""

from __future__ import annotations

from datetime import UTC, datetime

from copbot.i18n import translator
from copbot.sandbox.blockkit import check_view
from copbot.services.home import HomeContent, Introductions, JoinedCommunity, OpenCommunity
from copbot.services.lookup import UpcomingSession
from copbot.services.stats import Health
from copbot.slack.blocks.home import build_home

EN, FR = translator("en"), translator("fr")
LONG = "x" * 2000 + "&"


def _joined(n: int) -> JoinedCommunity:
    upcoming = UpcomingSession("t" * 150, datetime(2026, 3, 9, 17, tzinfo=UTC))
    return JoinedCommunity(
        n,
        "n" * 80,
        LONG,
        "Europe/Paris",
        upcoming,
        Health(10_000, 5_000, 50, 3, 20),
        introductions=Introductions.PAUSED if n % 2 else Introductions.ON,
        every_other=n % 3 == 0,
        paused_until=datetime(2026, 3, 16, tzinfo=UTC) if n % 4 == 1 else None,
        next_round=datetime(2026, 3, 9, 8, 30, tzinfo=UTC),
    )


def _other(n: int) -> OpenCommunity:
    return OpenCommunity(n, "n" * 80, "s" * 40, LONG)


def test_many_communities_are_capped_with_a_pointer_to_the_list():
    """40 joined and 60 other communities, with their introductions, make a valid view (≤100 blocks)."""
    content = HomeContent([_joined(n) for n in range(40)], [_other(n) for n in range(60)])
    for tr in (EN, FR):
        assert check_view(build_home(tr, content, tz=None, locale=None)) == []
    view = build_home(EN, content, tz=None, locale=None)
    contexts = [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context"]
    assert contexts[-2:] == ["…and 25 more: `/cop list`", "…and 35 more: `/cop list`"]


def test_the_cap_is_in_french_too():
    """The "and N more" line follows French plural rules."""
    view = build_home(FR, HomeContent([], [_other(n) for n in range(26)]), tz="Europe/Paris", locale="fr-FR")
    assert check_view(view) == []
    assert view["blocks"][-1]["elements"][0]["text"] == "…et 1 autre : `/cop list`"


def test_long_purposes_are_shortened():
    """A purpose longer than 500 characters is cut with an ellipsis, so a section never overflows."""
    view = build_home(EN, HomeContent([_joined(1)], []), tz=None, locale=None)
    purpose = view["blocks"][2]["text"]["text"].split("\n")[1]
    assert purpose == "x" * 499 + "…"


def test_an_unknown_time_zone_falls_back_to_the_communitys():
    """A person's time zone Slack reports but Python does not know falls back to the community's."""
    view = build_home(EN, HomeContent([_joined(1)], []), tz="Mars/Olympus", locale="en-GB")
    assert "Monday, 9 March 2026 at 18:00" in view["blocks"][2]["text"]["text"]


def test_empty_workspace_view_is_valid():
    """The empty-workspace Home passes Slack's checks in both languages."""
    for tr in (EN, FR):
        assert check_view(build_home(tr, HomeContent([], []), tz=None, locale=None)) == []
