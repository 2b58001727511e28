"""The ephemeral `/cop stats` answer: aggregates only, each against the previous period.

Nobody is ranked or named, except the authors of the "what I learned" answers shown, who allowed it.
"""

from __future__ import annotations

from typing import Any

from copbot.domain.stats import Change, Cohort, percent, share
from copbot.i18n import Translator
from copbot.services.stats import CommunityStats, PairingFigures
from copbot.slack.blocks.common import Block, context, divider, escape, header, section

QUOTE_MAX = 300  # characters of a "what I learned" answer shown
PROMPT_MAX = 120
NO_FIGURE = "—"


def build_stats(tr: Translator, stats: CommunityStats) -> dict[str, Any]:
    days = stats.period.days
    title = tr.gettext("{name}: the last {days} days", name=stats.community_name, days=days)
    if stats.empty:
        return _ephemeral(title, [header(title[:150]), section(_empty(tr, stats))])
    blocks = [
        header(title[:150]),
        context(
            tr.gettext("Changes are against the {days} days before. Nobody is ranked or named.", days=days)
        ),
        section(_members(tr, stats)),
        section(_newcomers(tr, stats)),
        section(_cohorts(tr, stats.cohorts)),
        section(_stories(tr, stats)),
        section(_sessions(tr, stats)),
        section(_pairing(tr, stats.pairing)),
        *_learned(tr, stats),
        divider(),
        context(tr.gettext("A chart of these weeks is on its way to you in a direct message.")),
    ]
    return _ephemeral(title, blocks)


def build_counting(tr: Translator, name: str, days: int) -> dict[str, Any]:
    text = tr.gettext(
        "Counting the figures of *{name}* for the last {days} days…", name=escape(name), days=days
    )
    return _ephemeral(text, [section(text)])


def build_export_sent(tr: Translator, name: str) -> dict[str, Any]:
    text = tr.gettext(
        "The CSV files for *{name}* (weekly figures and pairing outcomes) are on their way to you "
        "in a direct message.",
        name=escape(name),
    )
    return _ephemeral(text, [section(text)])


def _ephemeral(text: str, blocks: list[Block]) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text, "blocks": blocks}


def _empty(tr: Translator, stats: CommunityStats) -> str:
    return tr.gettext(
        "Nothing to count yet in *{name}*: no stories, sessions or introductions in the last {days} days "
        "or the {days} before. Figures will appear here as people share stories, come to sessions and meet.",
        name=escape(stats.community_name),
        days=stats.period.days,
    )


def _change(tr: Translator, change: Change) -> str:
    """The change after a figure, as " (+5, +12%)"; nothing when there was nothing either time."""
    if change.now == change.before == 0:
        return ""
    if change.percent is None:
        return " " + tr.gettext("({delta:+d}, none before)", delta=change.delta)
    return " " + tr.gettext("({delta:+d}, {percent:+d}%)", delta=change.delta, percent=change.percent)


def _share(tr: Translator, value: float | None) -> str:
    shown = percent(value)
    return NO_FIGURE if shown is None else tr.gettext("{value}%", value=shown)


def _members(tr: Translator, stats: CommunityStats) -> str:
    lines = [
        tr.gettext("*Members*"),
        tr.gettext(
            "Members: {members}{members_change} · joined: {joined}{joined_change} · "
            "left: {left}{left_change}",
            members=stats.members.now,
            members_change=_change(tr, stats.members),
            joined=stats.joined.now,
            joined_change=_change(tr, stats.joined),
            left=stats.left.now,
            left_change=_change(tr, stats.left),
        ),
        tr.gettext(
            "Active members: {active}{change}, {share} of the members (they shared a story, said Going, "
            "came to a session, met their pair or found a story helpful).",
            active=stats.active.now,
            change=_change(tr, stats.active),
            share=_share(tr, share(stats.active.now, stats.members.now)),
        ),
    ]
    return "\n".join(lines)


