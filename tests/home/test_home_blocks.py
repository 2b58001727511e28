"""The Home view stays within Slack's limits, however many communities there are."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from copbot.domain.enums import Experience, RsvpAnswer
from copbot.domain.membership import Profile
from copbot.domain.wallclock import LocalDay
from copbot.i18n import translator
from copbot.sandbox.blockkit import check_view
from copbot.services.home import (
    SHOWN_IN_FULL,
    ArchivedCommunity,
    Attention,
    HomeContent,
    Introductions,
    JoinedCommunity,
    LatestStory,
    OpenCommunity,
)
from copbot.services.lookup import UpcomingSession
from copbot.services.stats import Health
from copbot.slack.blocks.home import build_home
from copbot.slack.ids import HOME_SHOW

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
        paused_until=LocalDay(date(2026, 3, 16), "Europe/Paris") if n % 4 == 1 else None,
        next_round=datetime(2026, 3, 9, 8, 30, tzinfo=UTC),
        organiser=True,
        rsvp=RsvpAnswer.MAYBE,
        profile=Profile(Experience.EXPERIENCED, "t" * 80, ("i" * 40,) * 5, pairing=True),
        stories=tuple(
            LatestStory(
                "s" * 150 + "&", "https://x.slack.com/p" + "1" * 200, datetime(2026, 3, 1, tzinfo=UTC)
            )
            for _ in range(3)
        ),
        attention=Attention(failed=99, silent_prompts=9, channel_error="is_archived"),
    )


def _other(n: int) -> OpenCommunity:
    return OpenCommunity(n, "n" * 80, "s" * 40, LONG)


def _as_the_service_gives(joined: list[JoinedCommunity]) -> list[JoinedCommunity]:
    """The first few in full, the rest folded (only their names), as services.home does."""
    return [c if n < SHOWN_IN_FULL else replace(c, full=False) for n, c in enumerate(joined)]


def test_thirty_communities_fit_in_a_home_in_english_and_french():
    """Someone organising 30 communities, with 30 more to join, gets a valid Home (≤100 blocks)."""
    content = HomeContent(
        _as_the_service_gives([_joined(n) for n in range(30)]),
        [_other(n) for n in range(30)],
        [ArchivedCommunity(100 + n, "a" * 80) for n in range(30)],
    )
    for tr in (EN, FR):
        view = build_home(tr, content, tz=None, locale=None)
        assert check_view(view) == []
        assert len(view["blocks"]) <= 100
    view = build_home(EN, content, tz=None, locale=None)
    opens = [
        b["accessory"]["value"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id") == HOME_SHOW
    ]
    assert opens == [str(n) for n in range(SHOWN_IN_FULL, 30)]


def test_many_communities_are_capped_with_a_pointer_to_the_list():
    """60 joined (all marked full) and 60 other communities still make a valid view, the rest pointed to."""
    content = HomeContent([_joined(n) for n in range(60)], [_other(n) for n in range(60)])
    for tr in (EN, FR):
        assert check_view(build_home(tr, content, tz=None, locale=None)) == []
    view = build_home(EN, content, tz=None, locale=None)
    contexts = [b["elements"][0]["text"] for b in view["blocks"] if b["type"] == "context"]
    assert contexts[-2:] == ["…and 30 more: `/cop list`", "…and 40 more: `/cop list`"]


def test_the_cap_is_in_french_too():
    """The "and N more" line follows French plural rules."""
    view = build_home(FR, HomeContent([], [_other(n) for n in range(21)]), tz="Europe/Paris", locale="fr-FR")
    assert check_view(view) == []
    assert view["blocks"][-1]["elements"][0]["text"] == "…et 1 autre : `/cop list`"


def test_long_purposes_are_shortened():
    """A purpose longer than 500 characters is cut with an ellipsis, so a section never overflows."""
    view = build_home(EN, HomeContent([_joined(1)], []), tz=None, locale=None)
    purpose = view["blocks"][3]["text"]["text"].split("\n")[1]
    assert purpose == "x" * 499 + "…"


def test_times_are_slack_date_tokens_with_a_fallback_in_the_readers_zone():
    """The next session is a Slack date token; its fallback is in the reader's zone and locale."""
    view = build_home(EN, HomeContent([_joined(1)], []), tz="America/New_York", locale="en-US")
    text = view["blocks"][3]["text"]["text"]
    assert "<!date^1773075600^{date_long_pretty} {time}|Monday, March 9, 2026 at 1:00\u202fPM>" in text


def test_an_unknown_time_zone_falls_back_to_the_communitys():
    """A person's time zone Slack reports but Python does not know falls back to the community's."""
    view = build_home(EN, HomeContent([_joined(1)], []), tz="Mars/Olympus", locale="en-GB")
    assert "|Monday, 9 March 2026 at 18:00>" in view["blocks"][3]["text"]["text"]


def test_the_day_a_pause_ends_is_a_slack_day_token_in_the_readers_language():
    """A pause's end: Slack's day token at noon in the community's zone, fallback in the reader's language."""
    view = build_home(EN, HomeContent([_joined(1)], []), tz="Asia/Tokyo", locale="en-GB")
    note = view["blocks"][4]["elements"][0]["text"]
    assert note == "Introductions: paused until <!date^1773658800^{date_long_pretty}|March 16, 2026>"


def test_empty_workspace_view_is_valid():
    """The empty-workspace Home passes Slack's checks in both languages."""
    for tr in (EN, FR):
        assert check_view(build_home(tr, HomeContent([], []), tz=None, locale=None)) == []
