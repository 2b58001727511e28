"""Pairing messages: the introduction, the channel's announcement and result, the follow-up, the notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from copbot.domain.enums import Experience
from copbot.i18n import N_, Translator
from copbot.services.pairing_controls import (
    AVOID_FIELD,
    PAUSE_FIELD,
    UNTIL_FIELD,
    MembershipStatus,
    PairingStatus,
    Preferences,
)
from copbot.services.pairing_groups import Intro, Person, RoundSummary
from copbot.slack import ids
from copbot.slack.blocks.common import (
    DAY,
    Block,
    actions,
    context,
    escape,
    input_block,
    modal,
    option,
    plain,
    radio_buttons,
    section,
    slack_date,
    slack_day,
)

LEARNED_BLOCK, LEARNED_INPUT = "learned", "learned_input"
FREQUENCY_FIELD = "pair_frequency"
PAUSE_LABELS = {
    "none": N_("Not paused"),
    "1w": N_("1 week"),
    "2w": N_("2 weeks"),
    "until": N_("Until the date below"),
    "resumed": N_("Until I resume"),
}
SHARE_BLOCK, SHARE_INPUT = "learned_share", "learned_share_input"
REASONS_SHOWN = 3
INTERESTS_SHOWN = 400  # characters, before escaping (which may make them five times longer)
EXPERIENCE = {
    Experience.NEW: N_("new to this"),
    Experience.PRACTISING: N_("practising"),
    Experience.EXPERIENCED: N_("experienced"),
}
HOW_TO_STOP = N_(
    "To stop: `/cop pair pause` (until you `/cop pair resume`); for good, untick *Introductions* in your "
    "profile with `/cop join <community>`."
)
LEFT_OUT = {
    "opted_out": N_("not taking part in introductions"),
    "left": N_("left the community"),
    "paused": N_("paused"),
    "skips_this_round": N_("every other round only"),
    "inactive": N_("account deactivated or unknown"),
    "away": N_("away, by their Slack status"),
    "avoided": N_("no partner they don't avoid"),
}


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {"type": "button", "text": plain(text), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def answer_buttons(tr: Translator, group_id: int) -> Block:
    value = str(group_id)
    return actions(
        _button(tr.gettext("We met"), ids.PAIR_MET, value, "primary"),
        _button(tr.gettext("Not yet"), ids.PAIR_NOT_YET, value),
        _button(tr.gettext("Can't this time"), ids.PAIR_CANT, value),
    )


def build_intro(tr: Translator, intro: Intro) -> dict[str, Any]:
    """The group DM: who each is, why they were put together, a starter, who proposes a time."""
    greeting = tr.gettext(
        "Hello {people}! This round of *{community}* introduces you to each other.",
        people=", ".join(f"<@{person.user_id}>" for person in intro.people),
        community=escape(intro.community.name),
    )
    blocks = [section(greeting), *(section(_who(tr, person)) for person in intro.people)]
    why = _reasons(tr, intro)
    if why:
        blocks.append(section(tr.gettext("*Why you:*") + "\n" + "\n".join(f"• {line}" for line in why)))
    blocks.append(section(tr.gettext("*To start:* {starter}", starter=_starter(tr, intro))))
    if intro.proposer:
        blocks.append(
            section(
                tr.gettext("<@{user}>, would you propose a time that suits you all?", user=intro.proposer)
            )
        )
    blocks += [answer_buttons(tr, intro.group_id), context(tr.gettext("Let me know how it went."))]
    return {"text": greeting, "blocks": blocks}


def _who(tr: Translator, person: Person) -> str:
    parts = [tr.gettext(EXPERIENCE[person.experience])]
    if person.team:
        parts.append(tr.gettext("team {team}", team=escape(person.team)))
    if person.interests:
        interests = ", ".join(person.interests)
        if len(interests) > INTERESTS_SHOWN:
            interests = interests[: INTERESTS_SHOWN - 1] + "…"
        parts.append(tr.gettext("into {interests}", interests=escape(interests)))
    return f"• <@{person.user_id}>: " + ", ".join(parts)


def _reasons(tr: Translator, intro: Intro) -> list[str]:
    """The reasons that weighed most, strongest first, each said once."""
    users = {person.member_id: person.user_id for person in intro.people}
    lines: list[str] = []
    for reason in sorted(intro.reasons, key=lambda reason: -int(str(reason["points"]))):
        line = _reason(tr, reason, users)
        if line and line not in lines:
            lines.append(line)
    return lines[:REASONS_SHOWN]


def _reason(tr: Translator, reason: dict[str, Any], users: dict[int, str]) -> str | None:  # noqa: PLR0911
    code = reason["code"]
    if code == "first_meeting":
        return tr.gettext("You have not been introduced before.")
    if code == "met_before" and reason.get("last_met"):
        met = datetime.fromisoformat(reason["last_met"])
        day = slack_date(met, met.date().isoformat(), token=DAY)
        return tr.gettext("You met on {day}; no grouping without a repeat was found.", day=day)
    if code == "newcomer_with_experienced" and reason.get("newcomer") in users:
        newcomer = users[reason["newcomer"]]
        guide = next((u for m, u in users.items() if m in reason["pair"] and u != newcomer), None)
        return tr.gettext(
            "<@{newcomer}> is new here, <@{guide}> has experience to share.", newcomer=newcomer, guide=guide
        )
    if code == "different_teams":
        return tr.gettext("You work in different teams ({teams}).", teams=escape(" / ".join(reason["teams"])))
    if code == "hours_overlap":
        return tr.gettext(
            "Your working hours overlap by about {hours} h.", hours=round(reason["overlap_minutes"] / 60)
        )
    if code == "shared_interests":
        return tr.gettext(
            "You share an interest in {interests}.", interests=escape(", ".join(reason["interests"]))
        )
    return None


def _starter(tr: Translator, intro: Intro) -> str:
    shared = next((r["interests"] for r in intro.reasons if r["code"] == "shared_interests"), None)
    if isinstance(shared, list) and shared:
        return tr.gettext("how did each of you get into {interest}?", interest=escape(str(shared[0])))
    if intro.recent_story is not None:
        author, title = intro.recent_story
        return tr.gettext(
            "<@{user}> recently shared “{title}”: ask about it.", user=author, title=escape(title)
        )
    return tr.gettext("what is one thing you learned at work this month?")


def build_follow_up(tr: Translator, intro: Intro) -> dict[str, Any]:
    text = tr.gettext("This round ends soon. Did you manage to meet? One click tells me.")
    return {"text": text, "blocks": [section(text), answer_buttons(tr, intro.group_id)]}


def build_announce(tr: Translator, summary: RoundSummary) -> dict[str, Any]:
    text = tr.ngettext(
        "A new round of introductions: {count} group. If you are in it, look for my DM and answer there.",
        "A new round of introductions: {count} groups. If you are in one, look for my DM and answer there.",
        summary.groups,
    )
    hint = tr.gettext(
        "Need a break? `/cop pair pause 2w`. Not for you? `/cop pair pause` stops them until you resume."
    )
    return {"text": text, "blocks": [section(text), context(hint)]}


def build_result(tr: Translator, summary: RoundSummary) -> dict[str, Any]:
    text = tr.ngettext(
        "Last round of introductions: {met} of {count} group met.",
        "Last round of introductions: {met} of {count} groups met.",
        summary.groups,
        met=summary.met,
    )
    return {"text": text, "blocks": [section(text)]}


def build_too_few(tr: Translator, community: str, counts: dict[str, int]) -> dict[str, Any]:
    """To an organiser: no round this time, and who was left out, by reason (never by name)."""
    text = tr.gettext(
        "No introductions in *{community}* this round: fewer than two members could be introduced.",
        community=escape(community),
    )
    blocks = [section(text)]
    if left := left_out(tr, counts):
        blocks.append(section(left))
    return {"text": text, "blocks": blocks}


def left_out(tr: Translator, counts: dict[str, int]) -> str:
    """Who could not be introduced, by reason (never by name); "" when nobody was left out."""
    lines = [
        f"• {tr.gettext(LEFT_OUT[reason])}: {count}"
        for reason, count in sorted(counts.items())
        if reason in LEFT_OUT
    ]
    return tr.gettext("Left out:") + "\n" + "\n".join(lines) if lines else ""


def build_paused(tr: Translator, community_id: int, community: str) -> dict[str, Any]:
    text = tr.gettext(
        "You haven't answered your last three introductions in *{community}*, so I've paused them: "
        "no hard feelings. Whenever you'd like to meet people again, one click is enough.",
        community=escape(community),
    )
    button = _button(tr.gettext("Resume introductions"), ids.PAIR_RESUME, str(community_id), "primary")
    return {"text": text, "blocks": [section(text), actions(button)]}


def build_unplaced(tr: Translator, community: str) -> dict[str, Any]:
    text = tr.gettext(
        "No introduction for you in *{community}* this round: I couldn't find a group that works. "
        "See you next round.",
        community=escape(community),
    )
    return {"text": text, "blocks": [section(text)]}


def build_learned_modal(tr: Translator, metadata: str) -> dict[str, Any]:
    question: Block = {
        "type": "input",
        "block_id": LEARNED_BLOCK,
        "optional": True,
        "label": plain(tr.gettext("What did you learn or decide?")),
        "element": {
            "type": "plain_text_input",
            "action_id": LEARNED_INPUT,
            "multiline": True,
            "max_length": 1000,
        },
    }
    share: Block = {
        "type": "input",
        "block_id": SHARE_BLOCK,
        "optional": True,
        "label": plain(tr.gettext("Who may read it")),
        "element": {
            "type": "checkboxes",
            "action_id": SHARE_INPUT,
            "options": [{"text": plain(tr.gettext("Show it to the organisers")), "value": "share"}],
        },
    }
    intro = section(tr.gettext("Glad you met! One optional question, kept for the community's statistics."))
    return modal(
        tr.gettext("You met"),
        [intro, question, share],
        submit=tr.gettext("Save"),
        callback_id=ids.PAIR_LEARNED_VIEW,
        private_metadata=metadata,
    )


def build_status(tr: Translator, status: PairingStatus) -> str:
    lines = [_status_line(tr, row) for row in status.memberships]
    avoiding = tr.ngettext(
        "You avoid {count} person (only you know).",
        "You avoid {count} people (only you know).",
        status.avoiding,
    )
    return "\n".join([*lines, avoiding, tr.gettext(HOW_TO_STOP)])


def _status_line(tr: Translator, row: MembershipStatus) -> str:
    name = escape(row.community)
    if not row.opted_in:
        state = tr.gettext("not taking part")
    elif row.paused and row.paused_until is not None:
        state = tr.gettext("paused until {day}", day=slack_day(tr, row.paused_until))
    elif row.paused:
        state = tr.gettext("paused until you resume")
    elif row.every_other:
        state = tr.gettext("every other round")
    else:
        state = tr.gettext("every round")
    if not row.rhythm_weeks:
        state += " " + tr.gettext("(no rounds planned: the organisers start them)")
    return f"• *{name}*: {state}"


def build_preferences_modal(tr: Translator, metadata: str, preferences: Preferences) -> dict[str, Any]:
    """The App Home's introductions modal, filled in with how things stand."""
    paused = ("until" if preferences.paused_until else "resumed") if preferences.paused else "none"
    pause = radio_buttons(
        "choice", [option(tr.gettext(label), value) for value, label in PAUSE_LABELS.items()], initial=paused
    )
    day: Block = {"type": "datepicker", "action_id": "choice"}
    if preferences.paused_until:
        day["initial_date"] = preferences.paused_until.isoformat()
    frequency = radio_buttons(
        "choice",
        [option(tr.gettext("Every round"), "round"), option(tr.gettext("Every other round only"), "other")],
        initial="other" if preferences.every_other else "round",
    )
    people: Block = {"type": "multi_users_select", "action_id": "choice"}
    if preferences.avoided:
        people["initial_users"] = list(preferences.avoided)
    blocks = [
        section(tr.gettext("Your introductions in *{community}*.", community=escape(preferences.community))),
        input_block(PAUSE_FIELD, tr.gettext("Pause"), pause),
        input_block(UNTIL_FIELD, tr.gettext("Pause until"), day, optional=True),
        input_block(FREQUENCY_FIELD, tr.gettext("How often"), frequency),
        input_block(
            AVOID_FIELD,
            tr.gettext("People not to be introduced to"),
            people,
            optional=True,
            hint=tr.gettext("In all your communities. Only you know."),
        ),
    ]
    return modal(
        tr.gettext("Introductions"),
        blocks,
        submit=tr.gettext("Save"),
        callback_id=ids.PAIR_PREFERENCES_VIEW,
        private_metadata=metadata,
    )
