"""The App Home tab: the person's communities, the ones they could join, Create and Help."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time

from copbot.domain.enums import RsvpAnswer
from copbot.i18n import N_, Translator
from copbot.services.home import (
    SHOWN_IN_FULL,
    ArchivedCommunity,
    Attention,
    HomeContent,
    Introductions,
    JoinedCommunity,
    OpenCommunity,
)
from copbot.services.stats import Health
from copbot.slack.blocks.common import (
    SHORT_DAY,
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    divider,
    escape,
    header,
    section,
    slack_date,
    slack_day,
)
from copbot.slack.blocks.membership import EXPERIENCE_LABELS
from copbot.slack.ids import (
    COMMAND,
    COMMUNITY_ARCHIVE_ACTION,
    COMMUNITY_DELETE_ACTION,
    COMMUNITY_PAUSE_ACTION,
    COMMUNITY_RESUME_ACTION,
    COMMUNITY_UNARCHIVE_ACTION,
    HOME_CREATE,
    HOME_EDIT,
    HOME_HELP,
    HOME_PLAN_SESSION,
    HOME_PROMPTS,
    HOME_SEARCH,
    HOME_SHOW,
    HOME_STATS,
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

# A Home view holds at most 100 blocks. A community in full takes up to 7 (services.home.SHOWN_IN_FULL of
# them: 35); a folded one or one to join takes 1; the headings, the top buttons and the "more" lines 8.
# The archived ones an organiser may bring back or delete: 1 each, with their heading and "more" line.
MAX_FOLDED = 25
MAX_OTHERS = 20
MAX_ARCHIVED = 10
NAME_IN_BUTTON = 40
PURPOSE_SHOWN = 500
TITLE_SHOWN = 80  # a story title in the latest stories
ANSWERS = {
    RsvpAnswer.YES: N_("you are going"),
    RsvpAnswer.MAYBE: N_("you might go"),
    RsvpAnswer.NO: N_("you can't go"),
}


def build_home(tr: Translator, content: HomeContent, *, tz: str | None, locale: str | None) -> dict[str, Any]:
    """The Home view in the reader's language; dates as Slack tokens, with a fallback in their zone."""
    top = actions(
        button(tr.gettext("Create a community"), HOME_CREATE, "create"),
        button(tr.gettext("Help"), HOME_HELP, "help"),
    )
    blocks = [header(tr.gettext("Communities of practice")), top]
    if not content.joined and not content.others:
        blocks.append(section(_nothing_yet(tr)))
    else:
        when = _DateFormat(tr, tz, locale)
        blocks += _joined_part(tr, content.joined, when) + _others_part(tr, content.others)
    blocks += _archived_part(tr, content.archived)
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
    full = [community for community in joined if community.full][:SHOWN_IN_FULL]
    for community in full:
        blocks += _joined(tr, community, when)
    folded = [community for community in joined if community not in full]
    if folded:
        blocks.append(context(tr.gettext("Your other communities: open one to see it in full here.")))
        blocks += [_folded(tr, community) for community in folded[:MAX_FOLDED]]
        blocks += _more(tr, len(folded) - MAX_FOLDED)
    return blocks


def _folded(tr: Translator, community: JoinedCommunity) -> Block:
    show = button(tr.gettext("Open"), HOME_SHOW, str(community.id))
    return section(f"*{escape(community.name)}*", accessory=show)


def _joined(tr: Translator, community: JoinedCommunity, when: _DateFormat) -> list[Block]:
    text = f"*{escape(community.name)}*\n{_purpose(community.purpose)}\n{_next(tr, community, when)}"
    if community.paused:
        text += "\n" + tr.gettext("_Paused: no prompts, reminders or rounds until its organisers resume it._")
    notes = [_pairing(tr, community, when), _profile(tr, community)]
    notes += [_health(tr, community.health)] if community.health else []
    blocks = [section(text), context(*(note for note in notes if note))]
    if community.stories:
        blocks.append(section(_stories(tr, community)))
    blocks.append(actions(*_member_buttons(tr, community)))
    if community.organiser:
        if community.attention:
            blocks.append(context(_attention(tr, community.attention)))
        blocks.append(actions(*_organiser_buttons(tr, community)))
    return [*blocks, divider()]


