"""Joining and leaving: the join and leave modals, the welcome DM, the offer to channel joiners."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime

from copbot.domain.enums import Experience
from copbot.domain.membership import (
    COMMUNITY_FIELD,
    EXPERIENCE_FIELD,
    INTERESTS_FIELD,
    INTERESTS_INPUT_MAX,
    PAIRING_FIELD,
    TEAM_FIELD,
    TEAM_MAX,
    Profile,
)
from copbot.domain.tags import TAGS_MAX
from copbot.i18n import N_, Translator
from copbot.services.lookup import CommunityCard
from copbot.services.membership import JoinForm, JoinOutcome, LeaveForm, Welcome
from copbot.slack.blocks.common import (
    Block,
    actions,
    button,
    checkboxes,
    context,
    escape,
    input_block,
    modal,
    option,
    radio_buttons,
    section,
    slack_date,
    static_select,
    text_input,
)
from copbot.slack.ids import JOIN_BUTTON, JOIN_FROM_OFFER, JOIN_VIEW, JOINER_DISMISS, LEAVE_VIEW

PAIRING_YES = "yes"
PURPOSE_SHOWN_MAX = 1000  # keeps every section well under Slack's 3000 characters
WHEN_PATTERN = "EEEE d MMMM, HH:mm"
EXPERIENCE_LABELS = {
    Experience.NEW: N_("New to this"),
    Experience.PRACTISING: N_("Practising"),
    Experience.EXPERIENCED: N_("Experienced"),
}


def build_join_modal(tr: Translator, form: JoinForm, *, metadata: str) -> dict[str, Any]:
    """The join form; for a member already in, the same form pre-filled, titled "update".

    Like every modal here it names no `close` button, so Slack shows its own, in the user's language.
    """
    if form.community is not None:
        top = _introduction(tr, form.community, updating=form.updating)
    else:
        top = [_community_select(tr, form.choices)]
    title = tr.gettext("Update your profile") if form.updating else tr.gettext("Join a community")
    submit = tr.gettext("Update") if form.updating else tr.gettext("Join")
    blocks = [*top, *_profile_inputs(tr, form.profile)]
    return modal(title, blocks, submit=submit, callback_id=JOIN_VIEW, private_metadata=metadata)


def build_leave_modal(tr: Translator, form: LeaveForm, *, metadata: str) -> dict[str, Any]:
    """Asks before leaving, and says plainly what leaving (and erasing) keeps and removes."""
    name = escape(form.community.name)
    lines = []
    if form.active:
        lines.append(
            tr.gettext(
                "Leave *{name}*? Your history stays in the community's statistics, "
                "and copbot stops introducing you to other members.",
                name=name,
            )
        )
    if form.erase:
        lines.append(
            tr.gettext(
                "Your profile will be removed, and your stories, RSVPs and activity in *{name}* "
                "anonymised. This can't be undone.",
                name=name,
            )
        )
    title, submit = _leave_chrome(tr, form)
    blocks = [section(line) for line in lines]
    return modal(title, blocks, submit=submit, callback_id=LEAVE_VIEW, private_metadata=metadata)


def _leave_chrome(tr: Translator, form: LeaveForm) -> tuple[str, str]:
    if not form.active:
        return tr.gettext("Erase your data"), tr.gettext("Erase")
    submit = tr.gettext("Leave and erase") if form.erase else tr.gettext("Leave")
    return tr.gettext("Leave a community"), submit


def build_problem_modal(tr: Translator, text: str) -> dict[str, Any]:
    """What replaces a confirmation modal when the action could not be done; `text` is mrkdwn."""
    return modal(tr.gettext("That didn't work"), [section(text)])


def build_welcome(tr: Translator, welcome: Welcome, *, tz: str) -> dict[str, Any]:
    """The DM a new (or returning) member gets: what the community is, what's next, how to start."""
    community = welcome.community
    name = escape(community.name)
    if welcome.outcome is JoinOutcome.REJOINED:
        greeting = tr.gettext("Welcome back to *{name}*!", name=name)
    else:
        greeting = tr.gettext("Welcome to *{name}*!", name=name)
    blocks = [section(greeting), section(_what_and_who(tr, community))]
    if welcome.next_session is not None:
        starts_at = welcome.next_session.starts_at
        when = slack_date(starts_at, _when(starts_at, tz, tr.language))
        title = escape(welcome.next_session.title)
        blocks.append(section(tr.gettext("*Next session:* {title}, {when}", title=title, when=when)))
    blocks.append(section(tr.gettext("The community talks in <#{channel}>.", channel=community.channel_id)))
    blocks.append(section(tr.gettext("Start by sharing a story: `/cop share`")))
    fallback = greeting.replace("*", "")
    return {"text": fallback, "blocks": blocks}


def build_profile_updated(tr: Translator, community: CommunityCard) -> dict[str, Any]:
    text = tr.gettext("Your profile in *{name}* is updated.", name=escape(community.name))
    return {"text": text.replace("*", ""), "blocks": [section(text)]}


