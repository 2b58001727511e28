"""Sessions in messages: the list, the reminder, the takeaway question and the notices of changes.

Times are Slack date tokens, so each reader sees them in their own zone and locale; the fallback text (for
clients that cannot show the token, and notifications) is written in the community's zone and language.
"""

from __future__ import annotations

from typing import Any, Final
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from copbot.domain.enums import RsvpAnswer
from copbot.domain.sessions import is_web_link
from copbot.i18n import Translator
from copbot.services.sessions_view import OccurrenceView
from copbot.slack.blocks.common import (
    SECTION_TEXT_MAX,
    Block,
    actions,
    button,
    context,
    divider,
    escape,
    escaped_chunks,
    header,
    section,
    slack_date,
)
from copbot.slack.ids import (
    COMMAND,
    RSVP_CANT,
    RSVP_GOING,
    RSVP_MAYBE,
    SESSION_ATTENDANCE_BUTTON,
    SESSION_CANCEL_BUTTON,
    SESSION_EDIT_BUTTON,
    SESSION_TAKEAWAY_BUTTON,
    SESSIONS_MORE,
)

# The answer each RSVP button records: listeners register these action ids and read the answer here.
RSVP_ANSWERS: Final = {RSVP_GOING: RsvpAnswer.YES, RSVP_MAYBE: RsvpAnswer.MAYBE, RSVP_CANT: RsvpAnswer.NO}
GOING_SHOWN = 20  # mentions listed under a session; the count says how many more
# Sessions per /cop sessions page: each takes 4 blocks, and up to 9 with an agenda escaping grows to
# 15,000 characters, so a page stays within Slack's 50 blocks.
PAGE_SIZE = 5
HOUR, WEEK = 60, 7 * 24 * 60  # in minutes


def build_session_list(
    tr: Translator,
    community_name: str,
    sessions: list[OccurrenceView],
    *,
    manage: bool,
    slug: str,
    more: str | None = None,
) -> dict[str, Any]:
    """The next sessions of a community, with RSVP buttons (and Edit / Cancel for its organisers).

    `more` is the value of a "More sessions" button, when there is a next page.
    """
    title = tr.gettext("Upcoming sessions of {name}", name=community_name)
    blocks = [header(title)]
    for view in sessions[:PAGE_SIZE]:
        blocks += [*occurrence_blocks(tr, view, manage=manage), divider()]
    if not sessions:
        blocks.append(section(_nothing_planned(tr, manage=manage, slug=slug)))
    if more is not None:
        blocks.append(actions(button(tr.gettext("More sessions"), SESSIONS_MORE, more)))
    return {"text": title, "blocks": blocks}


