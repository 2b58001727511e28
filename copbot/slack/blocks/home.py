"""The App Home tab: the person's communities and what is next in each, then the ones they could join."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

from copbot.i18n import Translator
from copbot.services.home import HomeContent, Introductions, JoinedCommunity, OpenCommunity
from copbot.services.stats import Health
from copbot.slack.blocks.common import Block, actions, button, context, divider, escape, header, section
from copbot.slack.ids import (
    COMMAND,
    JOIN_BUTTON,
    LEAVE_BUTTON,
    PAIR_EVERY_OTHER,
    PAIR_EVERY_ROUND,
    PAIR_PAUSE,
    PAIR_PREFERENCES,
    PAIR_RESUME,
    RSVP_CANT,
    RSVP_GOING,
    RSVP_MAYBE,
    SHARE_BUTTON,
)

# A Home view holds at most 100 blocks: a joined community takes up to 4, another one takes 1.
MAX_JOINED = 15
MAX_OTHERS = 25
PURPOSE_SHOWN = 500


def build_home(tr: Translator, content: HomeContent, *, tz: str | None, locale: str | None) -> dict[str, Any]:
    """The Home view in the reader's language; session times in their time zone (else the community's)."""
    blocks = [header(tr.gettext("Communities of practice"))]
    if not content.joined and not content.others:
        blocks.append(section(_nothing_yet(tr)))
    else:
        when = _DateFormat(tr, tz, locale)
        blocks += _joined_part(tr, content.joined, when) + _others_part(tr, content.others)
    return {"type": "home", "blocks": blocks}


def _nothing_yet(tr: Translator) -> str:
    return tr.gettext(
        "There are no communities here yet. A community of practice brings together people who share "
        "a craft, to get better at it by meeting and sharing stories. Start one with `{command} create`.",
        command=COMMAND,
    )


def _joined_part(tr: Translator, joined: list[JoinedCommunity], when: _DateFormat) -> list[Block]:
    if not joined:
        return [section(tr.gettext("You are not in a community yet: join one below to take part."))]
    blocks = [header(tr.gettext("Your communities"))]
    for community in joined[:MAX_JOINED]:
        blocks += _joined(tr, community, when)
    return blocks + _more(tr, len(joined) - MAX_JOINED)


def _joined(tr: Translator, community: JoinedCommunity, when: _DateFormat) -> list[Block]:
    blocks = [
        section(f"*{escape(community.name)}*\n{_purpose(community.purpose)}\n{_next(tr, community, when)}")
    ]
    notes = [_pairing(tr, community, when)] + ([_health(tr, community.health)] if community.health else [])
    blocks.append(context(*notes))
    share = button(tr.gettext("Share a story"), SHARE_BUTTON, str(community.id), style="primary")
    leave = button(tr.gettext("Leave"), LEAVE_BUTTON, str(community.id))
    return [*blocks, actions(*_rsvp(tr, community), share, *_introductions(tr, community), leave), divider()]


def _rsvp(tr: Translator, community: JoinedCommunity) -> list[Block]:
    """Going / Maybe / Can't for the next session, as on its reminders."""
    upcoming = community.next_session
    if upcoming is None or upcoming.ref is None:
        return []
    return [
        button(tr.gettext("Going"), RSVP_GOING, upcoming.ref),
        button(tr.gettext("Maybe"), RSVP_MAYBE, upcoming.ref),
        button(tr.gettext("Can't go"), RSVP_CANT, upcoming.ref),
    ]


def _introductions(tr: Translator, community: JoinedCommunity) -> list[Block]:
    """Pause or resume introductions here, and their frequency, with one click; the rest in a modal."""
    value = str(community.id)
    if community.introductions is Introductions.OFF:
        return []
    if community.introductions is Introductions.ON:
        pause = button(tr.gettext("Pause introductions"), PAIR_PAUSE, value)
    else:
        pause = button(tr.gettext("Resume introductions"), PAIR_RESUME, value)
    more = button(tr.gettext("Introductions…"), PAIR_PREFERENCES, value)
    if community.every_other:
        return [pause, button(tr.gettext("Introduce me every round"), PAIR_EVERY_ROUND, value), more]
    return [pause, button(tr.gettext("Every other round only"), PAIR_EVERY_OTHER, value), more]