def build_farewell(tr: Translator, community: CommunityCard, *, erased: bool) -> dict[str, Any]:
    name = escape(community.name)
    if erased:
        text = tr.gettext(
            "Your data in *{name}* is erased: your profile is removed, and your stories, RSVPs and "
            "activity there are anonymised.",
            name=name,
        )
    else:
        text = tr.gettext("You left *{name}*.", name=name)
    rejoin = tr.gettext("Rejoin any time with `/cop join {slug}`.", slug=community.slug)
    return {"text": text.replace("*", ""), "blocks": [section(text), context(rejoin)]}


def build_joiner_offer(tr: Translator, channel_id: str, communities: list[CommunityCard]) -> dict[str, Any]:
    """The ephemeral a person gets on joining a community's channel directly: one Join button each."""
    texts = [
        tr.gettext(
            "Welcome to <#{channel}>, the channel of *{name}*.\n*What we practise:* {purpose}\n"
            "Join the community to get introductions and session reminders.",
            channel=channel_id,
            name=escape(community.name),
            purpose=_purpose(community),
        )
        for community in communities
    ]
    blocks: list[Block] = [
        section(
            text,
            accessory=button(tr.gettext("Join"), JOIN_BUTTON, str(community.id), style="primary"),
            block_id=f"{JOIN_FROM_OFFER}:{community.id}",  # where "Joined ✓" goes once the join is done
        )
        for text, community in zip(texts, communities, strict=True)
    ]
    blocks.append(actions(button(tr.gettext("Not now"), JOINER_DISMISS, "dismiss")))
    return {"text": texts[0].replace("*", ""), "blocks": blocks}


def build_offer_joined(tr: Translator, name: str) -> dict[str, Any]:
    """What the channel-joiner offer becomes once the person joined from it."""
    text = tr.gettext("*Joined ✓* You are a member of *{name}*.", name=escape(name))
    return {"replace_original": True, "text": text.replace("*", ""), "blocks": [section(text)]}


def _introduction(tr: Translator, community: CommunityCard, *, updating: bool) -> list[Block]:
    blocks = [section(f"*{escape(community.name)}*\n{_what_and_who(tr, community)}")]
    if updating:
        blocks.append(context(tr.gettext("You are a member already: this updates your profile.")))
    return blocks


def _what_and_who(tr: Translator, community: CommunityCard) -> str:
    practise = tr.gettext("*What we practise:* {purpose}", purpose=_purpose(community))
    audience = escape(community.audience[:PURPOSE_SHOWN_MAX])
    return practise + "\n" + tr.gettext("*Who it's for:* {audience}", audience=audience)


def _purpose(community: CommunityCard) -> str:
    return escape(community.purpose[:PURPOSE_SHOWN_MAX])


def _when(starts_at: datetime, tz: str, language: str) -> str:
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone, tz = ZoneInfo("UTC"), "UTC"
    return f"{format_datetime(starts_at, WHEN_PATTERN, tzinfo=zone, locale=language)} ({tz})"


def _community_select(tr: Translator, choices: tuple[CommunityCard, ...]) -> Block:
    options = [option(community.name, str(community.id)) for community in choices]
    element = static_select(COMMUNITY_FIELD, options, placeholder=tr.gettext("Choose a community"))
    return input_block(COMMUNITY_FIELD, tr.gettext("Community to join"), element)


def _profile_inputs(tr: Translator, profile: Profile | None) -> list[Block]:
    levels = [option(tr.gettext(label), level.value) for level, label in EXPERIENCE_LABELS.items()]
    experience = radio_buttons(EXPERIENCE_FIELD, levels, initial=profile.experience if profile else None)
    team = text_input(TEAM_FIELD, max_length=TEAM_MAX, initial=profile.team_name if profile else None)
    interests = text_input(
        INTERESTS_FIELD,
        max_length=INTERESTS_INPUT_MAX,
        initial=", ".join(profile.interests) if profile else None,
        placeholder=tr.gettext("e.g. exploratory testing, automation"),
    )
    introduce = [option(tr.gettext("Introduce me to other members"), PAIRING_YES)]
    wants_pairing = profile is None or profile.pairing
    pairing = checkboxes(PAIRING_FIELD, introduce, initial=[PAIRING_YES] if wants_pairing else [])
    hint = tr.gettext("A few tags, comma-separated (up to {max}).", max=TAGS_MAX)
    return [
        input_block(EXPERIENCE_FIELD, tr.gettext("Your experience of this practice"), experience),
        input_block(TEAM_FIELD, tr.gettext("Your team or department"), team),
        input_block(INTERESTS_FIELD, tr.gettext("Interests"), interests, optional=True, hint=hint),
        input_block(PAIRING_FIELD, tr.gettext("Introductions"), pairing, optional=True),
    ]


def build_join_offer(tr: Translator, text: str, community_id: int) -> dict[str, Any]:
    """Why something needs membership first, with a Join button that opens the join form."""
    join = button(tr.gettext("Join"), JOIN_BUTTON, str(community_id), style="primary")
    return {"text": text, "blocks": [section(text), actions(join)]}
