"""Messages about communities: the pinned welcome, `/cop list`, organisers, and confirmations."""

from __future__ import annotations

from typing import Any

from copbot.domain.text import one_line
from copbot.i18n import Translator
from copbot.services.communities import CommunityPage
from copbot.services.lookup import NO_COMMUNITIES, CommunityCard
from copbot.slack.blocks.common import Block, button, context, escape, header, section
from copbot.slack.ids import COMMAND, JOIN_BUTTON, JOIN_FROM_LIST

SECTION_MAX = 3000
LIST_PURPOSE_MAX = 300
LIST_AUDIENCE_MAX = 200


def build_welcome(tr: Translator, card: CommunityCard) -> dict[str, Any]:
    """The channel's pinned welcome, in the community's language (`tr`)."""
    how_to_join = tr.gettext(
        "*How to join:* type `{command} join {slug}`, or press the button.", command=COMMAND, slug=card.slug
    )
    blocks = [
        header(tr.gettext("Welcome to {name}", name=card.name)),
        section(_titled(tr.gettext("What we practise"), card.purpose)),
        section(_titled(tr.gettext("Who it's for"), card.audience)),
        section(how_to_join, accessory=_join_button(tr, card)),
    ]
    text = tr.gettext("Welcome to {name}", name=card.name) + "\n" + escape(card.purpose)
    return {"text": text, "blocks": blocks}


def build_list(tr: Translator, page: CommunityPage, *, joined: int | None = None) -> dict[str, Any]:
    """The ephemeral `/cop list` answer: one entry per community, with a Join button each.

    `joined`: the community the reader just joined from this list, marked "Joined ✓" in place of its button.
    """
    if not page.cards:
        return _ephemeral(tr.gettext(NO_COMMUNITIES))
    blocks: list[Block] = [header(tr.gettext("Communities here"))]
    for index, card in enumerate(page.cards):
        blocks += _list_entry(tr, card, where=f"{page.page}:{index}", joined=card.id == joined)
    if page.remaining:
        more = tr.ngettext(
            "…and {count} more: `{command} list {page}`",
            "…and {count} more: `{command} list {page}`",
            page.remaining,
            command=COMMAND,
            page=page.page + 1,
        )
        blocks.append(context(more))
    names = ", ".join(escape(card.name) for card in page.cards)
    return {**_ephemeral(tr.gettext("Communities here: {names}", names=names)), "blocks": blocks}


def build_organisers(tr: Translator, name: str, user_ids: list[str]) -> dict[str, Any]:
    mentions = ", ".join(f"<@{user_id}>" for user_id in user_ids)
    if user_ids:
        text = tr.gettext("Organisers of *{name}*: {mentions}", name=escape(name), mentions=mentions)
    else:
        text = tr.gettext("*{name}* has no organisers right now.", name=escape(name))
    admins = tr.gettext("Workspace admins and owners can organise every community too.")
    return {**_ephemeral(text), "blocks": [section(text), context(admins)]}


def build_organiser_added(tr: Translator, name: str, user_id: str) -> dict[str, Any]:
    return _ephemeral(tr.gettext("<@{user}> now organises *{name}*.", user=user_id, name=escape(name)))


def build_organiser_removed(tr: Translator, name: str, user_id: str) -> dict[str, Any]:
    return _ephemeral(tr.gettext("<@{user}> no longer organises *{name}*.", user=user_id, name=escape(name)))


def build_created(tr: Translator, card: CommunityCard) -> dict[str, Any]:
    """The creator's DM: where the community lives and how people join it."""
    text = tr.gettext(
        "Your community *{name}* is ready in <#{channel}>. People join with `{command} join {slug}` "
        "or with the button on the welcome message pinned there.",
        name=escape(card.name),
        channel=card.channel_id,
        command=COMMAND,
        slug=card.slug,
    )
    return {"text": text, "blocks": [section(text)]}


def build_updated(tr: Translator, card: CommunityCard) -> dict[str, Any]:
    text = tr.gettext(
        "Your changes to *{name}* are saved. Its welcome message in <#{channel}> is up to date.",
        name=escape(card.name),
        channel=card.channel_id,
    )
    return {"text": text, "blocks": [section(text)]}


def build_channel_problem(tr: Translator, card: CommunityCard, why: str) -> dict[str, Any]:
    """An organiser's DM: copbot could not post in the community's channel; `why` is translated already."""
    text = tr.gettext(
        "copbot couldn't post in <#{channel}>, the channel of *{name}*: {why} Invite copbot back "
        "(`/invite @copbot`), or move the community to another channel with `{command} edit {slug}`.",
        channel=card.channel_id,
        name=escape(card.name),
        why=why,
        command=COMMAND,
        slug=card.slug,
    )
    return {"text": text.replace("*", ""), "blocks": [section(text)]}


def _list_entry(tr: Translator, card: CommunityCard, *, where: str, joined: bool) -> list[Block]:
    # Line breaks would split the list's compact layout (and its italics).
    purpose = _fit(one_line(card.purpose), LIST_PURPOSE_MAX)
    audience = _fit(one_line(card.audience), LIST_AUDIENCE_MAX)
    for_whom = tr.gettext("For: {audience}", audience=audience)
    text = f"*{escape(card.name)}* · `{card.slug}`\n{purpose}\n_{for_whom}_"
    members = tr.ngettext("{count} member", "{count} members", card.members)
    facts = f"{members} · <#{card.channel_id}>"
    if joined:
        done = tr.gettext("Joined ✓")
        return [section(text), context(f"*{done}* · {facts}")]
    block_id = f"{JOIN_FROM_LIST}:{where}:{card.id}"  # where "Joined ✓" goes once the join is done
    return [section(text, accessory=_join_button(tr, card), block_id=block_id), context(facts)]


def _join_button(tr: Translator, card: CommunityCard) -> Block:
    return button(tr.gettext("Join"), JOIN_BUTTON, str(card.id), style="primary")


def _titled(title: str, body: str) -> str:
    return f"*{title}*\n" + _fit(body, SECTION_MAX - len(title) - 3)


def _fit(text: str, limit: int) -> str:
    """`text` escaped for mrkdwn and cut so that the escaped form fits `limit` (escaping lengthens it)."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    kept, length = [], 0
    for character in text:
        piece = escape(character)
        if length + len(piece) > limit - 1:
            break
        kept.append(piece)
        length += len(piece)
    return "".join(kept) + "…"


def _ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}