def _newcomers(tr: Translator, stats: CommunityStats) -> str:
    activation = stats.activation
    if activation.newcomers == 0:
        return tr.gettext("*Newcomers*") + "\n" + tr.gettext("Nobody joined in this period.")
    text = tr.gettext(
        "Newcomers who took part within 30 days of joining: {activated} of {newcomers} ({share}).",
        activated=activation.activated,
        newcomers=activation.newcomers,
        share=_share(tr, share(activation.activated, activation.newcomers)),
    )
    if activation.median_days is not None:
        text += " " + tr.gettext("Median time to a first action: {days} d.", days=activation.median_days)
    return tr.gettext("*Newcomers*") + "\n" + text


def _cohorts(tr: Translator, cohorts: list[Cohort]) -> str:
    lines = [
        tr.gettext(
            "{month:MMMM y}: joined {joined} · {after_30} · {after_60} · {after_90}",
            month=cohort.month.date(),
            joined=cohort.joined,
            after_30=_share(tr, cohort.retention(30)),
            after_60=_share(tr, cohort.retention(60)),
            after_90=_share(tr, cohort.retention(90)),
        )
        for cohort in cohorts
    ]
    return "\n".join([tr.gettext("*Still members after 30, 60 and 90 days, by month joined*"), *lines])


def _stories(tr: Translator, stats: CommunityStats) -> str:
    per_week = round(stats.stories.now / stats.weeks, 1) if stats.weeks else 0
    lines = [
        tr.gettext("*Stories*"),
        tr.gettext(
            "Stories shared: {count}{change}, {per_week} a week.",
            count=stats.stories.now,
            change=_change(tr, stats.stories),
            per_week=per_week,
        ),
    ]
    if stats.top_prompts:
        drawn = " · ".join(f"“{escape(_cut(p.text, PROMPT_MAX))}” ({p.stories})" for p in stats.top_prompts)
        lines.append(tr.gettext("Prompts that drew the most: {prompts}", prompts=drawn))
    if stats.top_themes:
        themes = " · ".join(f"{escape(theme)} ({count})" for theme, count in stats.top_themes)
        lines.append(tr.gettext("Themes that drew the most: {themes}", themes=themes))
    return "\n".join(lines)


def _sessions(tr: Translator, stats: CommunityStats) -> str:
    held, before = stats.sessions, stats.sessions_held_before
    return "\n".join(
        [
            tr.gettext("*Sessions*"),
            tr.gettext(
                "Sessions held: {held}{change} · said Going: {planned} · came: {attendances} · "
                "came back: {returning} of {attendees} people ({share})",
                held=held.held,
                change=_change(tr, Change(held.held, before)),
                planned=held.planned,
                attendances=held.attendances,
                returning=held.returning,
                attendees=held.attendees,
                share=_share(tr, share(held.returning, held.attendees)),
            ),
        ]
    )


def _pairing(tr: Translator, pairing: PairingFigures) -> str:
    lines = [
        tr.gettext("*Pairing*"),
        tr.gettext(
            "Introductions: {groups}{change} · met: {met} ({share}) · repeating an earlier one: {repeats}",
            groups=pairing.groups.now,
            change=_change(tr, pairing.groups),
            met=pairing.met.now,
            share=_share(tr, share(pairing.met.now, pairing.groups.now)),
            repeats=pairing.repeats,
        ),
    ]
    if pairing.team_pairs_possible:
        lines.append(
            tr.gettext(
                "Teams connected: {met} of {possible} pairs of teams.",
                met=pairing.team_pairs_met,
                possible=pairing.team_pairs_possible,
            )
        )
    if pairing.never_met:
        pairs = ", ".join(f"{escape(a)} & {escape(b)}" for a, b in pairing.never_met)
        hidden = pairing.never_met_count - len(pairing.never_met)
        lines.append(
            tr.gettext("Never introduced: {pairs}", pairs=pairs + (f" (+{hidden})" if hidden else ""))
        )
    return "\n".join(lines)


def _learned(tr: Translator, stats: CommunityStats) -> list[Block]:
    if not stats.learned:
        return []
    quotes = [f"> {escape(_cut(item.text, QUOTE_MAX))}\n— <@{item.user_id}>" for item in stats.learned]
    title = tr.gettext("*What people learned* (shared with organisers by their authors)")
    return [section("\n".join([title, *quotes]))]


def _cut(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