def build_reminder_message(tr: Translator, view: OccurrenceView) -> dict[str, Any]:
    """The reminder posted in the community's channel; RSVPs update it in place with the same builder.

    Drawn again once its session is cancelled, it says so and has no buttons left to press.
    """
    blocks = [context(tr.gettext("Session reminder")), *occurrence_blocks(tr, view, manage=False)]
    text = tr.gettext("Reminder: {title}, {when}", title=escape(view.title), when=fallback_time(tr, view))
    if view.cancelled:
        blocks = [*blocks[:-1], context(tr.gettext("This session is cancelled."))]
        text = tr.gettext(
            "Cancelled: {title}, {when}", title=escape(view.title), when=fallback_time(tr, view)
        )
    return {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def build_takeaway_question(
    tr: Translator, view: OccurrenceView, *, mark_attendance: bool = False
) -> dict[str, Any]:
    """Asked in the thread of the last reminder, after the session: a button opens the share modal.

    Where the community marks attendance, a second button lets its organisers say who came.
    """
    text = tr.gettext("What did you take away from *{title}*?", title=escape(view.title))
    share = button(tr.gettext("Share what you learned"), SESSION_TAKEAWAY_BUTTON, view.ref, style="primary")
    if not mark_attendance:
        return {"text": text, "blocks": [section(text), actions(share)]}
    came = button(tr.gettext("Mark who came"), SESSION_ATTENDANCE_BUTTON, view.ref)
    return {"text": text, "blocks": [section(text), actions(share, came)]}


def build_cancelled_notice(tr: Translator, view: OccurrenceView, *, whole_series: bool) -> dict[str, Any]:
    """Posted in the channel (in the reminder's thread when there is one) when a session or series ends."""
    if whole_series:
        text = tr.gettext("The sessions *{title}* are cancelled from now on.", title=escape(view.title))
    else:
        text = tr.gettext(
            "The session *{title}* ({when}) is cancelled.",
            title=escape(view.title),
            when=when_token(tr, view),
        )
    return {"text": text, "blocks": [section(text)]}


def build_changed_notice(tr: Translator, view: OccurrenceView) -> dict[str, Any]:
    """Posted in the channel when an edit of a series drops dates to come; `view` is the first of them."""
    text = tr.gettext(
        "*{title}* has changed: from {when}, some sessions no longer take place. "
        "`{command} sessions` lists the ones to come.",
        command=COMMAND,
        title=escape(view.title),
        when=when_token(tr, view),
    )
    return {"text": text, "blocks": [section(text)]}


def build_moved_notice(tr: Translator, view: OccurrenceView) -> dict[str, Any]:
    """Sent to those going when their session moves; `view` has the new time."""
    moved = tr.gettext(
        "The session *{title}* has moved. New time: {when}.",
        title=escape(view.title),
        when=when_token(tr, view),
    )
    return {"text": moved, "blocks": [section(moved)]}


def occurrence_blocks(tr: Translator, view: OccurrenceView, *, manage: bool) -> list[Block]:
    """One session: what, when, how long, where; its agenda; who is going; RSVP (and organiser) buttons."""
    facts = [
        f"*{escape(view.title)}*",
        f"{when_token(tr, view)} · {duration_text(tr, view.duration_minutes)}",
    ]
    if view.place:
        facts.append(_place(view.place))
    blocks = [section("\n".join(facts))]
    if view.agenda:
        blocks += [section(chunk) for chunk in escaped_chunks(view.agenda, SECTION_TEXT_MAX)]
    blocks.append(context(_answers(tr, view)))
    return [*blocks, actions(*_buttons(tr, view, manage=manage))]


def when_token(tr: Translator, view: OccurrenceView) -> str:
    """Slack's date token: each reader sees the date and time in their zone; others see the fallback text."""
    return slack_date(view.starts_at, fallback_time(tr, view))


def fallback_time(tr: Translator, view: OccurrenceView) -> str:
    """The start in the community's zone and language, naming the zone ("…10:00 AM (Europe/Paris)")."""
    local = view.starts_at.astimezone(ZoneInfo(view.timezone))
    day = format_date(local, "full", locale=tr.language)
    when = tr.gettext("{date} at {time}", date=day, time=format_time(local, "short", locale=tr.language))
    return f"{when} ({view.timezone})"


def duration_text(tr: Translator, minutes: int) -> str:
    """A duration as people say it: 45 minutes, 2 hours, 1 week, 1 h 30 min."""
    if minutes % WEEK == 0:
        return tr.ngettext("{count} week", "{count} weeks", minutes // WEEK)
    if minutes % HOUR == 0:
        return tr.ngettext("{count} hour", "{count} hours", minutes // HOUR)
    if minutes < HOUR:
        return tr.ngettext("{count} minute", "{count} minutes", minutes)
    return tr.gettext("{hours} h {minutes} min", hours=minutes // HOUR, minutes=minutes % HOUR)


def _place(place: str) -> str:
    """A web link as a link; anything else as plain text (Slack still links a bare www. address)."""
    return f"<{escape(place)}>" if is_web_link(place) else escape(place)


def _answers(tr: Translator, view: OccurrenceView) -> str:
    counts = " · ".join(
        [
            tr.ngettext("{count} going", "{count} going", view.going_count),
            tr.ngettext("{count} maybe", "{count} maybe", view.maybe_count),
            tr.ngettext("{count} can't go", "{count} can't go", view.cant_count),
        ]
    )
    shown = view.going[:GOING_SHOWN]
    if not shown:
        return counts
    names = ", ".join(f"<@{user}>" for user in shown)
    hidden = view.going_count - len(shown)
    if hidden > 0:
        names = tr.ngettext("{names} and {count} more", "{names} and {count} more", hidden, names=names)
    going = tr.gettext("Going: {names}", names=names)
    return f"{counts}\n{going}"


def _buttons(tr: Translator, view: OccurrenceView, *, manage: bool) -> list[Block]:
    rsvp = [
        button(tr.gettext("Going"), RSVP_GOING, view.ref, style="primary"),
        button(tr.gettext("Maybe"), RSVP_MAYBE, view.ref),
        button(tr.gettext("Can't go"), RSVP_CANT, view.ref),
    ]
    if not manage:
        return rsvp
    return [
        *rsvp,
        button(tr.gettext("Edit"), SESSION_EDIT_BUTTON, view.ref),
        button(tr.gettext("Cancel session"), SESSION_CANCEL_BUTTON, view.ref, style="danger"),
    ]


def _nothing_planned(tr: Translator, *, manage: bool, slug: str) -> str:
    nothing = tr.gettext("No session planned yet.")
    if not manage:
        return nothing
    plan = tr.gettext("Plan one with `{command} session new {slug}`.", command=COMMAND, slug=slug)
    return f"{nothing} {plan}"
