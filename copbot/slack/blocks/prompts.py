"""A story prompt's channel post, and the DM that offers organisers a slower rhythm."""

from __future__ import annotations

from typing import Any

from copbot.domain.enums import PromptCadence
from copbot.i18n import N_, Translator
from copbot.services.prompts import PromptView, SlowerSuggestion
from copbot.slack.blocks.common import actions, button, context, escape, section
from copbot.slack.ids import PROMPT_SHARE, PROMPT_SLOWER

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