def _pairing(tr: Translator, community: JoinedCommunity, when: _DateFormat) -> str:
    """Where the member's introductions stand here: the frequency and the next round, or the pause."""
    if community.introductions is Introductions.OFF:
        state = tr.gettext("not taking part")
    elif community.introductions is Introductions.PAUSED and community.paused_until is not None:
        state = tr.gettext("paused until {day}", day=when.day(community.paused_until, community.timezone))
    elif community.introductions is Introductions.PAUSED:
        state = tr.gettext("paused until you resume")
    else:
        state = tr.gettext("every other round") if community.every_other else tr.gettext("every round")
        if community.next_round is None:
            state += " · " + tr.gettext("rounds when the organisers start one")
        else:
            state += " · " + tr.gettext(
                "next round {when}", when=when.format(community.next_round, community.timezone)
            )
    return tr.gettext("Introductions: {state}", state=state)


def _next(tr: Translator, community: JoinedCommunity, when: _DateFormat) -> str:
    upcoming = community.next_session
    if upcoming is None:
        return tr.gettext("No session planned yet.")
    starts = when.format(upcoming.starts_at, community.timezone)
    return tr.gettext("Next session: *{title}*, {when}", title=escape(upcoming.title), when=starts)


def _health(tr: Translator, health: Health) -> str:
    figures = [
        tr.ngettext("{count} member", "{count} members", health.members),
        tr.ngettext("{count} active", "{count} active", health.active),
        tr.ngettext("{count} joined", "{count} joined", health.joined),
        tr.ngettext("{count} story shared", "{count} stories shared", health.stories),
        tr.ngettext("{count} left", "{count} left", health.left),
    ]
    return tr.gettext("Community health, last 30 days: {figures}", figures=" · ".join(figures))


def _others_part(tr: Translator, others: list[OpenCommunity]) -> list[Block]:
    if not others:
        return []
    blocks = [header(tr.gettext("Other communities"))]
    for community in others[:MAX_OTHERS]:
        text = f"*{escape(community.name)}* (`{escape(community.slug)}`)\n{_purpose(community.purpose)}"
        blocks.append(section(text, accessory=button(tr.gettext("Join"), JOIN_BUTTON, str(community.id))))
    return blocks + _more(tr, len(others) - MAX_OTHERS)


def _more(tr: Translator, hidden: int) -> list[Block]:
    if hidden <= 0:
        return []
    more = tr.ngettext(
        "…and {count} more: `{command} list`", "…and {count} more: `{command} list`", hidden, command=COMMAND
    )
    return [context(more)]


def _purpose(purpose: str) -> str:
    shown = purpose if len(purpose) <= PURPOSE_SHOWN else purpose[: PURPOSE_SHOWN - 1] + "…"
    return escape(shown)


class _DateFormat:
    """Dates as the reader writes them, in their time zone when Slack told us it."""

    def __init__(self, tr: Translator, tz: str | None, locale: str | None) -> None:
        self._tr = tr
        self._tz = tz
        self._locale = _babel_locale(locale, tr.language)

    def format(self, moment: datetime, fallback_tz: str) -> str:
        local = moment.astimezone(_zone(self._tz) or _zone(fallback_tz) or ZoneInfo("UTC"))
        date, time = (
            format_date(local, "full", locale=self._locale),
            format_time(local, "short", locale=self._locale),
        )
        return self._tr.gettext("{date} at {time}", date=date, time=time)

    def day(self, moment: datetime, timezone: str) -> str:
        """The day in `timezone`: a pause ends at midnight in the community's zone, wherever the reader is."""
        local = moment.astimezone(_zone(timezone) or ZoneInfo("UTC"))
        return format_date(local, "long", locale=self._locale)


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _babel_locale(locale: str | None, language: str) -> Locale:
    """The reader's Slack locale (en-GB writes dates unlike en-US) when it matches their language."""
    try:
        parsed = Locale.parse(locale or language, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(language)
    return parsed if parsed.language == language else Locale.parse(language)
