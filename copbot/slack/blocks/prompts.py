"""A story prompt's channel post, and the DM that offers organisers a slower rhythm."""

from __future__ import annotations

from typing import Any

from copbot.domain.enums import PromptCadence
from copbot.i18n import N_, Translator
from copbot.services.prompt_library import PromptChange, PromptList
from copbot.services.prompts import PromptView, SlowerSuggestion
from copbot.slack.blocks.common import SECTION_TEXT_MAX, Block, actions, button, context, escape, section
from copbot.slack.ids import PROMPT_SHARE, PROMPT_SLOWER

LIST_SECTIONS_MAX = 45  # a message holds 50 blocks: the heading and a note fit beside these
RHYTHMS = {PromptCadence.WEEKLY: N_("every week"), PromptCadence.FORTNIGHTLY: N_("every two weeks")}


def build_prompt_message(tr: Translator, prompt: PromptView) -> dict[str, Any]:
    """The prompt in the community's language, its theme, and a button that opens the share modal."""
    blocks = []
    if prompt.quiet_before:
        blocks.append(
            context(tr.gettext("No story last time, and that's fine: maybe this one speaks to you."))
        )
    label = (
        tr.gettext("Story prompt: {theme}", theme=prompt.theme)
        if prompt.theme
        else tr.gettext("Story prompt")
    )
    blocks += [
        context(label),
        section(f"*{escape(prompt.text)}*"),
        actions(
            button(tr.gettext("Share your story"), PROMPT_SHARE, str(prompt.prompt_post_id), style="primary")
        ),
    ]
    text = tr.gettext("Story prompt: {prompt}", prompt=escape(prompt.text))
    return {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


def build_slower_offer(tr: Translator, offer: SlowerSuggestion) -> dict[str, Any]:
    """To an organiser: three prompts in a row drew no story; one click applies the slower rhythm."""
    text = tr.gettext(
        "The last three story prompts in {community} drew no story. A slower rhythm may suit it better: "
        "a prompt {rhythm}?",
        community=escape(offer.community_name),
        rhythm=tr.gettext(RHYTHMS[offer.cadence]),
    )
    value = f"{offer.community_id}:{offer.cadence.value}"
    label = tr.gettext("Prompt {rhythm}", rhythm=tr.gettext(RHYTHMS[offer.cadence]))
    return {"text": text, "blocks": [section(text), actions(button(label, PROMPT_SLOWER, value))]}


def build_slower_applied(tr: Translator, offer: SlowerSuggestion) -> dict[str, Any]:
    text = tr.gettext(
        "Done: {community} now gets a story prompt {rhythm}.",
        community=escape(offer.community_name),
        rhythm=tr.gettext(RHYTHMS.get(offer.cadence, N_("every week"))),
    )
    return {"replace_original": True, "text": text, "blocks": [section(text)]}


def build_prompt_list(tr: Translator, listing: PromptList) -> dict[str, Any]:
    """The community's prompts, each with the key `/cop prompts remove` takes, in sections within limits."""
    heading = tr.gettext(
        "Story prompts of {community} ({count}). Remove one with `/cop prompts remove {slug} <key>`.",
        community=escape(listing.community_name),
        count=len(listing.prompts),
        slug=listing.community_slug,
    )
    own = tr.gettext("your own")
    lines = [
        f"`{entry.key}` _{escape(entry.theme or own)}_: {escape(entry.text)}" for entry in listing.prompts
    ]
    sections = _sections(lines)
    blocks = [section(heading), *sections[:LIST_SECTIONS_MAX]]
    if len(sections) > LIST_SECTIONS_MAX:
        blocks.append(context(tr.gettext("The list is too long to show in full here.")))
    return {"response_type": "ephemeral", "text": heading, "blocks": blocks}


def build_prompt_changed(tr: Translator, change: PromptChange, *, added: bool) -> dict[str, Any]:
    if added:
        text = tr.gettext(
            "Added to the prompts of {community} (key `{key}`): {prompt}",
            community=escape(change.community_name),
            key=change.key,
            prompt=escape(change.text),
        )
    else:
        text = tr.gettext(
            "Removed from the prompts of {community}: {prompt}",
            community=escape(change.community_name),
            prompt=escape(change.text),
        )
    return {"response_type": "ephemeral", "text": text}


def _sections(lines: list[str]) -> list[Block]:
    """Lines grouped into sections of at most SECTION_TEXT_MAX characters (a line is at most ~1,700)."""
    sections: list[list[str]] = [[]]
    for line in lines:
        if sum(len(kept) + 1 for kept in sections[-1]) + len(line) > SECTION_TEXT_MAX:
            sections.append([])
        sections[-1].append(line)
    return [section("\n".join(group)) for group in sections if group]