def _member_buttons(tr: Translator, community: JoinedCommunity) -> list[Block]:
    value = str(community.id)
    share = button(tr.gettext("Share a story"), SHARE_BUTTON, value, style="primary")
    search = button(tr.gettext("Search stories"), HOME_SEARCH, value)
    profile = button(tr.gettext("Edit my profile"), JOIN_BUTTON, value)
    leave = button(tr.gettext("Leave"), LEAVE_BUTTON, value)
    return [*_rsvp(tr, community), share, search, profile, *_introductions(tr, community), leave]


def _organiser_buttons(tr: Translator, community: JoinedCommunity) -> list[Block]:
    value = str(community.id)
    if community.paused:
        pause = button(tr.gettext("Resume the community"), COMMUNITY_RESUME_ACTION, value)
    else:
        pause = button(tr.gettext("Pause the community"), COMMUNITY_PAUSE_ACTION, value)
    return [
        button(tr.gettext("Edit"), HOME_EDIT, value),
        button(tr.gettext("Plan a session"), HOME_PLAN_SESSION, value),
        button(tr.gettext("Prompts"), HOME_PROMPTS, value),
        button(tr.gettext("Stats"), HOME_STATS, value),
        pause,
        button(
            tr.gettext("Archive"), COMMUNITY_ARCHIVE_ACTION, value, confirm=_archive_confirm(tr, community)
        ),
        button(tr.gettext("Delete"), COMMUNITY_DELETE_ACTION, value, style="danger"),
    ]


def _archive_confirm(tr: Translator, community: JoinedCommunity) -> Block:
    return confirm_dialog(
        tr.gettext("Archive this community?"),
        tr.gettext(
            "*{name}* will be hidden from `{command} list` and its channel freed. Its history is kept: "
            "you can unarchive it from your Home.",
            name=escape(community.name),
            command=COMMAND,
        ),
        tr.gettext("Archive"),
        tr.gettext("Cancel"),
        danger=True,
    )


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
        state = tr.gettext("paused until {day}", day=slack_day(tr, community.paused_until))
    elif community.introductions is Introductions.PAUSED:
        state = tr.gettext("paused until you resume")
    else:
        state = tr.gettext("every other round") if community.every_other else tr.gettext("every round")
        if community.paused:
            pass  # no round while the whole community is paused: its text says so
        elif community.next_round is None:
            state += " · " + tr.gettext("rounds when the organisers start one")
        else:
            state += " · " + tr.gettext(
                "next round {when}", when=when.token(community.next_round, community.timezone)
            )
    return tr.gettext("Introductions: {state}", state=state)


def _profile(tr: Translator, community: JoinedCommunity) -> str:
    profile = community.profile
    if profile is None:
        return ""
    parts = [tr.gettext(EXPERIENCE_LABELS[profile.experience])]
    if profile.team_name:
        parts.append(tr.gettext("team {team}", team=escape(profile.team_name)))
    if profile.interests:
        parts.append(escape(", ".join(profile.interests)))
    return tr.gettext("Your profile: {profile}", profile=" · ".join(parts))


def _next(tr: Translator, community: JoinedCommunity, when: _DateFormat) -> str:
    upcoming = community.next_session
    if upcoming is None:
        return tr.gettext("No session planned yet.")
    starts = when.token(upcoming.starts_at, community.timezone)
    line = tr.gettext("Next session: *{title}*, {when}", title=escape(upcoming.title), when=starts)
    if community.rsvp is not None:
        line += " · " + tr.gettext(ANSWERS[community.rsvp])
    return line


def _stories(tr: Translator, community: JoinedCommunity) -> str:
    lines = [tr.gettext("*Latest stories*")]
    for story in community.stories:
        title = escape(story.title[:TITLE_SHOWN])
        linked = f"<{story.permalink}|{title}>" if story.permalink else title
        day = slack_date(story.created_at, story.created_at.date().isoformat(), token=SHORT_DAY)
        lines.append(f"• {linked} · {day}")
    return "\n".join(lines)


def _health(tr: Translator, health: Health) -> str:
    figures = [
        tr.ngettext("{count} member", "{count} members", health.members),
        tr.ngettext("{count} active", "{count} active", health.active),
        tr.ngettext("{count} joined", "{count} joined", health.joined),
        tr.ngettext("{count} story shared", "{count} stories shared", health.stories),
        tr.ngettext("{count} left", "{count} left", health.left),
    ]
    return tr.gettext("Community health, last 30 days: {figures}", figures=" · ".join(figures))


def _attention(tr: Translator, attention: Attention) -> str:
    """What needs the organisers: a lost channel first, then refused deliveries and silent prompts."""
    needs = []
    if attention.channel_error:
        needs.append(
            tr.gettext(
                "copbot can no longer post in the channel (Slack says `{error}`): invite it back, or pick "
                "another channel with Edit",
                error=escape(attention.channel_error),
            )
        )
    if attention.failed:
        needs.append(
            tr.ngettext(
                "{count} message could not be delivered in the last 30 days",
                "{count} messages could not be delivered in the last 30 days",
                attention.failed,
            )
        )
    if attention.silent_prompts:
        needs.append(
            tr.ngettext(
                "{count} prompt drew no story",
                "{count} prompts drew no story",
                attention.silent_prompts,
            )
        )
    return tr.gettext(":warning: Needs attention: {needs}", needs="; ".join(needs))


def _others_part(tr: Translator, others: list[OpenCommunity]) -> list[Block]:
    if not others:
        return []
    blocks = [header(tr.gettext("Other communities"))]
    for community in others[:MAX_OTHERS]:
        text = f"*{escape(community.name)}* (`{escape(community.slug)}`)\n{_purpose(community.purpose)}"
        blocks.append(section(text, accessory=button(tr.gettext("Join"), JOIN_BUTTON, str(community.id))))
    return blocks + _more(tr, len(others) - MAX_OTHERS)


def _archived_part(tr: Translator, archived: list[ArchivedCommunity]) -> list[Block]:
    """One line of buttons per archived community the person organises: Unarchive, Delete."""
    if not archived:
        return []
    blocks = [header(tr.gettext("Archived communities you organise"))]
    for community in archived[:MAX_ARCHIVED]:
        value, name = str(community.id), _short(community.name)
        unarchive = button(tr.gettext("Unarchive {name}", name=name), COMMUNITY_UNARCHIVE_ACTION, value)
        delete_label = tr.gettext("Delete {name}", name=name)
        delete = button(delete_label, COMMUNITY_DELETE_ACTION, value, style="danger")
        blocks.append(actions(unarchive, delete))
    hidden = len(archived) - MAX_ARCHIVED
    if hidden > 0:
        more = tr.ngettext(
            "…and {count} more: `{command} unarchive` or `{command} delete`",
            "…and {count} more: `{command} unarchive` or `{command} delete`",
            hidden,
            command=COMMAND,
        )
        blocks.append(context(more))
    return blocks


def _short(name: str) -> str:
    return name if len(name) <= NAME_IN_BUTTON else name[: NAME_IN_BUTTON - 1] + "…"


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
    """Dates as the reader writes them, in their time zone when Slack told us it (the tokens' fallback)."""

    def __init__(self, tr: Translator, tz: str | None, locale: str | None) -> None:
        self._tr = tr
        self._tz = tz
        self._locale = _babel_locale(locale, tr.language)

    def token(self, moment: datetime, fallback_tz: str) -> str:
        """Slack's date token: Slack writes it in the reader's zone and locale; the fallback is ours."""
        return slack_date(moment, self.format(moment, fallback_tz))

    def format(self, moment: datetime, fallback_tz: str) -> str:
        local = moment.astimezone(_zone(self._tz) or _zone(fallback_tz) or ZoneInfo("UTC"))
        date, time = (
            format_date(local, "full", locale=self._locale),
            format_time(local, "short", locale=self._locale),
        )
        return self._tr.gettext("{date} at {time}", date=date, time=time)


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
